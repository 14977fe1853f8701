package dev.vigil.server;

import static dev.vigil.server.TestVigil.OPERATOR;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ingest and event-log API over real HTTP, run once per database (SQLite and PostgreSQL).
 */
abstract class IngestApiContract {
    @TempDir
    Path data;
    TestVigil vigil;

    /** The JDBC URL of a fresh, empty database; null for SQLite in the data directory. */
    abstract String freshDatabase();

    TestVigil start(String yaml) {
        vigil = TestVigil.start(data, freshDatabase(), yaml);
        return vigil;
    }

    TestVigil start() {
        return start("");
    }

    @AfterEach
    void stop() {
        if (vigil != null) vigil.close();
    }

    private List<JsonNode> storedEvents(String query) {
        TestVigil.Response r = vigil.get("/v1/events" + query, OPERATOR);
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        List<JsonNode> events = new ArrayList<>();
        r.json().get("events").forEach(events::add);
        return events;
    }

    @Test
    void acceptsOneEventAndReadsItBackAsStored() {
        start();
        TestVigil.Response r = vigil.postEvents("""
                {"id":"e1","agent":"billing-bot","run":"r1","task":"t1","kind":"tool_call","tool":"payments.refund",
                 "params":{"amount":30,"note":"refund für Zoë ✓ 退款"},"latency_ms":840,"custom":"kept"}""");
        assertThat(r.status()).as(r.toString()).isEqualTo(202);
        assertThat(r.json().get("accepted").intValue()).isEqualTo(1);
        assertThat(r.json().get("rejected")).isEmpty();

        List<JsonNode> events = storedEvents("");
        assertThat(events).hasSize(1);
        JsonNode e = events.get(0);
        assertThat(e.get("id").textValue()).isEqualTo("e1");
        assertThat(e.get("ts").textValue()).isEqualTo("2026-11-29T04:00:00Z");
        assertThat(e.get("received_at").textValue()).isEqualTo("2026-11-29T04:00:00Z");
        assertThat(e.get("params").get("amount").intValue()).isEqualTo(30);
        assertThat(e.get("params").get("note").textValue()).isEqualTo("refund für Zoë ✓ 退款");
        assertThat(e.get("latency_ms").intValue()).isEqualTo(840);
        assertThat(e.get("attrs").get("custom").textValue()).isEqualTo("kept");
    }

    @Test
    void acceptsAnArrayAndReportsEachRejectedEventByIndex() {
        start();
        TestVigil.Response r = vigil.postEvents("""
                [{"agent":"a","kind":"llm_call","tokens":{"input":10,"output":5}},
                 {"agent":"a","kind":"tool_call","latency_ms":-4},
                 {"agent":"a","kind":"decision"},
                 {"kind":"outcome"}]""");
        assertThat(r.status()).as(r.toString()).isEqualTo(202);
        assertThat(r.json().get("accepted").intValue()).isEqualTo(2);
        assertThat(r.json().get("rejected").toString()).isEqualTo(
                "[{\"index\":1,\"error\":\"latency_ms: must not be negative (-4)\"},{\"index\":3,\"error\":\"agent: is required\"}]");
        assertThat(storedEvents("")).hasSize(2);
    }

    @Test
    void acceptsNdjsonAndRejectsABadLineAlone() {
        start();
        TestVigil.Response r = vigil.post("/v1/events", TestVigil.AGENT, "application/x-ndjson",
                "{\"agent\":\"a\",\"kind\":\"heartbeat\"}\n\n{not json}\r\n{\"agent\":\"b\",\"kind\":\"heartbeat\"}\n");
        assertThat(r.status()).as(r.toString()).isEqualTo(202);
        assertThat(r.json().get("accepted").intValue()).isEqualTo(2);
        assertThat(r.json().get("rejected").get(0).get("index").intValue()).isEqualTo(1);
        assertThat(r.json().get("rejected").get(0).get("error").textValue()).startsWith("line 2 is not valid JSON");
        assertThat(storedEvents("")).extracting(e -> e.get("agent").textValue()).containsExactlyInAnyOrder("a", "b");
    }

    @Test
    void refusesABodyThatIsNotJson() {
        start();
        TestVigil.Response r = vigil.postEvents("agent=a&kind=heartbeat");
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().get("error").textValue()).startsWith("body is not valid JSON");

        TestVigil.Response concatenated = vigil.postEvents("{\"agent\":\"a\",\"kind\":\"heartbeat\"}{\"agent\":\"a\",\"kind\":\"heartbeat\"}");
        assertThat(concatenated.status()).isEqualTo(400);
        assertThat(concatenated.json().get("error").textValue()).contains("application/x-ndjson");

