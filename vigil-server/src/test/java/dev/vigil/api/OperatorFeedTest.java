package dev.vigil.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The operator stream's fan-out: bounded per subscriber, never blocking the publisher. */
class OperatorFeedTest {
    private final OperatorFeed feed = new OperatorFeed(Duration.ofSeconds(15));

    @Test
    void aSubscriberThatStopsReadingIsDroppedOnceItsQueueIsFullWhileOthersGetEverything() {
        OperatorFeed.Subscription stalled = feed.subscribe();
        OperatorFeed.Subscription reading = feed.subscribe();
        int received = 0;
        for (int i = 0; i <= OperatorFeed.QUEUE; i++) {
            feed.publish(new OperatorFeed.Message("incident", "{\"n\":" + i + "}")); // returns at once even for the stalled one
            if (reading.queue.poll() != null) received++;
        }
        assertThat(received).isEqualTo(OperatorFeed.QUEUE + 1);
        assertThat(stalled.overflowed).isTrue();
        assertThat(stalled.queue).hasSize(OperatorFeed.QUEUE); // bounded: the message that did not fit was dropped
        assertThat(reading.overflowed).isFalse();
        assertThat(feed.subscribers()).isEqualTo(1);

        feed.publish(new OperatorFeed.Message("agent", "{}"));
        assertThat(stalled.queue).hasSize(OperatorFeed.QUEUE); // no longer subscribed
    }

    @Test
    void subscribersAreLimited() {
        for (int i = 0; i < OperatorFeed.MAX_SUBSCRIBERS; i++) assertThat(feed.subscribe()).isNotNull();
        assertThat(feed.subscribe()).isNull();
    }
}
