package dev.vigil.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.server.TestVigil;
import dev.vigil.time.ManualClock;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Delivery when the server is away, slow to admit, or refuses: retried, bounded, counted. */
class DeliveryTest {
    /** The server's virtual clock starts here; events stamped with it are neither clamped nor too old. */
    private static final Clock AT_START = Clock.fixed(TestVigil.START, ZoneOffset.UTC);
    @TempDir
    Path data;
    TestVigil server;

    @AfterEach
    void stop() {
        if (server != null) server.close();
    }

    private static Vigil.Builder sdk(String url) {
        return Vigil.builder().url(url).key(TestVigil.AGENT).clock(AT_START)
                .backoff(Duration.ofMillis(20), Duration.ofMillis(200));
    }

    private static Set<Integer> seqs(List<JsonNode> events) {
        return events.stream().map(e -> e.get("attrs").get("seq").intValue()).collect(Collectors.toSet());
    }

    @Test
    void eventsRecordedWhileTheServerIsDownArriveExactlyOnceWhenItComesUp() {
        int port = Server.freePort();
        try (Vigil vigil = sdk("http://127.0.0.1:" + port).batchSize(100).build()) {
            AgentHandle agent = vigil.agent("patient");
            for (int i = 0; i < 300; i++) agent.heartbeat();
            for (int i = 0; i < 300; i++) agent.toolCall("t").attr("seq", i).ok();
            await().atMost(Duration.ofSeconds(10)).until(() -> vigil.stats().retries() >= 3); // it keeps trying

            server = TestVigil.start(data, null, "", port);
            await().atMost(Duration.ofSeconds(30)).until(() -> vigil.stats().sent() == 600);
            List<JsonNode> calls = Server.events(server, "patient").stream().filter(e -> e.get("kind").textValue().equals("tool_call")).toList();
            assertThat(calls).hasSize(300);
            assertThat(seqs(calls)).isEqualTo(IntStream.range(0, 300).boxed().collect(Collectors.toSet()));
            assertThat(vigil.stats()).extracting(VigilStats::dropped, VigilStats::rejected).containsExactly(0L, 0L);

            // The control stream came back with the server: a pause now reaches the agent.
            server.post("/v1/agents/patient/pause", TestVigil.OPERATOR, "application/json", "{\"reason\": \"after the outage\"}");
            await().atMost(Duration.ofSeconds(20)).until(agent::paused);
        }
    }

    @Test
    void aFullBufferDropsTheOldestAndNeverBlocksTheCaller() {
        int port = Server.freePort();
        int capacity = 1000;
        int batch = 100;
        try (Vigil vigil = sdk("http://127.0.0.1:" + port).bufferCapacity(capacity).batchSize(batch).build()) {
            AgentHandle agent = vigil.agent("flooder");
            for (int i = 0; i < 100_000; i++) agent.toolCall("t").attr("seq", i).ok();

            VigilStats full = vigil.stats();
            assertThat(full.buffered()).isLessThanOrEqualTo(capacity);
            // Every event is buffered, dropped, or in the one batch the sender holds.
            assertThat(full.dropped()).isBetween(100_000L - capacity - batch, 100_000L - capacity);
            assertThat(full.sent()).isZero();

            server = TestVigil.start(data, null, "", port);
            await().atMost(Duration.ofSeconds(30)).until(() -> vigil.stats().buffered() == 0 && vigil.stats().sent() >= capacity);
            assertThat(vigil.flush(Duration.ofSeconds(10))).isTrue();
            Set<Integer> arrived = seqs(Server.events(server, "flooder"));
            // The newest thousand all arrived; of the rest at most the batch that was in flight.
            assertThat(arrived).containsAll(IntStream.range(100_000 - capacity, 100_000).boxed().toList());
            assertThat(arrived.size()).isLessThanOrEqualTo(capacity + batch);
            assertThat(vigil.stats().sent() + vigil.stats().dropped()).isEqualTo(100_000);
        }
    }

    @Test
    void closeGivesUpOnAnUnreachableServerAfterItsTimeoutAndCountsTheRest() {
        Vigil vigil = sdk("http://127.0.0.1:" + Server.freePort()).closeTimeout(Duration.ofMillis(300)).build();
        AgentHandle agent = vigil.agent("alone");
        agent.guard(); // no control document yet: an unreachable Vigil does not stop the agent
        for (int i = 0; i < 10; i++) agent.heartbeat();
        vigil.close();
        assertThat(vigil.stats()).extracting(VigilStats::sent, VigilStats::dropped, VigilStats::buffered).containsExactly(0L, 10L, 0L);
    }

