package dev.vigil.drill;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.config.Json;
import dev.vigil.time.Durations;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Supplier;

/**
 * Runs drill cases and checks what followed. Every injected event is marked drill traffic
 * ({@code attrs.drill: true}) and its agent id gets a suffix unique to the run, so cases never
 * see each other's incidents and a running server pages nobody.
 *
 * <p>Latencies are measured on the wall clock by this runner: detection is from the last
 * injection to the expected incidents being visible; action is from then until their expected
 * actions have all completed. When embedded, the runner waits for the pipeline to be quiet
 * instead of polling, and the virtual clock moves a second at a time while it waits for what
 * follows, so retries, backoffs and timeouts play out in milliseconds; {@code within} is then
 * virtual time.
 */
public final class DrillRunner {
    /** The outcome of one case. */
    public record Result(String name, boolean passed, boolean skipped, String message, Long detectionMs, Long actionMs) {}

    private final Supplier<Target> targets;
    private final String runId;

    DrillRunner(Supplier<Target> targets, String runId) {
        this.targets = targets;
        this.runId = runId;
    }

    /** Cases against fresh embedded servers on a virtual clock; {@code agents} are registry entries they get. */
    public static DrillRunner embedded(List<JsonNode> agents) {
        String runId = Long.toString(System.currentTimeMillis(), 36);
        List<JsonNode> renamed = agents.stream().map(a -> (JsonNode) ((ObjectNode) a.deepCopy())
                .put("id", a.path("id").asText() + "-drill-" + runId)).toList();
        return new DrillRunner(() -> new EmbeddedTarget(renamed), runId);
    }

    /** Cases against a running server, in real time. */
    public static DrillRunner remote(String url, String key) {
        RemoteTarget target = new RemoteTarget(url, key);
        return new DrillRunner(() -> target, Long.toString(System.currentTimeMillis(), 36));
    }

    public List<Result> run(List<DrillFile.Case> cases) {
        List<Result> results = new ArrayList<>();
        for (DrillFile.Case c : cases) {
            try (Target target = targets.get()) {
                results.add(run(c, target));
            } catch (RuntimeException | InterruptedException e) {
                results.add(new Result(c.name(), false, false, "error: " + e.getMessage(), null, null));
            }
        }
        return results;
    }

    private String agent(String name) {
        return name + "-drill-" + runId;
    }

    private Result run(DrillFile.Case c, Target target) throws InterruptedException {
        List<DrillFile.Step> steps = new ArrayList<>(c.inject());
        steps.sort(Comparator.comparing(s -> Durations.parse(s.at())));
        Duration elapsed = Duration.ZERO;
        List<String> problems = new ArrayList<>();
        for (DrillFile.Step step : steps) {
            Duration at = Durations.parse(step.at());
            if (at.compareTo(elapsed) > 0) {
                if (!target.embedded() && at.minus(elapsed).compareTo(Duration.ofMinutes(1)) > 0) {
                    return new Result(c.name(), true, true, "skipped: needs the embedded virtual clock (waits " + Durations.format(at) + ")", null, null);
                }
                target.advance(at.minus(elapsed));
                elapsed = at;
            }
            String problem = inject(step, target, c.expect().httpStatus());
            if (problem != null) {
                if (problem.startsWith("skipped")) return new Result(c.name(), true, true, problem, null, null);
                problems.add(problem);
            }
        }
        if (!problems.isEmpty()) return new Result(c.name(), false, false, String.join("; ", problems), null, null);
        return check(c, target);
    }

    /** Sends one injection; returns what went wrong, or null. */
    private String inject(DrillFile.Step step, Target target, Integer expectedStatus) throws InterruptedException {
        if (step.event() != null) return expectStatus(target.post("/v1/events", drillEvent(step.event()).toString()), expectedStatus, "event");
        if (step.malformed() != null) return expectStatus(target.post("/v1/events", step.malformed()), expectedStatus, "malformed body");
        if (step.channelFails() != null) {
            return target.failChannel(step.channelFails()) ? null : "skipped: a running server's channels cannot be made to fail from here";
        }
        if (step.answerRetry() != null) {
            String agent = agent(step.answerRetry().agent());
            target.settle();
            JsonNode directives = target.get("/v1/agents/" + agent + "/control").path("directives");
            long giveUp = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (directives.isEmpty() && !target.embedded() && System.nanoTime() < giveUp) { // detection runs behind ingest
                target.settle();
                directives = target.get("/v1/agents/" + agent + "/control").path("directives");
            }
            if (directives.isEmpty()) return "no retry directive to answer for " + step.answerRetry().agent();
            ObjectNode answer = Json.MAPPER.createObjectNode().put("agent", step.answerRetry().agent()).put("kind", "outcome")
                    .put("status", step.answerRetry().status()).put("directive", directives.get(0).get("id").textValue());
            return expectStatus(target.post("/v1/events", drillEvent(answer).toString()), null, "retry answer");
        }
        if (step.flood() != null) {
            DrillFile.Flood f = step.flood();
            Duration length = Durations.parse(f.duration());
            long total = f.eventsPerSecond() * length.toSeconds();
            StringBuilder batch = new StringBuilder();
            int inBatch = 0;
            for (long i = 0; i < total; i++) {
                batch.append(inBatch == 0 ? "[" : ",").append(drillEvent(f.event()));
                if (++inBatch == 100 || i == total - 1) {
                    String problem = expectStatus(target.post("/v1/events", batch.append(']').toString()), expectedStatus, "flood");
                    if (problem != null && expectedStatus == null) return problem;
                    batch.setLength(0);
                    inBatch = 0;
                }
            }
            target.advance(length);
            return null;
        }
        return null; // advance: only the time passes
    }

