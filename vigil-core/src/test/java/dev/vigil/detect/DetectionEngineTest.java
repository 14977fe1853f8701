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

        /** One LLM call per minute with {@code tokens}, at minutes {@code from} to {@code to} inclusive; the signals. */
        private static List<Signal> perMinute(Fixtures.Harness h, int from, int to, int tokens) {
            List<Signal> signals = new java.util.ArrayList<>();
            for (int m = from; m <= to; m++) signals.addAll(h.feed(event(Duration.ofMinutes(m), tokens(tokens))));
            return signals;
        }

        @Test
        void aSurgeAcrossAWindowBoundaryFires() {
            Fixtures.Harness h = harness();
            // About 1,000 tokens per 10 minutes for more than an hour (T0 is on a 10-minute boundary).
            assertThat(perMinute(h, 0, 64, 100)).isEmpty();
            // Then 600 a minute from minute 65: 6,000 over minutes 65..74, which straddle the boundary
            // at minute 70. Tumbling windows saw 3,500 and 3,000 (3.5x and 3x); the sliding one sees all of it.
            assertThat(perMinute(h, 65, 72, 600)).isEmpty(); // 64..72: 100 + 8 x 600 = 4,900, not above 5,000
            assertThat(perMinute(h, 73, 73, 600)).singleElement() // 64..73: 5,500
                    .satisfies(s -> assertThat(s.reason()).isEqualTo("sum 5500 in the last 10m, 5.50x the baseline of 1000"));
            assertThat(perMinute(h, 74, 74, 600)).singleElement() // 65..74: 6,000 against minutes 5..64
                    .satisfies(s -> assertThat(s.reason()).isEqualTo("sum 6000 in the last 10m, 6x the baseline of 1000"));
        }

        @Test
        void twiceTheBaselineAcrossABoundaryDoesNotFire() {
            Fixtures.Harness h = harness();
            assertThat(perMinute(h, 0, 64, 100)).isEmpty();
            assertThat(perMinute(h, 65, 80, 200)).isEmpty(); // 2,000 per 10 minutes: 2x
        }

        @Test
        void isSilentUntilTheGroupWasSeenForTheWholeBaseline() {
            // Seen from minute 0: at minute 69 the window is minutes 60..69 and the baseline 0..59, all seen.
            Fixtures.Harness h = harness();
            assertThat(perMinute(h, 0, 59, 100)).isEmpty();
            // At minute 68 the window 59..68 holds 5,500, but the baseline would start at minute -1.
            assertThat(perMinute(h, 60, 68, 600)).isEmpty();
            assertThat(perMinute(h, 69, 69, 600)).hasSize(1);

            // The same, first seen a minute later: one minute short of the baseline at minute 69.
            Fixtures.Harness late = harness();
            assertThat(perMinute(late, 1, 59, 100)).isEmpty();
            assertThat(perMinute(late, 60, 69, 600)).isEmpty();
            assertThat(perMinute(late, 70, 70, 600)).hasSize(1); // window 61..70, baseline 1..60
        }

        @Test
        void needsTheMinimumBaseline() {
            Fixtures.Harness h = harness();
            assertThat(perMinute(h, 0, 69, 5)).isEmpty(); // 50 per 10 minutes, below min_baseline 100
            assertThat(perMinute(h, 70, 70, 5000)).isEmpty();
        }

        @Test
        void aGapLongerThanTheRingStartsTheBaselineOver() {
            Fixtures.Harness h = harness();
            assertThat(perMinute(h, 0, 69, 100)).isEmpty();
            // Silent for two hours, then a burst: the slices of the hour before it are empty, so the baseline is 0.
            assertThat(perMinute(h, 190, 199, 10_000)).isEmpty();
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
            // Seen for the window and both baseline windows (30 minutes) at 100 ms.
            for (int i = 0; i < 30; i++) h.feed(event(Duration.ofMinutes(i), "\"agent\":\"a\",\"kind\":\"llm_call\",\"latency_ms\":100"));
            // Many more calls at the same latency: a sum would surge, the mean does not.
            for (int i = 0; i < 50; i++) {
                assertThat(h.feed(event(Duration.ofMinutes(30).plusSeconds(i), "\"agent\":\"a\",\"kind\":\"llm_call\",\"latency_ms\":100"))).isEmpty();
            }
            // Window 26..35: 54 calls at 100 ms and one at 20 s, mean 462; baseline windows 16..25 and 6..15, mean 100 each.
            assertThat(h.feed(event(Duration.ofMinutes(35), "\"agent\":\"a\",\"kind\":\"llm_call\",\"latency_ms\":20000"))).singleElement()
                    .satisfies(s -> assertThat(s.reason()).isEqualTo("mean 461.82 in the last 10m, 4.62x the baseline of 100"));
        }
    }

    @Nested
    class RateAboveBaseline {
        private static final String RULES = """
                rules:
                  - id: norm
                    severity: medium
                    category: performance
                    match: event.status == "error"
                    rate:
                      of: 'event.kind in ["tool_call", "llm_call"]'
                      within: 10m
                      min_events: 20
                      above: 0.1
                      above_baseline: {factor: 3, baseline: 1h, min_events: 50}
                  - id: absolute
                    severity: medium
                    category: performance
                    match: event.status == "error"
                    rate: {above: 0.3, of: 'event.kind in ["tool_call", "llm_call"]', within: 10m, min_events: 20}
                """;

        /** Feeds calls and counts the signals of each rule; failures are spread evenly at the given share. */
        private static final class Calls {
            final Fixtures.Harness h = new Fixtures.Harness(rules(RULES));
            final Map<String, Integer> fired = new java.util.HashMap<>();
            private double owed;

            /** {@code perMinute} calls a minute over minutes [from, to), a share {@code failing} of them errors. */
            Calls run(int from, int to, int perMinute, double failing) {
                for (int m = from; m < to; m++) {
                    for (int i = 0; i < perMinute; i++) {
                        owed += failing;
                        boolean error = owed >= 1 - 1e-9;
                        if (error) owed -= 1;
                        long at = Duration.ofMinutes(m).toMillis() + i * (60_000L / perMinute);
                        for (Signal s : h.feed(event(at, "\"agent\":\"a\",\"kind\":\"tool_call\",\"status\":\"" + (error ? "error" : "ok") + "\""))) {
                            fired.merge(s.rule().id(), 1, Integer::sum);
                        }
                    }
                }
                return this;
            }

            int fired(String rule) {
                return fired.getOrDefault(rule, 0);
            }
        }

        @Test
        void anAgentFailingFarMoreThanItsNormFires() {
            // 3% for 70 minutes, then 22% for 10: the absolute 30% rule stays quiet, the baseline one fires.
            Calls c = new Calls().run(0, 70, 10, 0.03);
            assertThat(c.fired).isEmpty();
            c.run(70, 80, 10, 0.22);
            assertThat(c.fired("norm")).isPositive();
            assertThat(c.fired("absolute")).isZero();
        }

        @Test
        void theReasonGivesBothShares() {
            Fixtures.Harness h = new Fixtures.Harness(rules(RULES));
            // Ten calls a minute at seconds 0, 6, ..., 54; the first call of every third minute fails: 1 in 30.
            for (int m = 0; m < 70; m++) {
                for (int i = 0; i < 10; i++) {
                    String status = m % 3 == 0 && i == 0 ? "error" : "ok";
                    assertThat(h.feed(event(Duration.ofMinutes(m).plusSeconds(6L * i), call(status)))).isEmpty();
                }
            }
            // Then every fifth call fails, from 70m 3s every 6 s: the last, at 79m 57s, ends a window of exactly these 100.
            List<Signal> signals = new java.util.ArrayList<>();
            for (int i = 0; i < 100; i++) {
                signals.addAll(h.feed(event(Duration.ofMinutes(70).plusSeconds(3 + 6L * i), call(i % 5 == 4 ? "error" : "ok"))));
            }
            assertThat(signals).extracting(s -> s.rule().id()).contains("norm").doesNotContain("absolute");
            // The baseline: minutes 9..68, the whole minutes that end before the window starts at 69m 57s.
            assertThat(signals.get(signals.size() - 1).reason())
                    .isEqualTo("20 of 100 events within 10m (20.0%), above 3.0x the share of the 1h before (20 of 600, 3.3%)");
        }

        private static String call(String status) {
            return "\"agent\":\"a\",\"kind\":\"tool_call\",\"status\":\"" + status + "\"";
        }

        @Test
        void aSteadyHighShareThatIsNormalForTheAgentStaysQuiet() {
            Calls c = new Calls().run(0, 90, 10, 0.25); // flaky, but always so
            assertThat(c.fired).isEmpty();
        }

        @Test
        void tooFewEventsInTheWindowStayQuiet() {
            Calls c = new Calls().run(0, 70, 10, 0.03);
            c.run(80, 100, 1, 0.5); // after a pause, half fail, but only 10 calls in any 10 minutes (min_events 20)
            assertThat(c.fired("norm")).isZero();
        }

        @Test
        void tooFewEventsInTheBaselineStayQuiet() {
            Calls c = new Calls();
            // 40 calls over the hour (none failing) are below the baseline's min_events 50.
            for (int m = 0; m < 60; m += 3) {
                c.h.feed(event(Duration.ofMinutes(m), "\"agent\":\"a\",\"kind\":\"tool_call\",\"status\":\"ok\""));
                c.h.feed(event(Duration.ofMinutes(m).plusSeconds(30), "\"agent\":\"a\",\"kind\":\"tool_call\",\"status\":\"ok\""));
            }
            c.run(61, 71, 3, 0.25);
            assertThat(c.fired("norm")).isZero();
        }

        @Test
        void isSilentUntilTheGroupWasSeenForTheWholeBaseline() {
            // Seen for 40 minutes only: no hour before the window yet.
            Calls c = new Calls().run(30, 70, 10, 0.03).run(70, 80, 10, 0.25);
            assertThat(c.fired("norm")).isZero();
        }
    }

    @Nested
    class ToolLoop {
        /** The default pack's tool-loop rule. */
        private Fixtures.Harness harness() {
            dev.vigil.rule.Rule loop = dev.vigil.rule.RuleSet.load(List.of()).rules().get("tool-loop");
            return new Fixtures.Harness(dev.vigil.rule.RuleSet.of(List.of(loop)));
        }

        private static String call(String run, String tool, String params) {
            return "\"agent\":\"a\"," + (run == null ? "" : "\"run\":\"" + run + "\",") + "\"kind\":\"tool_call\",\"tool\":\""
                    + tool + "\",\"params\":" + params;
        }

        /** {@code n} calls a minute apart, from minute {@code from}; the signals. */
        private static List<Signal> slowly(Fixtures.Harness h, int from, int n, String fields) {
            List<Signal> signals = new java.util.ArrayList<>();
            for (int i = 0; i < n; i++) signals.addAll(h.feed(event(Duration.ofMinutes(from + i), fields)));
            return signals;
        }

        @Test
        void tenIdenticalCallsAMinuteApartInOneRunFire() {
            Fixtures.Harness h = harness();
            String same = call("r1", "search.web", "{\"q\":\"refund policy\"}");
            assertThat(slowly(h, 0, 9, same)).isEmpty();
            // Other calls in between do not reset the count.
            assertThat(h.feed(event(Duration.ofMinutes(8).plusSeconds(30), call("r1", "crm.lookup", "{\"id\":7}")))).isEmpty();
            assertThat(slowly(h, 9, 1, same)).singleElement().satisfies(s -> {
                assertThat(s.fingerprint()).isEqualTo("tool-loop:agent=a,run=r1");
                assertThat(s.reason()).isEqualTo("10 identical actions in run r1");
            });
        }

        @Test
        void theFastLoopStillFiresWithinTwoMinutes() {
            Fixtures.Harness h = harness();
            String same = call("r1", "search.web", "{\"q\":\"x\"}");
            for (int i = 0; i < 4; i++) assertThat(h.feed(event(i * 10_000L, same))).isEmpty();
            assertThat(h.feed(event(40_000, same))).singleElement()
                    .satisfies(s -> assertThat(s.reason()).isEqualTo("5 identical actions within 2m"));
        }

        @Test
        void threeIdenticalCallsStayQuiet() {
            assertThat(slowly(harness(), 0, 3, call("r1", "search.web", "{\"q\":\"x\"}"))).isEmpty();
        }

        @Test
        void nineAMinuteApartStayQuietAndOtherRunsDoNotAdd() {
            Fixtures.Harness h = harness();
            assertThat(slowly(h, 0, 9, call("r1", "search.web", "{\"q\":\"x\"}"))).isEmpty();
            assertThat(slowly(h, 9, 5, call("r2", "search.web", "{\"q\":\"x\"}"))).isEmpty();
        }

        @Test
        void legitimatePollsStayQuiet() {
            Fixtures.Harness h = harness();
            // A tool that says it polls or waits, with the same params every minute for 20 minutes.
            assertThat(slowly(h, 0, 20, call("r1", "jobs.status", "{\"job\":42}"))).isEmpty();
            assertThat(slowly(h, 0, 20, call("r2", "deploy.wait_for", "{\"id\":\"d-1\"}"))).isEmpty();
            // A call the agent marks as a poll.
            assertThat(slowly(h, 0, 20, call("r3", "inbox.fetch", "{\"folder\":\"in\"},\"attrs\":{\"poll\":true}"))).isEmpty();
            // Polling with a cursor: the params differ, so the calls are not identical.
            List<Signal> signals = new java.util.ArrayList<>();
            for (int i = 0; i < 20; i++) {
                signals.addAll(h.feed(event(Duration.ofMinutes(i), call("r4", "events.list", "{\"since\":\"c-" + i + "\"}"))));
            }
            assertThat(signals).isEmpty();
        }

        @Test
        void callsWithoutARunAreNotCountedAsOneRun() {
            assertThat(slowly(harness(), 0, 20, call(null, "search.web", "{\"q\":\"x\"}"))).isEmpty();
        }

        @Test
        void aRunIdleForMoreThanAnHourIsForgotten() {
            Fixtures.Harness h = harness();
            String same = call("r1", "search.web", "{\"q\":\"x\"}");
            assertThat(slowly(h, 0, 5 - 1, same)).isEmpty();
            h.feed(event(Duration.ofMinutes(4), call("r1", "crm.lookup", "{}")));
            h.engine.advance(Fixtures.T0.plus(Duration.ofMinutes(4 + 61 + 1)));
            assertThat(slowly(h, 70, 9, same)).isEmpty(); // 4 before the gap + 9 after: counted afresh
        }
    }

    @Test
    void eventsWithoutATaskNeverCountTowardsAPerTaskRule() {
        Fixtures.Harness h = countRule();
        String noTask = "\"agent\":\"a\",\"kind\":\"outcome\",\"status\":\"error\"";
        assertThat(h.fired(List.of(event(0, noTask), event(1000, noTask), event(2000, noTask), event(3000, noTask)))).isZero();
        assertThat(h.fired(List.of(event(4000, noTask.replace("\"kind\"", "\"task\":\"\",\"kind\""))))).isZero();
        assertThat(h.store.groups("storm")).isZero();
        // Rules without state still see them: the event fires, grouped with an empty task.
        Fixtures.Harness perEvent = new Fixtures.Harness(rules("""
                rules:
                  - {id: low, severity: high, category: quality, match: 'event.kind == "outcome"', group_by: [agent, task]}
                """));
        assertThat(perEvent.feed(event(0, noTask))).singleElement()
                .satisfies(s -> assertThat(s.fingerprint()).isEqualTo("low:agent=a,task="));
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