    @Test
    void aBatchTheServerRefusesIsCountedAsRejectedAndNotRetried() {
        server = TestVigil.start(data, null, "");
        ManualClock clock = new ManualClock(TestVigil.START.minus(Duration.ofDays(2))); // older than ingest.max_age
        try (Vigil vigil = Vigil.builder().url(server.url("")).key(TestVigil.AGENT).clock(clock).batchSize(2)
                .flushInterval(Duration.ofHours(1)).build()) {
            AgentHandle agent = vigil.agent("stale");
            agent.heartbeat();
            agent.heartbeat(); // a batch of two, both too old: 400
            await().atMost(Duration.ofSeconds(10)).until(() -> vigil.stats().rejected() == 2);

            clock.set(TestVigil.START);
            agent.toolCall("fresh").ok();
            clock.set(TestVigil.START.minus(Duration.ofDays(2)));
            agent.toolCall("stale").ok(); // one good, one too old: 202 with one rejection
            await().atMost(Duration.ofSeconds(10)).until(() -> vigil.stats().sent() == 1);

            assertThat(vigil.stats()).extracting(VigilStats::rejected, VigilStats::retries, VigilStats::requests).containsExactly(3L, 0L, 2L);
            assertThat(Server.events(server, "stale")).extracting(e -> e.get("tool").textValue()).containsExactly("fresh");
        }
    }

    /** A value Jackson cannot write: its getter throws. */
    public static final class Unwritable {
        public String getValue() {
            throw new IllegalStateException("not today");
        }
    }

    @Test
    void anEventThatCannotBeWrittenIsRejectedAndTheRestOfItsBatchSent() {
        server = TestVigil.start(data, null, "");
        try (Vigil vigil = sdk(server.url("")).batchSize(3).build()) {
            AgentHandle agent = vigil.agent("careless");
            agent.toolCall("a").ok();
            agent.toolCall("b").attr("thing", new Unwritable()).ok();
            agent.toolCall("c").ok();
            await().atMost(Duration.ofSeconds(10)).until(() -> vigil.stats().sent() == 2);
            assertThat(vigil.stats().rejected()).isEqualTo(1);
            assertThat(Server.events(server, "careless")).extracting(e -> e.get("tool").textValue()).containsExactlyInAnyOrder("a", "c");
        }
    }

    @Test
    void rateLimitedBatchesWaitAndArrive() {
        // The server's rate limiter refills on its virtual clock: nothing more is admitted until it moves.
        server = TestVigil.start(data, null, "ingest: {agent_rate: {events_per_second: 10, burst: 10}}\n");
        try (Vigil vigil = sdk(server.url("")).batchSize(10).build()) {
            AgentHandle agent = vigil.agent("eager");
            for (int i = 0; i < 10; i++) agent.toolCall("t").attr("seq", i).ok();
            await().atMost(Duration.ofSeconds(10)).until(() -> vigil.stats().sent() == 10);
            long before = vigil.stats().requests();
            long answered = Server.eventPosts(server);
            for (int i = 10; i < 20; i++) agent.toolCall("t").attr("seq", i).ok();
            // The server has answered (429, Retry-After: 1), so the clock moves after it refused, not before.
            await().atMost(Duration.ofSeconds(10)).until(() -> Server.eventPosts(server) > answered);
            assertThat(vigil.stats().sent()).isEqualTo(10);

            server.clock.advance(Duration.ofSeconds(1));
            await().atMost(Duration.ofSeconds(30)).until(() -> vigil.stats().sent() == 20);
            assertThat(vigil.stats().retries()).isPositive();
            assertThat(vigil.stats().requests()).isEqualTo(before + 2); // the same batch once more, not in halves
            assertThat(seqs(Server.events(server, "eager"))).hasSize(20);
            assertThat(vigil.stats().rejected()).isZero();
        }
    }