    private static String expectStatus(int status, Integer expected, String what) {
        if (expected == null) return status / 100 == 2 ? null : what + " answered " + status + ", expected 2xx";
        return status == expected ? null : what + " answered " + status + ", expected " + expected;
    }

    private ObjectNode drillEvent(JsonNode template) {
        ObjectNode e = template.deepCopy();
        e.put("agent", agent(e.path("agent").asText("drill-agent")));
        ObjectNode attrs = e.has("attrs") ? (ObjectNode) e.get("attrs") : e.putObject("attrs");
        attrs.put("drill", true);
        return e;
    }

    private Result check(DrillFile.Case c, Target target) throws InterruptedException {
        Duration within = Durations.parse(c.within());
        long start = System.nanoTime();
        long wallDeadline = start + within.toNanos() + Duration.ofSeconds(10).toNanos();
        java.time.Instant deadline = target.now().plus(within).plusSeconds(10);
        Long detected = null;
        if (c.expect().noIncident() || c.expect().incidents().isEmpty()) {
            // A marker proves detection has processed everything injected before it.
            String marker = "marker";
            target.post("/v1/events", drillEvent(Json.MAPPER.createObjectNode().put("agent", marker).put("kind", "policy_violation")).toString());
            target.settle();
            while (incidents(target).stream().noneMatch(i -> i.get("agent").textValue().equals(agent(marker)))) {
                if (target.embedded() || System.nanoTime() > wallDeadline) {
                    return new Result(c.name(), false, false, "detection did not catch up in time", null, null);
                }
                target.settle();
            }
            List<String> unexpected = incidents(target).stream().filter(i -> ours(i) && !i.get("agent").textValue().equals(agent(marker)))
                    .map(i -> i.get("rule").textValue() + " for " + i.get("agent").textValue()).toList();
            if (c.expect().noIncident() && !unexpected.isEmpty()) {
                return new Result(c.name(), false, false, "expected no incident, got " + unexpected, null, null);
            }
            return new Result(c.name(), true, false, "ok", null, null);
        }
        List<String> missing = List.of();
        target.settle();
        while (target.embedded() ? !target.now().isAfter(deadline) : System.nanoTime() < wallDeadline) {
            List<JsonNode> all = incidents(target);
            List<String> notYetDetected = new ArrayList<>();
            missing = new ArrayList<>();
            for (DrillFile.ExpectedIncident x : c.expect().incidents()) {
                JsonNode found = all.stream().filter(i -> matches(i, x)).findFirst().orElse(null);
                if (found == null) {
                    notYetDetected.add(describe(x));
                    continue;
                }
                missing.addAll(unmet(found, x));
            }
            if (notYetDetected.isEmpty() && detected == null) detected = System.nanoTime();
            if (notYetDetected.isEmpty() && missing.isEmpty()) {
                long detectionMs = (detected - start) / 1_000_000;
                long actionMs = (System.nanoTime() - detected) / 1_000_000;
                if (actionMs > within.toMillis()) {
                    return new Result(c.name(), false, false, "actions took " + actionMs + " ms, more than " + c.within(), detectionMs, actionMs);
                }
                return new Result(c.name(), true, false, "ok", detectionMs, actionMs);
            }
            if (!notYetDetected.isEmpty()) missing = List.of("no incident " + String.join(", ", notYetDetected)
                    + " (got " + all.stream().filter(this::ours).map(i -> i.get("rule").textValue() + "/" + i.get("severity").textValue()).toList() + ")");
            if (target.embedded()) target.advance(Duration.ofSeconds(1));
            else target.settle();
        }
        return new Result(c.name(), false, false, String.join("; ", missing), detected == null ? null : (detected - start) / 1_000_000, null);
    }

    private boolean ours(JsonNode incident) {
        return incident.get("agent").textValue().endsWith("-drill-" + runId);
    }

    private boolean matches(JsonNode incident, DrillFile.ExpectedIncident x) {
        return ours(incident) && (x.rule() == null || x.rule().equals(incident.get("rule").textValue()))
                && (x.agent() == null || agent(x.agent()).equals(incident.get("agent").textValue()));
    }

    /** What the found incident lacks: severity, status, escalation, completed actions. */
    private static List<String> unmet(JsonNode incident, DrillFile.ExpectedIncident x) {
        List<String> unmet = new ArrayList<>();
        String rule = incident.get("rule").textValue();
        if (x.severity() != null && !x.severity().equals(incident.get("severity").textValue())) {
            unmet.add(rule + ": severity " + incident.get("severity").textValue() + ", expected " + x.severity());
        }
        if (x.status() != null && !x.status().equals(incident.get("status").textValue())) {
            unmet.add(rule + ": status " + incident.get("status").textValue() + ", expected " + x.status());
        }
        if (x.escalated() != null && x.escalated() != incident.get("escalated").booleanValue()) {
            unmet.add(rule + ": " + (x.escalated() ? "not escalated" : "escalated") + ", expected " + (x.escalated() ? "an escalation" : "none"));
        }
        for (String action : x.actions()) {
            boolean done = false;
            for (JsonNode t : incident.get("timeline")) {
                if (t.get("type").textValue().equals("action_succeeded") && t.get("detail").textValue().startsWith(action)) done = true;
            }
            if (!done) unmet.add(rule + ": action " + action + " not completed");
        }
        return unmet;
    }

    private static String describe(DrillFile.ExpectedIncident x) {
        return (x.rule() == null ? "of any rule" : x.rule()) + (x.severity() == null ? "" : " (" + x.severity() + ")");
    }

    private static List<JsonNode> incidents(Target target) {
        List<JsonNode> out = new ArrayList<>();
        target.get("/v1/incidents?limit=1000").path("incidents").forEach(out::add);
        return out;
    }
}