        assertThat(vigil.postEvents("").status()).isEqualTo(400);
        assertThat(storedEvents("")).isEmpty();
    }

    @Test
    void refusesABodyOverTheSizeLimit() {
        start("ingest: {max_body_bytes: 2048}");
        String event = "{\"agent\":\"a\",\"kind\":\"heartbeat\",\"attrs\":{\"pad\":\"%s\"}}";
        assertThat(vigil.postEvents(event.formatted("x".repeat(1900))).status()).isEqualTo(202);
        TestVigil.Response r = vigil.postEvents(event.formatted("x".repeat(2100)));
        assertThat(r.status()).isEqualTo(413);
        assertThat(r.json().get("error").textValue()).contains("limit of 2048 bytes");
        assertThat(storedEvents("")).hasSize(1);
    }

    @Test
    void refusesNestingDeeperThanTheLimit() {
        start("ingest: {max_nesting: 16}");
        String deep = "{\"a\":".repeat(20) + "1" + "}".repeat(20);
        TestVigil.Response r = vigil.postEvents("{\"agent\":\"a\",\"kind\":\"heartbeat\",\"attrs\":" + deep + "}");
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().get("error").textValue()).isEqualTo("body nests JSON deeper than the limit of 16 levels");
        assertThat(storedEvents("")).isEmpty();
    }

    @Test
    void refusesARequestWhoseEveryEventIsInvalid() {
        start();
        TestVigil.Response r = vigil.postEvents("[{\"agent\":\"a\"},{\"agent\":\"a\",\"kind\":\"nap\"}]");
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().get("error").textValue()).isEqualTo("every event in the request was rejected");
        assertThat(r.json().get("rejected")).hasSize(2);
        assertThat(r.json().get("rejected").get(0).get("error").textValue()).isEqualTo("kind: is required");
    }

    @Test
    void storesAnEventIdOnceAndStillAcknowledgesTheRepeat() {
        start();
        String event = "{\"id\":\"once\",\"agent\":\"a\",\"kind\":\"heartbeat\"}";
        TestVigil.Response first = vigil.postEvents(event);
        assertThat(first.json().get("duplicates").intValue()).isZero();
        vigil.clock.advance(Duration.ofHours(23));
        TestVigil.Response again = vigil.postEvents("[" + event + "," + event + "]");
        assertThat(again.status()).isEqualTo(202);
        assertThat(again.json().get("accepted").intValue()).isEqualTo(2);
        assertThat(again.json().get("duplicates").intValue()).isEqualTo(2);
        // The same id from another agent is another event.
        assertThat(vigil.postEvents("{\"id\":\"once\",\"agent\":\"b\",\"kind\":\"heartbeat\"}").json().get("duplicates").intValue()).isZero();
        assertThat(storedEvents("?agent=a")).hasSize(1);
        assertThat(storedEvents("")).hasSize(2);
    }

    @Test
    void clampsFutureTimestampsAndRejectsEventsOlderThanTheMaximumAge() {
        start();
        TestVigil.Response r = vigil.postEvents("""
                [{"agent":"a","kind":"heartbeat","ts":"2026-11-29T05:00:00Z"},
                 {"agent":"a","kind":"heartbeat","ts":"2026-11-28T03:00:00Z"},
                 {"agent":"a","kind":"heartbeat","ts":"2026-11-29T03:00:00Z"}]""");
        assertThat(r.json().get("accepted").intValue()).isEqualTo(2);
        assertThat(r.json().get("rejected").get(0).get("error").textValue()).startsWith("ts: older than the maximum age of PT24H");
        List<JsonNode> events = storedEvents("");
        assertThat(events.get(0).get("ts").textValue()).isEqualTo("2026-11-29T04:00:00Z");
        assertThat(events.get(0).get("clamped").booleanValue()).isTrue();
        assertThat(events.get(1).get("ts").textValue()).isEqualTo("2026-11-29T03:00:00Z");
        assertThat(events.get(1).has("clamped")).isFalse();
    }

    @Test
    void readsTheLogNewestFirstWithFiltersAndCursorPagination() {
        start();
        StringBuilder batch = new StringBuilder("[");
        for (int i = 0; i < 25; i++) {
            if (i > 0) batch.append(',');
            batch.append("{\"id\":\"e%02d\",\"agent\":\"%s\",\"run\":\"r%d\",\"task\":\"t%d\",\"kind\":\"%s\",\"ts\":\"2026-11-29T03:%02d:00Z\"}"
                    .formatted(i, i % 2 == 0 ? "even" : "odd", i % 3, i % 5, i % 4 == 0 ? "outcome" : "tool_call", 30 + i / 2));
        }
        assertThat(vigil.postEvents(batch.append(']').toString()).status()).isEqualTo(202);

        Set<String> seen = new HashSet<>();
        List<String> order = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            TestVigil.Response page = vigil.get("/v1/events?limit=10" + (cursor == null ? "" : "&cursor=" + cursor), OPERATOR);
            page.json().get("events").forEach(e -> {
                assertThat(seen.add(e.get("id").textValue())).isTrue();
                order.add(e.get("ts").textValue());
            });
            cursor = page.json().get("next_cursor").isNull() ? null : page.json().get("next_cursor").textValue();
            pages++;
        } while (cursor != null);
        assertThat(pages).isEqualTo(3);
        assertThat(seen).hasSize(25);
        assertThat(order).isSortedAccordingTo((a, b) -> b.compareTo(a));

        assertThat(ids("?agent=even")).hasSize(13).allMatch(id -> Integer.parseInt(id.substring(1)) % 2 == 0);
        assertThat(ids("?run=r1&kind=tool_call")).containsExactlyInAnyOrderElementsOf(
                IntStream.range(0, 25).filter(i -> i % 3 == 1 && i % 4 != 0).mapToObj(i -> "e%02d".formatted(i)).toList());
        assertThat(ids("?task=t4")).containsExactlyInAnyOrder("e04", "e09", "e14", "e19", "e24");
        assertThat(ids("?since=2026-11-29T03:40:00Z&until=2026-11-29T03:41:00Z")).containsExactlyInAnyOrder("e20", "e21");
    }

    private List<String> ids(String query) {
        return storedEvents(query).stream().map(e -> e.get("id").textValue()).collect(Collectors.toList());
    }

    @Test
    void refusesBadReadParametersWithTheParameterNamed() {
        start();
        assertThat(vigil.get("/v1/events?limit=0", OPERATOR).json().get("error").textValue()).isEqualTo("limit: must be between 1 and 1000");
        assertThat(vigil.get("/v1/events?limit=ten", OPERATOR).status()).isEqualTo(400);
        assertThat(vigil.get("/v1/events?since=yesterday", OPERATOR).json().get("error").textValue()).startsWith("since: not an ISO-8601 instant");
        assertThat(vigil.get("/v1/events?cursor=garbage", OPERATOR).json().get("error").textValue()).isEqualTo("cursor: not a cursor returned by this API");
    }

    @Test
    void prunesEventsPastTheRetentionInTheBackground() {
        start("storage: {retention: 2d, prune_every: 50ms}");
        vigil.postEvents("{\"id\":\"old\",\"agent\":\"a\",\"kind\":\"heartbeat\"}");
        vigil.clock.advance(Duration.ofDays(1));
        vigil.postEvents("{\"id\":\"recent\",\"agent\":\"a\",\"kind\":\"heartbeat\"}");
        assertThat(ids("")).containsExactly("recent", "old");
        vigil.clock.advance(Duration.ofDays(1).plusSeconds(1));
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(ids("")).containsExactly("recent"));
    }

    @Test
    void exposesIngestMetrics() {
        start();
        vigil.postEvents("[{\"agent\":\"a\",\"kind\":\"heartbeat\"},{\"agent\":\"a\",\"kind\":\"heartbeat\"},{\"agent\":\"a\"}]");
        vigil.postEvents("not json");
        String metrics = vigil.get("/metrics", null).body();
        assertThat(metrics).contains("vigil_events_ingested_total 2.0")
                .contains("vigil_events_rejected_total{reason=\"invalid\"} 1.0")
                .contains("vigil_events_rejected_total{reason=\"malformed\"} 1.0")
                .contains("vigil_ingest_commit_seconds_bucket")
                .contains("jvm_memory_used_bytes")
                .contains("http_server_requests_seconds_count{method=\"POST\",route=\"/v1/events\",status=\"202\"} 1");
    }

    @Test
    void healthAndReadinessAreOpen() {
        start();
        assertThat(vigil.get("/healthz", null).json().get("status").textValue()).isEqualTo("ok");
        TestVigil.Response ready = vigil.get("/readyz", null);
        assertThat(ready.status()).isEqualTo(200);
        assertThat(ready.json().get("status").textValue()).isEqualTo("ready");
    }
}
