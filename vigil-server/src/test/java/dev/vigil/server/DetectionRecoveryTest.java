package dev.vigil.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Nothing detected is lost to a crash: {@code vigil serve} in a child JVM is killed with SIGKILL
 * at random points of bursts of policy violations, again and again on one data directory. After
 * the last restart every acknowledged violation has its critical incident exactly once and its
 * agent is paused, whatever the kills interrupted (a commit, detection, the incident's save, the
 * planning of its playbook, the pause itself).
 */
class DetectionRecoveryTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int KILLS = 20;
    private static final int BURST = 24;

    @TempDir
    Path data;
    private ServerProcess server;

    @AfterEach
    void stop() {
        if (server != null) server.close();
    }

    @Test
    void everyAcknowledgedViolationIsDetectedOnceAndItsAgentPausedAcrossSigkills() throws Exception {
        Random random = new Random(42); // the same kill points every run
        Set<String> acknowledged = ConcurrentHashMap.newKeySet();
        ExecutorService senders = Executors.newFixedThreadPool(4);
        try {
            for (int kill = 0; kill < KILLS; kill++) {
                ServerProcess target = server = ServerProcess.start(data);
                int before = acknowledged.size();
                for (int n = 0; n < BURST; n++) {
                    String agent = "v" + kill + "-" + n;
                    senders.execute(() -> {
                        try {
                            String event = "{\"agent\":\"" + agent + "\",\"kind\":\"policy_violation\"}";
                            if (target.post("/v1/events", event).statusCode() == 202) acknowledged.add(agent);
                        } catch (Exception gone) {
                            // killed before it answered: not acknowledged, so nothing is owed
                        }
                    });
                }
                // A random point of the burst, in the child's real time, once it is answering at all.
                await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(1)).until(() -> acknowledged.size() > before);
                Thread.sleep(random.nextInt(40));
                target.kill();
            }
            senders.shutdown();
            assertThat(senders.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        } finally {
            senders.shutdownNow();
        }
        assertThat(acknowledged).as("violations acknowledged before the kills").hasSizeGreaterThanOrEqualTo(KILLS);

        server = ServerProcess.start(data);
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() -> unmet(acknowledged).isEmpty());
        Map<String, Integer> incidentsPerAgent = new HashMap<>();
        for (JsonNode i : incidents()) incidentsPerAgent.merge(i.get("agent").textValue(), 1, Integer::sum);
        for (String agent : acknowledged) assertThat(incidentsPerAgent.get(agent)).as("incidents of " + agent).isEqualTo(1);
    }

    /** The windows are rebuilt from the log at start-up: two failures before a restart and one after make a storm. */
    @Test
    void aRestartKeepsTheWindowsAndRaisesNothingTwice() throws Exception {
        String fail = "{\"agent\":\"w\",\"task\":\"t\",\"kind\":\"outcome\",\"status\":\"error\"}";
        String resolvedBefore;
        try (TestVigil first = TestVigil.start(data, null, "")) {
            first.accept("[{\"agent\":\"p\",\"kind\":\"policy_violation\"}]");
            first.accept("[" + fail + "," + fail + "]");
            first.server.pipeline().awaitQuiet();
            resolvedBefore = first.incidents("?agent=p").get(0).get("id").textValue();
            first.post("/v1/incidents/" + resolvedBefore + "/resolve", TestVigil.OPERATOR, "application/json", "{\"note\":\"handled\"}");
            assertThat(first.incidents("?rule=task-failure-storm")).isEmpty();
        }
        try (TestVigil second = TestVigil.start(data, null, "")) {
            second.clock.advance(Duration.ofMinutes(1));
            second.accept("[" + fail + "]");
            second.server.pipeline().awaitQuiet();
            assertThat(second.incidents("?rule=task-failure-storm")).singleElement()
                    .satisfies(i -> assertThat(i.get("agent").textValue()).isEqualTo("w"));
            // The violation before the restart was detected on and resolved: it is not raised again.
            assertThat(second.incidents("?agent=p")).singleElement()
                    .satisfies(i -> assertThat(i.get("id").textValue()).isEqualTo(resolvedBefore));
        }
    }

    /** What is still owed: acknowledged agents without their incident, or not paused. */
    private List<String> unmet(Set<String> acknowledged) throws Exception {
        Set<String> withIncident = new java.util.HashSet<>();
        for (JsonNode i : incidents()) withIncident.add(i.get("agent").textValue());
        List<String> unmet = new ArrayList<>();
        JsonNode agents = JSON.readTree(server.get("/v1/agents").body()).get("agents");
        Map<String, String> state = new HashMap<>();
        for (JsonNode a : agents) state.put(a.get("agent").textValue(), a.get("state").textValue());
        for (String agent : acknowledged) {
            if (!withIncident.contains(agent)) unmet.add(agent + ": no incident");
            else if (!"paused".equals(state.get(agent))) unmet.add(agent + ": not paused");
        }
        return unmet;
    }

    private List<JsonNode> incidents() throws Exception {
        List<JsonNode> out = new ArrayList<>();
        String cursor = null;
        do {
            JsonNode page = JSON.readTree(server.get("/v1/incidents?rule=policy-violation&limit=500"
                    + (cursor == null ? "" : "&cursor=" + cursor)).body());
            page.get("incidents").forEach(out::add);
            cursor = page.path("next_cursor").isTextual() ? page.get("next_cursor").textValue() : null;
        } while (cursor != null);
        return out;
    }
}
