package dev.vigil.detect;

import static dev.vigil.detect.Fixtures.T0;
import static dev.vigil.detect.Fixtures.event;
import static dev.vigil.detect.Fixtures.rules;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.rule.AgentProfile;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class DetectionEngineTest {
    private static final String FAIL = "\"agent\":\"a\",\"task\":\"t\",\"kind\":\"outcome\",\"status\":\"error\"";

    private static final String STORM = """
            rules:
              - id: storm
                severity: high
                category: loop
                match: event.kind == "outcome" && event.status == "error"
                group_by: [agent, task]
                count: {at_least: 3, within: 5m}
            """;

    private static Fixtures.Harness countRule() {
        return new Fixtures.Harness(rules(STORM));
    }

    @Nested
    class Count {
        @Test
        void exactlyNWithinTheWindowFires() {
            Fixtures.Harness h = countRule();
            assertThat(h.feed(event(0, FAIL))).isEmpty();
            assertThat(h.feed(event(Duration.ofMinutes(2), FAIL))).isEmpty();
            List<Signal> signals = h.feed(event(Duration.ofMinutes(5), FAIL)); // exactly 5m after the first
            assertThat(signals).singleElement().satisfies(s -> {
                assertThat(s.fingerprint()).isEqualTo("storm:agent=a,task=t");
                assertThat(s.group()).containsExactly(Map.entry("agent", "a"), Map.entry("task", "t"));
                assertThat(s.reason()).isEqualTo("3 matching events within 5m");
            });
        }

        @Test
        void nMinusOneDoesNotFire() {
            Fixtures.Harness h = countRule();
            assertThat(h.fired(List.of(event(0, FAIL), event(1000, FAIL)))).isZero();
        }

        @Test
        void nSpreadOverTheWindowPlusOneMillisecondDoesNotFire() {
            Fixtures.Harness h = countRule();
            assertThat(h.fired(List.of(event(0, FAIL), event(Duration.ofMinutes(2), FAIL),
                    event(Duration.ofMinutes(5).plusMillis(1), FAIL)))).isZero();
        }

        @Test
        void nonMatchingEventsAndOtherGroupsDoNotCount() {
            Fixtures.Harness h = countRule();
            assertThat(h.fired(List.of(event(0, FAIL), event(1, FAIL.replace("error", "ok")),
                    event(2, FAIL.replace("\"t\"", "\"other\"")), event(3, FAIL.replace("\"a\"", "\"b\""))))).isZero();
            assertThat(h.feed(event(4, FAIL))).isEmpty();
            assertThat(h.feed(event(5, FAIL))).hasSize(1);
        }

        @Test
        void outOfOrderEventsWithinTheToleranceCount() {
            Fixtures.Harness h = countRule();
            h.feed(event(Duration.ofMinutes(5), FAIL));
            h.feed(event(Duration.ofMinutes(5).plusSeconds(20), FAIL));
            // 50 s behind the latest event: inside the 1-minute tolerance, so it joins the window.
            assertThat(h.feed(event(Duration.ofMinutes(4).plusSeconds(30), FAIL))).hasSize(1);
            assertThat(h.late).isEmpty();
        }

        @Test
        void eventsLaterThanTheToleranceAreLeftOut() {
            Fixtures.Harness h = countRule();
            h.feed(event(Duration.ofMinutes(10), FAIL));
            h.feed(event(Duration.ofMinutes(10).plusSeconds(1), FAIL));
            assertThat(h.feed(event(Duration.ofMinutes(8), FAIL))).isEmpty(); // 2 min late: dropped
            assertThat(h.late).containsExactly("storm");
        }

        @Test
        void keepsFiringWhileTheConditionHolds() {
            Fixtures.Harness h = countRule();
            assertThat(h.fired(List.of(event(0, FAIL), event(1, FAIL), event(2, FAIL), event(3, FAIL)))).isEqualTo(2);
        }
    }

    @Test
    void perEventRulesFireForEveryMatch() {
        Fixtures.Harness h = new Fixtures.Harness(rules("""
                rules:
                  - {id: pv, severity: critical, category: security, match: 'event.kind == "policy_violation"'}
                """));
        assertThat(h.feed(event(0, "\"agent\":\"a\",\"kind\":\"policy_violation\""))).hasSize(1);
        assertThat(h.feed(event(1, "\"agent\":\"a\",\"kind\":\"tool_call\""))).isEmpty();
        assertThat(h.feed(event(2, "\"agent\":\"a\",\"kind\":\"policy_violation\""))).hasSize(1);
    }

    @Nested
    class Rate {
        private Fixtures.Harness harness() {
            return new Fixtures.Harness(rules("""
                    rules:
                      - id: errors
                        severity: medium
                        category: performance
                        match: event.status == "error"
                        rate: {above: 0.3, of: 'event.kind in ["tool_call", "llm_call"]', within: 10m, min_events: 10}
                    """));
        }

        private static String call(boolean error) {
            return "\"agent\":\"a\",\"kind\":\"tool_call\",\"status\":\"" + (error ? "error" : "ok") + "\"";
        }

        @Test
        void firesAboveTheShareOnceThereAreEnoughEvents() {
            Fixtures.Harness h = harness();
            for (int i = 0; i < 7; i++) assertThat(h.feed(event(i * 1000L, call(false)))).isEmpty();
            assertThat(h.feed(event(7000, call(true)))).isEmpty();
            assertThat(h.feed(event(8000, call(true)))).isEmpty();
            // 3 of 10 is exactly 0.3: not above.
            assertThat(h.feed(event(9000, call(true)))).isEmpty();
            // 4 of 11 is above 0.3.
            assertThat(h.feed(event(10_000, call(true)))).singleElement()
                    .satisfies(s -> assertThat(s.reason()).isEqualTo("4 of 11 events within 10m (above 0.3)"));
        }

        @Test
        void isSilentBelowTheMinimumNumberOfEvents() {
            Fixtures.Harness h = harness();
            for (int i = 0; i < 9; i++) assertThat(h.feed(event(i * 1000L, call(true)))).isEmpty();
            assertThat(h.feed(event(9000, call(true)))).hasSize(1);
        }

        @Test
        void eventsOutsideTheWindowDoNotCount() {
            Fixtures.Harness h = harness();
            for (int i = 0; i < 9; i++) h.feed(event(i * 1000L, call(true)));
            // 10 minutes and 1 ms after the first event: the first has left the window.
            assertThat(h.feed(event(Duration.ofMinutes(10).plusMillis(1), call(true)))).isEmpty();
        }
    }

    @Nested
    class Sum {
        @Test
        void firesAboveAFixedThreshold() {
            Fixtures.Harness h = new Fixtures.Harness(rules("""
                    rules:
                      - {id: spend, severity: high, category: budget, match: has(event.cost_usd), sum: {value: event.cost_usd, above: 10, within: 1h}}
                    """));
            assertThat(h.feed(event(0, "\"agent\":\"a\",\"kind\":\"llm_call\",\"cost_usd\":6"))).isEmpty();
            assertThat(h.feed(event(Duration.ofMinutes(30), "\"agent\":\"a\",\"kind\":\"llm_call\",\"cost_usd\":4"))).isEmpty(); // 10 is not above 10
            assertThat(h.feed(event(Duration.ofMinutes(59), "\"agent\":\"a\",\"kind\":\"llm_call\",\"cost_usd\":0.01"))).hasSize(1);
            // An hour and a bit after the first, the first $6 has left the window.
            assertThat(h.feed(event(Duration.ofMinutes(61), "\"agent\":\"a\",\"kind\":\"llm_call\",\"cost_usd\":1"))).isEmpty();
        }

        @Test
        void firesAboveTheAgentsOwnBudgetAndIgnoresAgentsWithout() {
            Fixtures.Harness h = new Fixtures.Harness(rules("""
                    rules:
                      - id: budget
                        severity: critical
                        category: budget
                        match: has(event.cost_usd) && has(agent.budget_usd_per_day)
                        sum: {value: event.cost_usd, above_budget: agent.budget_usd_per_day, within: 24h}
                    """), Map.of("capped", new AgentProfile("capped", "ops", null, 5.0, Map.of())), 100);
            assertThat(h.feed(event(0, "\"agent\":\"capped\",\"kind\":\"llm_call\",\"cost_usd\":3"))).isEmpty();
            assertThat(h.feed(event(Duration.ofHours(23), "\"agent\":\"capped\",\"kind\":\"llm_call\",\"cost_usd\":2.5")))
                    .singleElement().satisfies(s -> assertThat(s.reason()).isEqualTo("sum 5.50 above 5 within 1d"));
            assertThat(h.feed(event(0, "\"agent\":\"free\",\"kind\":\"llm_call\",\"cost_usd\":1000"))).isEmpty();
        }
    }

    @Nested
    class Surge {
        private Fixtures.Harness harness() {
            return new Fixtures.Harness(rules("""
                    rules:
                      - id: surge
                        severity: medium
                        category: token_usage
                        match: event.kind == "llm_call"
                        surge: {value: event.tokens.input + event.tokens.output, window: 10m, factor: 5, baseline_windows: 6, min_baseline: 100}
                    """));
        }

        private static String tokens(int n) {
            return "\"agent\":\"a\",\"kind\":\"llm_call\",\"tokens\":{\"input\":" + n + ",\"output\":0}";
        }

        @Test
        void isSilentWhileTheBaselineWarmsUpThenFiresAboveFactorTimesTheMean() {
            Fixtures.Harness h = harness();
            // Six windows of 1,000 tokens each: the baseline.
            for (int w = 0; w < 6; w++) assertThat(h.feed(event(Duration.ofMinutes(10L * w + 1), tokens(1000)))).isEmpty();
            // A huge burst in the sixth window would have fired, but there was no baseline yet.
            assertThat(h.feed(event(Duration.ofMinutes(52), tokens(100_000)))).isEmpty();
            // Window 7: baseline windows 1..6 = (1000*5 + 101000) / 6 = 17,666; 5x = 88,333.
            assertThat(h.feed(event(Duration.ofMinutes(61), tokens(88_000)))).isEmpty();
            assertThat(h.feed(event(Duration.ofMinutes(62), tokens(1000)))).singleElement()
                    .satisfies(s -> assertThat(s.reason()).startsWith("sum 89000 in the last 10m, 5.04x the baseline of 17666"));
        }

        @Test
        void needsTheMinimumBaseline() {
            Fixtures.Harness h = harness();
            for (int w = 0; w < 6; w++) h.feed(event(Duration.ofMinutes(10L * w + 1), tokens(10)));
            assertThat(h.feed(event(Duration.ofMinutes(61), tokens(5000)))).isEmpty(); // baseline 10 < min 100
        }

        @Test
        void theMeanAggregateComparesAverages() {
            Fixtures.Harness h = new Fixtures.Harness(rules("""
                    rules:
                      - id: slow
                        severity: medium
                        category: latency
                        match: has(event.latency_ms)
                        surge: {value: event.latency_ms, aggregate: mean, window: 10m, factor: 3, baseline_windows: 2}
                    """));
            for (int i = 0; i < 10; i++) h.feed(event(Duration.ofMinutes(i), "\"agent\":\"a\",\"kind\":\"llm_call\",\"latency_ms\":100"));
            for (int i = 0; i < 10; i++) h.feed(event(Duration.ofMinutes(10 + i), "\"agent\":\"a\",\"kind\":\"llm_call\",\"latency_ms\":100"));
            // Many more calls at the same latency: a sum would surge, the mean does not.
            for (int i = 0; i < 50; i++) {
                assertThat(h.feed(event(Duration.ofMinutes(20).plusSeconds(i), "\"agent\":\"a\",\"kind\":\"llm_call\",\"latency_ms\":100"))).isEmpty();
            }
            assertThat(h.feed(event(Duration.ofMinutes(25), "\"agent\":\"a\",\"kind\":\"llm_call\",\"latency_ms\":20000"))).hasSize(1);
        }
    }

    @Test
    void repeatFiresOnIdenticalActionsOnly() {
        String yaml = """
                rules:
                  - {id: loop, severity: high, category: loop, match: 'event.kind == "tool_call"', group_by: [agent, run],
                     repeat: {same: [tool, params], at_least: 3, within: 2m}}
                """;
        Fixtures.Harness h = new Fixtures.Harness(rules(yaml));
        String same = "\"agent\":\"a\",\"run\":\"r\",\"kind\":\"tool_call\",\"tool\":\"search\",\"params\":{\"q\":\"x\"}";
        String other = "\"agent\":\"a\",\"run\":\"r\",\"kind\":\"tool_call\",\"tool\":\"search\",\"params\":{\"q\":\"y\"}";
        assertThat(h.fired(List.of(event(0, same), event(1000, other), event(2000, same)))).isZero();
        assertThat(h.feed(event(Duration.ofMinutes(2), same))).singleElement()
                .satisfies(s -> assertThat(s.reason()).isEqualTo("3 identical actions within 2m"));
        Fixtures.Harness spread = new Fixtures.Harness(rules(yaml));
        assertThat(spread.fired(List.of(event(0, same), event(1000, same), event(Duration.ofMinutes(2).plusMillis(1), same)))).isZero();
    }

    @Test
    void repeatTreatsTheSameArgumentsInAnotherKeyOrderAsIdentical() {
        Fixtures.Harness h = new Fixtures.Harness(rules("""
                rules:
                  - {id: loop, severity: high, category: loop, match: 'event.kind == "tool_call"', group_by: [agent],
                     repeat: {same: [tool, params], at_least: 2, within: 1m}}
                """));
        assertThat(h.feed(event(0, "\"agent\":\"a\",\"kind\":\"tool_call\",\"tool\":\"t\",\"params\":{\"x\":1,\"y\":{\"p\":1,\"q\":2}}"))).isEmpty();
        assertThat(h.feed(event(1, "\"agent\":\"a\",\"kind\":\"tool_call\",\"tool\":\"t\",\"params\":{\"y\":{\"q\":2,\"p\":1},\"x\":1}"))).hasSize(1);
    }

    @Test
    void sequenceFiresOnStepsInOrderWithinTheWindow() {
        String yaml = """
                rules:
                  - id: exfil
                    severity: critical
                    category: security
                    group_by: [agent, run]
                    sequence: {steps: ['event.tool == "vault.read"', 'event.tool == "http.post"'], within: 5m}
                """;
        String read = "\"agent\":\"a\",\"run\":\"r\",\"kind\":\"tool_call\",\"tool\":\"vault.read\"";
        String post = "\"agent\":\"a\",\"run\":\"r\",\"kind\":\"tool_call\",\"tool\":\"http.post\"";
        Fixtures.Harness h = new Fixtures.Harness(rules(yaml));
        assertThat(h.feed(event(0, read))).isEmpty();
        assertThat(h.feed(event(Duration.ofMinutes(5), post))).singleElement()
                .satisfies(s -> assertThat(s.reason()).isEqualTo("all 2 steps in order within 5m"));
        // The match was consumed: another post alone does not fire again.
        assertThat(h.feed(event(Duration.ofMinutes(5).plusSeconds(1), post))).isEmpty();

        Fixtures.Harness reversed = new Fixtures.Harness(rules(yaml));
        assertThat(reversed.fired(List.of(event(0, post), event(1000, read)))).isZero();

        Fixtures.Harness tooSlow = new Fixtures.Harness(rules(yaml));
        assertThat(tooSlow.fired(List.of(event(0, read), event(Duration.ofMinutes(5).plusMillis(1), post)))).isZero();

        Fixtures.Harness otherRun = new Fixtures.Harness(rules(yaml));
        assertThat(otherRun.fired(List.of(event(0, read), event(1000, post.replace("\"r\"", "\"r2\""))))).isZero();
    }

    @Test
    void absentFiresOnceAfterSilenceOnProcessingTime() {
        Fixtures.Harness h = new Fixtures.Harness(rules("""
                rules:
                  - {id: silent, severity: medium, category: performance, group_by: [agent], absent: {for: 10m}}
                """));
        String beat = "\"agent\":\"a\",\"kind\":\"heartbeat\"";
        h.engine.onEvent(event(0, beat), T0);
        assertThat(h.engine.advance(T0.plus(Duration.ofMinutes(10)).minusMillis(1))).isEmpty();
        h.engine.onEvent(event(Duration.ofMinutes(9), beat), T0.plus(Duration.ofMinutes(9)));
        assertThat(h.engine.advance(T0.plus(Duration.ofMinutes(18)))).isEmpty(); // reset by the event at 9m
        List<Signal> fired = h.engine.advance(T0.plus(Duration.ofMinutes(19)));
        assertThat(fired).singleElement().satisfies(s -> {
            assertThat(s.reason()).isEqualTo("no matching event for 10m");
            assertThat(s.trigger().ts()).isEqualTo(T0.plus(Duration.ofMinutes(9)));
        });
        assertThat(h.engine.advance(T0.plus(Duration.ofHours(1)))).isEmpty(); // once per silence
        // A group never seen is never "silent".
        assertThat(h.store.groups("silent")).isLessThanOrEqualTo(1);
    }

    @Test
    void aRateCountsOnlyTheEventsOfItsDenominator() {
        Fixtures.Harness h = new Fixtures.Harness(rules("""
                rules:
                  - id: tool-errors
                    severity: medium
                    category: performance
                    match: event.status == "error"
                    rate: {above: 0.5, of: 'event.kind == "tool_call"', within: 10m, min_events: 4}
                """));
        String okCall = "\"agent\":\"a\",\"kind\":\"tool_call\",\"status\":\"ok\"";
        String failedOutcome = "\"agent\":\"a\",\"kind\":\"outcome\",\"status\":\"error\"";
        // Failed outcomes are not tool calls: they are neither hits nor part of the total.
        assertThat(h.fired(List.of(event(0, okCall), event(1, okCall), event(2, failedOutcome), event(3, failedOutcome),
                event(4, failedOutcome)))).isZero();
        // 7 of 10 is exactly 0.7: with above 0.7 the share must be strictly above, whatever the floating point.
        Fixtures.Harness exact = new Fixtures.Harness(rules("""
                rules:
                  - {id: r, severity: medium, category: performance, match: 'event.status == "error"', rate: {above: 0.7, within: 10m, min_events: 10}}
                """));
        int fired = 0;
        for (int i = 0; i < 10; i++) fired += exact.feed(event(i, i < 3 ? okCall : okCall.replace("\"ok\"", "\"error\""))).size();
        assertThat(fired).isZero();
    }

    @Test
    void aBadRegularExpressionFromEventDataIsNoMatchNotACrash() {
        Fixtures.Harness h = new Fixtures.Harness(rules("""
                rules:
                  - {id: re, severity: low, category: suboptimal, match: 'event.tool.matches(event.params.pattern)'}
                """));
        assertThat(h.feed(event(0, "\"agent\":\"a\",\"kind\":\"tool_call\",\"tool\":\"fs.rm\",\"params\":{\"pattern\":\"fs.(rm|\"}"))).isEmpty();
        assertThat(h.feed(event(1, "\"agent\":\"a\",\"kind\":\"tool_call\",\"tool\":\"fs.rm\",\"params\":{\"pattern\":\"^fs\"}"))).hasSize(1);
    }

    @Test
    void groupValuesThatLookLikeSeparatorsNeverShareAGroup() {
        Fixtures.Harness h = new Fixtures.Harness(rules("""
                rules:
                  - {id: two, severity: high, category: loop, match: 'event.kind == "outcome"', group_by: [task, run], count: {at_least: 2, within: 5m}}
                """));
        assertThat(h.feed(event(0, "\"agent\":\"a\",\"task\":\"a,run=b\",\"kind\":\"outcome\""))).isEmpty();
        assertThat(h.feed(event(1, "\"agent\":\"a\",\"task\":\"a\",\"run\":\"b,run=\",\"kind\":\"outcome\""))).isEmpty();
    }

    @Test
    void aLateFirstStepDoesNotMoveASequencesStartBack() {
        Fixtures.Harness h = new Fixtures.Harness(rules("""
                rules:
                  - {id: seq, severity: critical, category: security, group_by: [agent], sequence: {steps: ['event.tool == "a"', 'event.tool == "b"'], within: 5m}}
                """));
        h.feed(event(Duration.ofMinutes(5), "\"agent\":\"x\",\"kind\":\"tool_call\",\"tool\":\"a\""));
        h.feed(event(Duration.ofMinutes(4).plusSeconds(30), "\"agent\":\"x\",\"kind\":\"tool_call\",\"tool\":\"a\""));
        assertThat(h.feed(event(Duration.ofMinutes(9), "\"agent\":\"x\",\"kind\":\"tool_call\",\"tool\":\"b\""))).hasSize(1);
    }

    @Test
    void absenceCountsFromArrivalNotFromWhenDetectionGotToTheEvent() {
        Fixtures.Harness h = new Fixtures.Harness(rules("""
                rules:
                  - {id: silent, severity: medium, category: performance, group_by: [agent], absent: {for: 10m}}
                """));
        // Received at T0, but detection was five minutes behind.
        h.engine.onEvent(event(0, "\"agent\":\"a\",\"kind\":\"heartbeat\""), T0.plus(Duration.ofMinutes(5)));
        assertThat(h.engine.advance(T0.plus(Duration.ofMinutes(10)))).hasSize(1);
    }

    @Test
    void theGroupCapEvictsTheLeastRecentlyUsedGroupAndSaysSo() {
        Fixtures.Harness h = new Fixtures.Harness(rules(STORM), Map.of(), 2);
        h.feed(event(0, FAIL.replace("\"a\"", "\"a1\"")));
        h.feed(event(1, FAIL.replace("\"a\"", "\"a2\"")));
        assertThat(h.evicted).isEmpty();
        h.feed(event(2, FAIL.replace("\"a\"", "\"a3\"")));
        assertThat(h.evicted).containsExactly("storm");
        assertThat(h.store.groups("storm")).isEqualTo(2);
    }

    @Test
    void idleGroupsAreEvicted() {
        Fixtures.Harness h = countRule();
        h.feed(event(0, FAIL));
        assertThat(h.store.groups("storm")).isEqualTo(1);
        h.engine.advance(T0.plus(Duration.ofMinutes(5)));
        assertThat(h.store.groups("storm")).isEqualTo(1); // still within horizon + tolerance
        h.engine.advance(T0.plus(Duration.ofMinutes(6)).plusMillis(1));
        assertThat(h.store.groups("storm")).isZero();
    }

    @Test
    void reloadKeepsStateOfUnchangedRulesAndDropsChangedOnes() {
        String storm = """
                  - {id: storm, severity: high, category: loop, match: 'event.status == "error"', count: {at_least: 3, within: 5m}}
                """;
        String other = """
                  - {id: other, severity: high, category: loop, match: 'event.status == "error"', count: {at_least: 3, within: 5m}}
                """;
        Fixtures.Harness h = new Fixtures.Harness(rules("rules:\n" + storm + other));
        h.feed(event(0, FAIL));
        h.feed(event(1, FAIL));
        h.engine.replaceRules(rules("rules:\n" + storm + other.replace("at_least: 3", "at_least: 4")));
        List<Signal> signals = h.feed(event(2, FAIL));
        assertThat(signals).extracting(s -> s.rule().id()).containsExactly("storm"); // "other" starts over
    }

    /** Forgetting an agent drops its groups in every rule grouped by agent, wherever agent is in the key, and nobody else's. */
    @Test
    void aForgottenAgentsStateAndTimersAreGone() {
        Fixtures.Harness h = new Fixtures.Harness(rules("""
                rules:
                  - {id: silent, severity: medium, category: performance, group_by: [agent], absent: {for: 10m}}
                  - {id: loop, severity: high, category: loop, match: 'event.kind == "tool_call"', group_by: [run, agent],
                     repeat: {same: [tool], at_least: 2, within: 2m}}
                  - {id: fleet, severity: low, category: performance, match: 'event.kind == "tool_call"', group_by: [tool],
                     count: {at_least: 100, within: 1m}}
                """));
        // "a,b" escapes to a\,b: a key that must not be mistaken for agent "a" with more after it.
        for (String agent : List.of("a", "a,b", "a=b", "b")) {
            h.engine.onEvent(event(0, "\"agent\":\"" + agent + "\",\"run\":\"r,1\",\"kind\":\"tool_call\",\"tool\":\"t\""), T0);
        }
        assertThat(h.store.groups("loop")).isEqualTo(4);

        assertThat(h.engine.forgetAgent("a")).isEqualTo(2); // silent and loop; fleet is grouped by tool, not agent
        assertThat(h.store.groups("silent")).isEqualTo(3);
        assertThat(h.store.groups("loop")).isEqualTo(3);
        assertThat(h.store.groups("fleet")).isEqualTo(1);
        assertThat(h.engine.forgetAgent("a")).isZero();
        // The loop of "a" starts over: one more call is not the second of two.
        assertThat(h.engine.onEvent(event(1, "\"agent\":\"a\",\"run\":\"r,1\",\"kind\":\"tool_call\",\"tool\":\"t\""), T0)).isEmpty();
        assertThat(h.engine.forgetAgent("a,b")).isEqualTo(2);

        List<Signal> silent = h.engine.advance(T0.plus(Duration.ofMinutes(11)));
        assertThat(silent).extracting(sig -> sig.trigger().agent()).containsExactlyInAnyOrder("a", "a=b", "b"); // "a" sent again since
    }
}
