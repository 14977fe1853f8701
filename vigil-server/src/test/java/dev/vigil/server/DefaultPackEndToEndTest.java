package dev.vigil.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The default rule pack over real HTTP: events in, incidents out with the right severity, and
 * nothing for the near misses. Each case uses agents of its own, so the cases share one server.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DefaultPackEndToEndTest {
    @TempDir
    static Path data; // static: injected before @BeforeAll
    TestVigil vigil;

    @BeforeAll
    void start() {
        vigil = TestVigil.start(data, null, """
                agents:
                  - {id: billing-bot, owner: payments, allowed_tools: [payments.lookup, payments.refund]}
                  - {id: spender, budget_usd_per_day: 5}
                  - {id: thrifty, budget_usd_per_day: 5}
                """);
    }

    @AfterAll
    void stop() {
        vigil.close();
    }

    /** An event {@code minutesAgo} before the server's (virtual) now. */
    private static String ev(double minutesAgo, String fields) {
        Instant ts = TestVigil.START.minusMillis((long) (minutesAgo * 60_000));
        return "{\"ts\":\"" + ts + "\"," + fields + "}";
    }

    private static String array(List<String> events) {
        return "[" + String.join(",", events) + "]";
    }

    private List<JsonNode> awaitIncidents(String rule, String agent, int count) {
        List<JsonNode> found = new ArrayList<>();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            found.clear();
            found.addAll(vigil.incidents("?rule=" + rule + "&agent=" + agent));
            assertThat(found).hasSize(count);
        });
        return found;
    }

    /** Asserts that no incident for this agent appears, after a marker event proves detection has caught up. */
    private void assertNoIncident(String agent) {
        String marker = "marker-" + agent;
        vigil.accept(array(List.of(ev(0, "\"agent\":\"" + marker + "\",\"kind\":\"policy_violation\""))));
        awaitIncidents("policy-violation", marker, 1); // detection processes events in order: the agent's are done
        assertThat(vigil.incidents("?agent=" + agent)).isEmpty();
    }

    private JsonNode single(String rule, String agent, String severity) {
        JsonNode incident = awaitIncidents(rule, agent, 1).get(0);
        assertThat(incident.get("severity").textValue()).isEqualTo(severity);
        assertThat(incident.get("status").textValue()).isEqualTo("open");
        return incident;
    }

    @Test
    void taskFailureStorm() {
        String fail = "\"agent\":\"storm\",\"task\":\"refund-4471\",\"kind\":\"outcome\",\"status\":\"error\"";
        vigil.accept(array(List.of(ev(4, fail), ev(3, fail), ev(0, fail))));
        JsonNode i = single("task-failure-storm", "storm", "high");
        assertThat(i.get("group").get("task").textValue()).isEqualTo("refund-4471");
        assertThat(i.get("category").textValue()).isEqualTo("loop");

        String other = "\"agent\":\"calm\",\"kind\":\"outcome\",\"status\":\"error\"";
        vigil.accept(array(List.of(ev(4, other + ",\"task\":\"a\""), ev(3, other + ",\"task\":\"a\""), ev(0, other + ",\"task\":\"b\""))));
        assertNoIncident("calm");
    }

    /**
     * The window slides in one-minute slices and the virtual now is 04:00:00: for an event at 03:59
     * the current window is 03:50 to 03:59 and the six baseline windows 02:50 to 03:49. One event
     * at the start of each baseline window, so the agent has been seen since 02:50: the whole baseline.
     */
    private static List<String> baseline(String agent, String... eventsPerWindow) {
        List<String> events = new ArrayList<>();
        for (int w = 7; w >= 2; w--) {
            for (String fields : eventsPerWindow) events.add(ev(w * 10, "\"agent\":\"" + agent + "\"," + fields));
        }
        return events;
    }

    @Test
    void tokenSurge() {
        String usual = "\"kind\":\"llm_call\",\"tokens\":{\"input\":1500,\"output\":500}";
        List<String> events = baseline("hungry", usual);
        events.add(ev(3, "\"agent\":\"hungry\"," + usual));
        events.add(ev(1, "\"agent\":\"hungry\",\"kind\":\"llm_call\",\"tokens\":{\"input\":9000,\"output\":2000}"));
        vigil.accept(array(events)); // 13,000 tokens in the current window: 6.5x the 2,000 baseline
        assertThat(single("token-surge", "hungry", "medium").get("timeline").get(0).get("detail").textValue())
                .isEqualTo("sum 13000 in the last 10m, 6.50x the baseline of 2000");

        List<String> steady = baseline("steady", usual);
        steady.add(ev(3, "\"agent\":\"steady\"," + usual));
        steady.add(ev(1, "\"agent\":\"steady\",\"kind\":\"llm_call\",\"tokens\":{\"input\":4000,\"output\":1000}"));
        vigil.accept(array(steady)); // 7,000: 3.5x, under 5x
        assertNoIncident("steady");
    }

    @Test
    void unauthorizedTool() {
        vigil.accept(array(List.of(ev(0, "\"agent\":\"billing-bot\",\"kind\":\"tool_call\",\"tool\":\"payments.refund\""))));
        vigil.accept(array(List.of(ev(0, "\"agent\":\"billing-bot\",\"kind\":\"tool_call\",\"tool\":\"shell.exec\""))));
        JsonNode i = single("unauthorized-tool", "billing-bot", "critical");
        assertThat(i.get("group").get("tool").textValue()).isEqualTo("shell.exec");
        // Agents that declare no allow-list may call anything.
        vigil.accept(array(List.of(ev(0, "\"agent\":\"free-bot\",\"kind\":\"tool_call\",\"tool\":\"shell.exec\""))));
        assertNoIncident("free-bot");
    }

    @Test
    void policyViolation() {
        vigil.accept(array(List.of(ev(0, "\"agent\":\"leaky\",\"kind\":\"policy_violation\",\"attrs\":{\"policy\":\"pii\"}"))));
        single("policy-violation", "leaky", "critical");
    }

    @Test
    void budgetExceeded() {
        vigil.accept(array(List.of(ev(600, "\"agent\":\"spender\",\"kind\":\"llm_call\",\"cost_usd\":3"),
                ev(1, "\"agent\":\"spender\",\"kind\":\"llm_call\",\"cost_usd\":2.5"))));
        single("budget-exceeded", "spender", "critical");

        vigil.accept(array(List.of(ev(600, "\"agent\":\"thrifty\",\"kind\":\"llm_call\",\"cost_usd\":3"),
                ev(1, "\"agent\":\"thrifty\",\"kind\":\"llm_call\",\"cost_usd\":2"))));
        vigil.accept(array(List.of(ev(1, "\"agent\":\"no-budget\",\"kind\":\"llm_call\",\"cost_usd\":500"))));
        assertNoIncident("thrifty");
        assertNoIncident("no-budget");
    }

    @Test
    void harmfulOutput() {
        vigil.accept(array(List.of(ev(0, "\"agent\":\"rude\",\"kind\":\"llm_call\",\"flags\":[\"harmful\"]"))));
        single("harmful-output", "rude", "critical");
        vigil.accept(array(List.of(ev(0, "\"agent\":\"careful\",\"kind\":\"llm_call\",\"flags\":[\"pii-redacted\"]"))));
        assertNoIncident("careful");
    }

    @Test
    void destructiveWithoutConfirmation() {
        vigil.accept(array(List.of(ev(0, "\"agent\":\"coder\",\"kind\":\"tool_call\",\"tool\":\"git.force_push\",\"params\":{\"branch\":\"main\"}"))));
        single("destructive-without-confirmation", "coder", "critical");
        vigil.accept(array(List.of(
                ev(0, "\"agent\":\"polite-coder\",\"kind\":\"tool_call\",\"tool\":\"fs.rm\",\"params\":{\"path\":\"/tmp/x\",\"confirmed\":true}"),
                ev(0, "\"agent\":\"polite-coder\",\"kind\":\"tool_call\",\"tool\":\"ui.dropdown_select\""))));
        assertNoIncident("polite-coder");
    }

    @Test
    void toolLoop() {
        String call = "\"agent\":\"looper\",\"run\":\"r1\",\"kind\":\"tool_call\",\"tool\":\"search.web\",\"params\":{\"q\":\"refund policy\"}";
        vigil.accept(array(List.of(ev(1.9, call), ev(1.5, call), ev(1, call), ev(0.5, call), ev(0, call))));
        single("tool-loop", "looper", "high");

        String near = "\"agent\":\"explorer\",\"run\":\"r1\",\"kind\":\"tool_call\",\"tool\":\"search.web\",\"params\":{\"q\":\"refund policy\"}";
        vigil.accept(array(List.of(ev(1.9, near), ev(1.5, near), ev(1, near), ev(0.5, near),
                ev(0, near.replace("refund policy", "refund policy 2024")))));
        assertNoIncident("explorer");
    }

    @Test
    void lowQuality() {
        vigil.accept(array(List.of(ev(0, "\"agent\":\"sloppy\",\"task\":\"t\",\"kind\":\"outcome\",\"quality\":0.2"))));
        single("low-quality", "sloppy", "high");
        vigil.accept(array(List.of(ev(0, "\"agent\":\"decent\",\"task\":\"t\",\"kind\":\"outcome\",\"quality\":0.3"),
                ev(0, "\"agent\":\"decent\",\"task\":\"u\",\"kind\":\"outcome\""))));
        assertNoIncident("decent");
    }

    @Test
    void errorRate() {
        vigil.accept(array(calls("flaky", 20, 7)));
        single("error-rate", "flaky", "medium");
        vigil.accept(array(calls("mostly-fine", 20, 6))); // exactly 30%: not above
        assertNoIncident("mostly-fine");
    }

    /**
     * Ten calls a minute from 80 to 10 minutes ago, one in {@code normallyFailing} failing; then
     * ten a minute over the last 10 minutes, one in {@code nowFailing} failing.
     */
    private static List<String> history(String agent, int normallyFailing, int nowFailing) {
        List<String> events = new ArrayList<>();
        int n = 0;
        for (int m = 80; m > 0; m--) {
            for (int i = 0; i < 10; i++, n++) {
                int every = m > 10 ? normallyFailing : nowFailing;
                boolean error = n % every == 0;
                events.add(ev(m - i * 0.1, "\"agent\":\"" + agent + "\",\"kind\":\"tool_call\",\"tool\":\"crm.lookup\",\"params\":{\"order\":" + n
                        + "},\"status\":\"" + (error ? "error" : "ok") + "\""));
            }
        }
        return events;
    }

    @Test
    void errorRateAboveTheAgentsNorm() {
        vigil.accept(array(history("broken-tool", 30, 5))); // 3.3% for 70 minutes, then 20%: under the absolute 30%
        assertThat(single("error-rate-above-norm", "broken-tool", "medium").get("timeline").get(0).get("detail").textValue())
                .contains("above 3.0x the share of the 1h before");
        assertThat(vigil.incidents("?rule=error-rate&agent=broken-tool")).isEmpty();
        vigil.accept(array(history("always-flaky", 4, 4))); // a steady 25%: normal for this agent
        assertNoIncident("always-flaky");
    }

    private static List<String> calls(String agent, int total, int errors) {
        List<String> events = new ArrayList<>();
        for (int i = 0; i < total; i++) {
            boolean error = i >= total - errors;
            events.add(ev(9 - i * 0.4, "\"agent\":\"" + agent + "\",\"kind\":\"" + (i % 2 == 0 ? "tool_call" : "llm_call")
                    + "\",\"status\":\"" + (error ? "error" : "ok") + "\""));
        }
        return events;
    }

    @Test
    void latencyDegraded() {
        String[] norm = {"\"kind\":\"llm_call\",\"latency_ms\":400", "\"kind\":\"llm_call\",\"latency_ms\":500",
                "\"kind\":\"llm_call\",\"latency_ms\":600"};
        List<String> events = baseline("slowpoke", norm);
        events.add(ev(1, "\"agent\":\"slowpoke\",\"kind\":\"llm_call\",\"latency_ms\":2500")); // 5x the 500 ms norm
        vigil.accept(array(events));
        single("latency-degraded", "slowpoke", "medium");

        List<String> busy = baseline("busy", norm);
        for (int i = 0; i < 30; i++) busy.add(ev(1, "\"agent\":\"busy\",\"kind\":\"llm_call\",\"latency_ms\":1400")); // 2.8x, many calls
        vigil.accept(array(busy));
        assertNoIncident("busy");
    }

    @Test
    void agentSilent() {
        // Its own server and database: moving the clock 10 minutes would make every other test's agents silent too.
        try (TestVigil own = TestVigil.start(data.resolve("silent"), null, "")) {
            own.accept(array(List.of(ev(0, "\"agent\":\"sleepy\",\"kind\":\"heartbeat\""))));
            own.clock.advance(Duration.ofMinutes(10).minusMillis(1));
            own.accept(array(List.of(ev(0, "\"agent\":\"awake\",\"kind\":\"heartbeat\""))));
            own.accept(array(List.of(ev(0, "\"agent\":\"marker\",\"kind\":\"policy_violation\""))));
            await().atMost(Duration.ofSeconds(10)).until(() -> own.incidents("?agent=marker").size() == 1);
            assertThat(own.incidents("?rule=agent-silent")).isEmpty();

            own.clock.advance(Duration.ofMillis(1));
            await().atMost(Duration.ofSeconds(10)).until(() -> own.incidents("?rule=agent-silent").size() == 1);
            JsonNode i = own.incidents("?rule=agent-silent").get(0);
            assertThat(i.get("agent").textValue()).isEqualTo("sleepy");
            assertThat(i.get("severity").textValue()).isEqualTo("medium");
            assertThat(i.get("timeline").get(0).get("detail").textValue()).isEqualTo("no matching event for 10m");
        }
    }

    @Test
    void suboptimalDecision() {
        vigil.accept(array(List.of(ev(0, "\"agent\":\"meh\",\"kind\":\"decision\",\"flags\":[\"suboptimal\"]"))));
        single("suboptimal-decision", "meh", "low");
        vigil.accept(array(List.of(ev(0, "\"agent\":\"fine\",\"kind\":\"outcome\",\"flags\":[\"suboptimal\"]"))));
        assertNoIncident("fine");
    }
}
