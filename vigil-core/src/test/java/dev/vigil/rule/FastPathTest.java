package dev.vigil.rule;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.event.Event;
import dev.vigil.event.EventLimits;
import dev.vigil.event.EventParser;
import dev.vigil.time.ManualClock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The direct evaluator must agree with cel-java on every expression it takes over: same value,
 * or an error where cel-java errs. Checked over thousands of random events with fields present,
 * absent and of unexpected types.
 */
class FastPathTest {
    private static final List<String> OPERATORS = List.of(
            "event.latency_ms > 1000", "event.latency_ms >= 1000.0", "event.latency_ms < 5", "event.latency_ms <= 840",
            "event.tokens.input + event.tokens.output > 500", "event.tokens.input * 2 - 1 < 100", "event.tokens.output / 3 == 1",
            "event.cost_usd / 2.0 > 0.01", "event.cost_usd + 1 > 2", "event.params.amount > 10", "event.params.amount == 30",
            "event.params.amount == 30.0", "event.params.amount != 7", "event.params.note == 'x'", "event.params.note < 'm'",
            "event.params.flag == true", "event.params.flag", "!event.params.flag", "event.params.nested.deep == 1",
            "'pii' in event.flags || event.status == 'error'", "!(event.kind in ['heartbeat', 'metric'])",
            "size(event.flags) > 1", "size(event.tool) >= 5", "size(event.params) == 0",
            "event.kind == 'tool_call' ? event.tool : event.model", "has(event.params.amount) && event.params.amount > 10",
            "has(event.quality) || event.quality < 0.5", "event.quality < 0.5 || has(event.quality)",
            "event.quality < 0.5 && false", "event.attrs.region == 'eu' && has(agent.budget_usd_per_day)",
            "event.temperature != 0.7", "event.error.type.matches('time.*')", "matches(event.tool, '^fs[.]')",
            "-event.tokens.input < 0", "event.params.amount - 5 > 0", "event.params.list == [1, 2]", "2 in event.params.list",
            "'k' in event.params", "event.params.amount in [30, 31.0, 'x']",
            "agent.labels.tier == 'gold'", "event.status", "event.params.amount + event.params.amount > 1",
            "event.params.list + [3] == [1, 2, 3]", "event.tool + '!' == 'x!'", "1 / 0 == 1 || true");
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void agreesWithCelJavaOnRandomEvents() throws Exception {
        List<Expression> expressions = new ArrayList<>();
        for (String text : OPERATORS) {
            Expression e = Cel.compile(text, text.contains("?") || text.equals("event.status") ? null : Cel.Result.BOOL);
            assertThat(e.fast()).as(text).isTrue();
            expressions.add(e);
        }
        for (Rule r : RuleSet.load(List.of()).rules().all()) {
            expressions.add(r.match());
            assertThat(r.match().fast()).as(r.id()).isTrue(); // the whole default pack runs on the fast path
            switch (r.primitive()) {
                case Primitive.Rate rate -> expressions.add(rate.of());
                case Primitive.Sum sum -> {
                    expressions.add(sum.value());
                    if (sum.aboveBudget() != null) expressions.add(sum.aboveBudget());
                }
                case Primitive.Surge surge -> expressions.add(surge.value());
                default -> {}
            }
        }
        Random random = new Random(20261129);
        EventParser parser = new EventParser(new ManualClock(Instant.parse("2026-11-29T04:00:00Z")), EventLimits.defaults());
        int compared = 0;
        int errors = 0;
        for (int i = 0; i < 3000; i++) {
            Event event = parser.parse(JSON.readTree(randomEvent(random)));
            Map<String, Object> vars = EventVariables.bind(EventVariables.of(event), randomAgent(random, event.agent()).toCel());
            for (Expression e : expressions) {
                Object cel = e.viaCel(vars);
                Object fast = e.viaFastPath(vars);
                if (cel == Expression.ERROR) errors++;
                assertThat(describe(fast)).as("%s on %s", e.text(), event).isEqualTo(describe(cel));
                compared++;
            }
        }
        assertThat(compared).isGreaterThan(100_000);
        assertThat(errors).as("errors exercised").isGreaterThan(1000);
    }