    @Test
    void aBatchLargerThanTheAgentsBurstArrivesInSmallerRequests() {
        server = TestVigil.start(data, null, "ingest: {agent_rate: {events_per_second: 10, burst: 10}}\n");
        try (Vigil vigil = sdk(server.url("")).batchSize(40).build()) {
            AgentHandle agent = vigil.agent("bulky");
            for (int i = 0; i < 40; i++) agent.toolCall("t").attr("seq", i).ok();
            // Each second of server time admits ten more events; a 40-event request alone would never fit.
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() -> {
                server.clock.advance(Duration.ofSeconds(1));
                return vigil.stats().sent() == 40;
            });
            assertThat(seqs(Server.events(server, "bulky"))).hasSize(40);
            assertThat(vigil.stats().rejected()).isZero();
            assertThat(vigil.stats().dropped()).isZero();
        }
    }

    @Test
    void aBatchStoredWhoseAnswerWasLostIsStoredOnceWhenSentAgainInHalves() {
        server = TestVigil.start(data, null, "");
        AtomicBoolean answerLost = new AtomicBoolean();
        try (Proxy proxy = new Proxy(server.url(""), (path, body) -> path.equals("/v1/events") && answerLost.compareAndSet(false, true)
                     ? Proxy.Action.STORE_AND_ANSWER_413 : Proxy.Action.FORWARD);
             Vigil vigil = sdk(proxy.url()).batchSize(10).build()) {
            AgentHandle agent = vigil.agent("twice-told");
            for (int i = 0; i < 10; i++) agent.toolCall("t").attr("seq", i).ok();
            await().atMost(Duration.ofSeconds(10)).until(() -> vigil.stats().sent() == 10);
            assertThat(vigil.stats().requests()).isEqualTo(3); // the whole batch, then its halves
            assertThat(Server.events(server, "twice-told")).hasSize(10);
        }
    }

    @Test
    void anEventTheServerKeepsFailingOnIsRejectedAndTheRestOfItsBatchArrives() {
        server = TestVigil.start(data, null, "");
        try (Proxy proxy = new Proxy(server.url(""), (path, body) -> body.contains("poison") ? Proxy.Action.FAIL : Proxy.Action.FORWARD);
             Vigil vigil = sdk(proxy.url()).batchSize(4).build()) {
            AgentHandle agent = vigil.agent("unlucky");
            agent.toolCall("a").ok();
            agent.toolCall("b").attr("note", "poison").ok();
            agent.toolCall("c").ok();
            agent.toolCall("d").ok();
            await().atMost(Duration.ofSeconds(20)).until(() -> vigil.stats().sent() == 3 && vigil.stats().rejected() == 1);
            assertThat(Server.events(server, "unlucky")).extracting(e -> e.get("tool").textValue()).containsExactlyInAnyOrder("a", "c", "d");

            agent.toolCall("e").ok(); // sending goes on
            assertThat(vigil.flush(Duration.ofSeconds(10))).isTrue();
            assertThat(vigil.stats().sent()).isEqualTo(4);
        }
    }

    @Test
    void flushReturnsAsSoonAsTheSenderIsIdle() {
        server = TestVigil.start(data, null, "");
        try (Vigil vigil = sdk(server.url("")).flushInterval(Duration.ofMillis(1)).build()) {
            vigil.agent("flusher").heartbeat();
            // The sender drains the empty buffer every millisecond; a flush that sees one such drain in flight must be
            // woken when it ends, or it waits its whole minute. A million flushes catch the sender there many times.
            assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
                for (int i = 0; i < 1_000_000; i++) assertThat(vigil.flush(Duration.ofMinutes(1))).isTrue();
            });
            assertThat(vigil.stats().sent()).isEqualTo(1);
        }
    }

    @Test
    void aSecondCloseWaitsForTheFirstToFinishSending() throws Exception {
        server = TestVigil.start(data, null, "");
        int events = 20_000;
        Vigil vigil = sdk(server.url("")).bufferCapacity(events).batchSize(100).flushInterval(Duration.ofHours(1))
                .closeTimeout(Duration.ofSeconds(30)).build();
        AgentHandle agent = vigil.agent("closer");
        for (int i = 0; i < events; i++) agent.heartbeat();

        CountDownLatch go = new CountDownLatch(1);
        Callable<VigilStats> close = () -> {
            go.await();
            vigil.close();
            return vigil.stats();
        };
        try (ExecutorService closers = Executors.newFixedThreadPool(2)) {
            Future<VigilStats> first = closers.submit(close);
            Future<VigilStats> second = closers.submit(close);
            go.countDown();
            // Whichever returned first, both found everything sent: neither returned while the other was still sending.
            for (Future<VigilStats> closed : List.of(first, second)) {
                assertThat(closed.get(60, TimeUnit.SECONDS)).extracting(VigilStats::sent, VigilStats::dropped).containsExactly((long) events, 0L);
            }
        }
    }
}
