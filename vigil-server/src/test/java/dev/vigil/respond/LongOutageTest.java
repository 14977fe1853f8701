package dev.vigil.respond;

import static dev.vigil.server.TestVigil.OPERATOR;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.server.TestVigil;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A channel down for a long time, on the virtual clock: its page waits and is retried with capped
 * backoff for as long as the page matters, meanwhile Vigil says on its other channels that the
 * channel is failing, and once the channel is back the page arrives once, with the same
 * idempotency key on every attempt. A page that became moot (its incident resolved) is not sent late.
 */
class LongOutageTest {
    @TempDir
    Path data;
    private Receiver down;
    private Receiver other;
    private TestVigil vigil;

    @AfterEach
    void stop() {
        if (vigil != null) vigil.close();
        if (down != null) down.close();
        if (other != null) other.close();
    }

    private void start() throws java.io.IOException {
        down = new Receiver();
        other = new Receiver();
        down.failNext(Integer.MAX_VALUE);
        vigil = TestVigil.start(data, null, """
                channels:
                  down:  {type: webhook, url: "%s"}
                  other: {type: webhook, url: "%s"}
                response:
                  action_backoff: 1s
                """.formatted(down.url("/in"), other.url("/in")));
    }

    /** Lets virtual time pass in steps, the pipeline quiet after each (deliveries due are made). */
    private void pass(Duration total, Duration step) throws InterruptedException {
        for (Duration passed = Duration.ZERO; passed.compareTo(total) < 0; passed = passed.plus(step)) {
            vigil.clock.advance(step);
            vigil.server.pipeline().awaitQuiet();
        }
    }

    private List<Receiver.Request> about(List<Receiver.Request> requests, String incident) {
        return requests.stream().filter(r -> incident.equals(r.json().path("incident").path("id").asText(null))).toList();
    }

    @Test
    void aPageWaitsOutAnHourLongOutageAndArrivesOnce() throws Exception {
        start();
        vigil.accept("[{\"agent\":\"rogue\",\"kind\":\"policy_violation\"}]");
        vigil.server.pipeline().awaitQuiet();
        String incident = vigil.incidents("?agent=rogue").get(0).get("id").textValue();

        pass(Duration.ofHours(1), Duration.ofSeconds(30));
        assertThat(down.requests).isEmpty();
        assertThat(down.refused.get()).as("retried all hour, backoff capped at 5 minutes").isBetween(12, 40);
        String timeline = vigil.get("/v1/incidents/" + incident, OPERATOR).json().get("timeline").toString();
        assertThat(timeline).doesNotContain("failed for good").doesNotContain("action_failed");
        // Meanwhile: an incident about Vigil itself, on the channels that work.
        JsonNode self = vigil.incidents("?rule=vigil-self-monitoring").stream()
                .filter(i -> "channel_failing".equals(i.get("group").path("attrs.check").asText())).findFirst().orElseThrow();
        assertThat(self.get("group").get("attrs.channel").textValue()).isEqualTo("down");
        assertThat(self.get("timeline").get(0).get("detail").textValue()).contains("down has been failing", "answered 503")
                .doesNotContain("null");
        assertThat(about(other.requests, self.get("id").textValue())).hasSize(1);
        assertThat(about(other.requests, incident)).hasSize(1);

        down.failNext(0);
        pass(Duration.ofMinutes(6), Duration.ofSeconds(30));
        List<Receiver.Request> pages = about(down.requests, incident);
        assertThat(pages).hasSize(1);
        String key = pages.get(0).header("Idempotency-Key");
        assertThat(key).isNotBlank().isEqualTo(pages.get(0).json().get("delivery").textValue());
        assertThat(about(down.refusedRequests, incident)).isNotEmpty()
                .allSatisfy(attempt -> assertThat(attempt.header("Idempotency-Key")).isEqualTo(key));
        pass(Duration.ofMinutes(10), Duration.ofMinutes(1));
        assertThat(about(down.requests, incident)).as("delivered once").hasSize(1);
    }

    @Test
    void aPageMadeMootByItsResolutionIsNotSentLate() throws Exception {
        start();
        vigil.accept("[{\"agent\":\"fixed\",\"kind\":\"policy_violation\"}]");
        vigil.server.pipeline().awaitQuiet();
        String incident = vigil.incidents("?agent=fixed").get(0).get("id").textValue();
        pass(Duration.ofMinutes(5), Duration.ofSeconds(30));
        assertThat(vigil.post("/v1/incidents/" + incident + "/resolve", OPERATOR, "application/json", "{\"note\":\"fixed by hand\"}").status())
                .isEqualTo(200);
        vigil.server.pipeline().awaitQuiet();

        down.failNext(0);
        pass(Duration.ofMinutes(10), Duration.ofSeconds(30));
        assertThat(about(down.requests, incident)).isEmpty();
        assertThat(about(other.requests, incident)).extracting(r -> r.json().get("transition").textValue())
                .containsExactly("triggered", "resolved");
        assertThat(vigil.get("/v1/incidents/" + incident, OPERATOR).json().get("timeline").toString())
                .contains("notify via down: moot: the incident was resolved before this was delivered");
    }
}