    @Test
    void expressionsOutsideTheSubsetStillRunOnCelJava() {
        Expression comprehension = Cel.compile("event.flags.exists(f, f == 'pii')", Cel.Result.BOOL);
        assertThat(comprehension.fast()).isFalse();
        Map<String, Object> vars = EventVariables.bind(Map.of("flags", List.of("pii")), Map.of());
        assertThat(comprehension.test(vars)).isTrue();
        assertThat(Cel.compile("event.params.list[0] == 1", Cel.Result.BOOL).fast()).isFalse();
    }

    /** Numbers compare by value across Long and Double, as CEL's results do. */
    private static String describe(Object v) {
        if (v instanceof Number n) return "number " + n.doubleValue();
        if (v instanceof List<?> l) return "list " + l.stream().map(FastPathTest::describe).toList();
        return String.valueOf(v);
    }

    private static String randomEvent(Random r) {
        StringBuilder s = new StringBuilder("{\"agent\":\"a").append(r.nextInt(3)).append('"');
        String[] kinds = {"tool_call", "llm_call", "decision", "outcome", "metric", "policy_violation", "heartbeat"};
        s.append(",\"kind\":\"").append(kinds[r.nextInt(kinds.length)]).append('"');
        if (r.nextBoolean()) s.append(",\"status\":\"").append(r.nextBoolean() ? "ok" : "error").append('"');
        String[] tools = {"fs.rm", "git.force_push", "search.web", "db.dropdown", "payments.refund", "x"};
        if (r.nextBoolean()) s.append(",\"tool\":\"").append(tools[r.nextInt(tools.length)]).append('"');
        if (r.nextBoolean()) s.append(",\"model\":\"m\"");
        if (r.nextBoolean()) s.append(",\"latency_ms\":").append(r.nextBoolean() ? r.nextInt(3000) : r.nextDouble() * 2000);
        if (r.nextBoolean()) s.append(",\"cost_usd\":").append(r.nextInt(5) / 4.0);
        if (r.nextBoolean()) s.append(",\"quality\":").append(r.nextInt(11) / 10.0);
        if (r.nextBoolean()) s.append(",\"temperature\":").append(r.nextBoolean() ? 0.7 : 0.2);
        if (r.nextBoolean()) s.append(",\"tokens\":{\"input\":").append(r.nextInt(200)).append(",\"output\":").append(r.nextInt(5)).append('}');
        if (r.nextBoolean()) s.append(",\"flags\":[").append(r.nextBoolean() ? "\"pii\"" : "\"harmful\",\"suboptimal\"").append(']');
        if (r.nextBoolean()) s.append(",\"error\":{\"type\":\"").append(r.nextBoolean() ? "timeout" : "rate_limit").append("\"}");
        if (r.nextBoolean()) {
            s.append(",\"params\":{");
            List<String> p = new ArrayList<>();
            if (r.nextBoolean()) p.add("\"amount\":" + switch (r.nextInt(4)) {
                case 0 -> "30";
                case 1 -> "30.0";
                case 2 -> "\"30\"";
                default -> "7";
            });
            if (r.nextBoolean()) p.add("\"note\":" + (r.nextBoolean() ? "\"x\"" : "5"));
            if (r.nextBoolean()) p.add("\"flag\":" + (r.nextBoolean() ? "true" : "\"yes\""));
            if (r.nextBoolean()) p.add("\"confirmed\":" + (r.nextBoolean() ? "true" : "false"));
            if (r.nextBoolean()) p.add("\"list\":" + (r.nextBoolean() ? "[1,2]" : "[2.0]"));
            if (r.nextBoolean()) p.add("\"nested\":{\"deep\":" + (r.nextBoolean() ? "1" : "\"1\"") + "}");
            if (r.nextBoolean()) p.add("\"k\":null");
            s.append(String.join(",", p)).append('}');
        }
        if (r.nextBoolean()) s.append(",\"attrs\":{\"region\":\"").append(r.nextBoolean() ? "eu" : "us").append("\"}");
        return s.append('}').toString();
    }

    private static AgentProfile randomAgent(Random r, String id) {
        return switch (r.nextInt(3)) {
            case 0 -> AgentProfile.unlisted(id);
            case 1 -> new AgentProfile(id, "o", List.of("search.web", "fs.rm"), 5.0, Map.of("tier", "gold"));
            default -> new AgentProfile(id, null, List.of(), null, Map.of());
        };
    }
}
