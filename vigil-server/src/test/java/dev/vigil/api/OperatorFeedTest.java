package dev.vigil.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.javalin.Javalin;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The operator stream's fan-out: bounded per subscriber, never blocking the publisher. */
class OperatorFeedTest {
    private static final String END = "<end of stream>";
    private final OperatorFeed feed = new OperatorFeed(Duration.ofSeconds(15));

    @Test
    void aSubscriberThatStopsReadingIsDroppedOnceItsQueueIsFullWhileOthersGetEverything() {
        OperatorFeed.Subscription stalled = feed.subscribe("ops");
        OperatorFeed.Subscription reading = feed.subscribe("ops");
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
    void anIdleStreamGetsKeepAliveCommentsAndThenTheEvents() throws Exception {
        OperatorFeed quick = new OperatorFeed(Duration.ofMillis(50));
        Javalin app = Javalin.create(cfg -> cfg.routes.sse("/stream", quick::stream)).start("127.0.0.1", 0);
        try {
            HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + "/stream"))
                    .header("Accept", "text/event-stream").build();
            HttpResponse<Stream<String>> response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofLines());
            BlockingQueue<String> lines = new LinkedBlockingQueue<>();
            Thread.ofVirtual().start(() -> {
                response.body().forEach(lines::add);
                lines.add(END);
            });
            assertThat(lines.poll(10, TimeUnit.SECONDS)).isEqualTo(": connected");
            assertThat(lines.poll(10, TimeUnit.SECONDS)).isEqualTo(": keep-alive");

            quick.publish(new OperatorFeed.Message("agent", "{\"agent\":\"a\"}"));
            String line;
            do line = lines.poll(10, TimeUnit.SECONDS); while (line != null && !line.startsWith("event:"));
            assertThat(line).isEqualTo("event: agent");
            assertThat(lines.poll(10, TimeUnit.SECONDS)).isEqualTo("data: {\"agent\":\"a\"}");
            quick.close(); // as the server does before it stops
            assertThat(quick.subscribers()).isZero();
            do line = lines.poll(10, TimeUnit.SECONDS); while (line != null && !line.equals(END));
            assertThat(line).as("the stream ended").isEqualTo(END);
        } finally {
            app.stop();
        }
    }

    @Test
    void subscribersAreLimitedPerKeySoOneKeyCannotLockOutTheOthersAndInAll() {
        for (int i = 0; i < OperatorFeed.MAX_SUBSCRIBERS_PER_KEY; i++) assertThat(feed.subscribe("greedy")).isNotNull();
        OperatorFeed.Subscription last = feed.subscribe("other");
        assertThat(feed.subscribe("greedy")).isNull();
        assertThat(last).isNotNull();

        last.cancel();
        assertThat(feed.subscribe("other")).as("a cancelled subscription frees its place").isNotNull();
        for (int key = 0; feed.subscribers() < OperatorFeed.MAX_SUBSCRIBERS; key++) assertThat(feed.subscribe("key-" + key)).isNotNull();
        assertThat(feed.subscribe("yet-another")).isNull();
    }
}
