package dev.vigil.drill;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.config.Json;
import dev.vigil.time.Durations;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
 *
 * <p>Against a running server ({@link #remote}) there is no virtual clock, so:
 * <ul>
 *   <li>an event's {@code at} becomes its {@code ts}: the case is stamped as if it had started on
 *       the hour before it runs (the embedded clock also starts on an hour, so windows fall alike)
 *       and everything is sent at once. Windows run on event time, so an hour of a token flood
 *       needs no hour of waiting. Only {@code advance} (silence, judged on arrival time) waits
 *       in real time, and a case that would wait more than a minute is skipped;</li>
 *   <li>a case that needs what only an embedded run has is skipped up front, before it sends
 *       anything, saying what it needs: a channel the drill can make fail, or an agent registry
 *       entry from the drill file (a budget). An expected action that the target skipped for want
 *       of a channel (no channel takes drills) makes the case "skipped: no channel …";</li>
 *   <li>when the run ends, {@link #cleanUp} resolves every open incident of the run's agents
 *       (with a note saying it was a drill), resumes those paused, and has the server forget them
 *       ({@code POST /v1/agents/{id}/forget}), so their silence never raises an incident later.</li>
 * </ul>
 */
public final class DrillRunner {
    /** The outcome of one case. */
    public record Result(String name, boolean passed, boolean skipped, String message, Long detectionMs, Long actionMs) {}

    /** What a run reports while it goes: each case as it starts and ends, and what cleaning up did. */
    public interface Progress {
        default void started(int index, int total, DrillFile.Case c) {}

        default void finished(Result r) {}

        default void note(String line) {}

        Progress NONE = new Progress() {};
    }

    /** A wait in real time longer than this makes a case against a running server skipped. */
    private static final Duration LONGEST_REAL_WAIT = Duration.ofMinutes(1);

    private final Supplier<Target> targets;
    private final String runId;
    /** The drill file's agent registry entries, by their id in the file. */
    private final Map<String, JsonNode> registered = new LinkedHashMap<>();
    /** The running server to clean up when the run ends; null when embedded (each case's server is thrown away). */
    private final Target remote;
    /** Agents of this run that sent the target something, and those already cleaned up. */
    private final Set<String> sent = new LinkedHashSet<>();
    private final Set<String> cleaned = new HashSet<>();

    DrillRunner(Supplier<Target> targets, String runId, List<JsonNode> agents, Target remote) {
        this.targets = targets;
        this.runId = runId;
        for (JsonNode a : agents) registered.put(a.path("id").asText(), a);
        this.remote = remote;
    }

    /** Cases against fresh embedded servers on a virtual clock; {@code agents} are registry entries they get. */
    public static DrillRunner embedded(List<JsonNode> agents) {
        String runId = Long.toString(System.currentTimeMillis(), 36);
        List<JsonNode> renamed = agents.stream().map(a -> (JsonNode) ((ObjectNode) a.deepCopy())
                .put("id", a.path("id").asText() + "-drill-" + runId)).toList();
        return new DrillRunner(() -> new EmbeddedTarget(renamed), runId, agents, null);
    }

    /** Cases against a running server, in real time. */
    public static DrillRunner remote(String url, String key) {
        return remote(url, key, List.of());
    }

    /**
     * Cases against a running server, in real time; {@code agents} are the drill file's registry
     * entries, which the server does not have: cases that need them are skipped.
     */
    public static DrillRunner remote(String url, String key, List<JsonNode> agents) {
        RemoteTarget target = new RemoteTarget(url, key);
        return new DrillRunner(() -> target, Long.toString(System.currentTimeMillis(), 36), agents, target);
    }

    /**
     * Whether a running server can be drilled with this key, asked with one request before any
     * case runs; drills need an operator (or admin) key.
     *
     * @return null when it can, else one sentence saying what is wrong and what to do
     */
    public static String checkRemote(String url, String key) {
        if (key == null || key.isBlank()) {
            return "a drill against " + url + " needs an operator or admin key of that server: pass --key KEY or set VIGIL_ADMIN_KEY";
        }
        HttpTarget.Answer a;
        try {
            a = new RemoteTarget(url, key).ask("/v1/incidents?limit=1");
        } catch (RuntimeException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            return "cannot reach a Vigil at " + url + " (" + cause.getClass().getSimpleName()
                    + (cause.getMessage() == null ? "" : ": " + cause.getMessage()) + "): is it running, and is --url right?";
        }
        String error = a.json() != null && a.json().path("error").isTextual() ? a.json().get("error").textValue() : a.body();
        return switch (a.status()) {
            case 200 -> a.json() != null && a.json().has("incidents") ? null
                    : url + " does not look like a Vigil server (GET /v1/incidents answered " + abbreviate(a.body()) + ")";
            case 401 -> "the server at " + url + " does not accept this key (401: " + error
                    + "): pass an operator or admin key of that server with --key KEY or VIGIL_ADMIN_KEY";
            case 403 -> "this key may not run drills against " + url + " (403: " + error
                    + "): drills need an operator or admin key, to read, resolve and clean up their incidents and agents";
            default -> "the server at " + url + " answered GET /v1/incidents with " + a.status() + ": " + abbreviate(error);
        };
    }

    private static String abbreviate(String s) {
        if (s == null) return "nothing";
        return s.length() > 200 ? s.substring(0, 200) + "…" : s;
    }

    public List<Result> run(List<DrillFile.Case> cases) {
        return run(cases, Progress.NONE);
    }

    /** Runs the cases in order, reporting each as it starts and ends; against a running server, cleans up after them. */
    public List<Result> run(List<DrillFile.Case> cases, Progress progress) {
        List<Result> results = new ArrayList<>();
        try {
            for (int i = 0; i < cases.size(); i++) {
                DrillFile.Case c = cases.get(i);
                progress.started(i + 1, cases.size(), c);
                Result r;
                try (Target target = targets.get()) {
                    r = run(c, i + 1, target);
                } catch (RuntimeException e) {
                    r = new Result(c.name(), false, false, "error: " + e.getMessage(), null, null);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    results.add(new Result(c.name(), false, false, "error: interrupted", null, null));
                    break;
                }
                results.add(r);
                progress.finished(r);
            }
        } finally {
            cleanUp(progress);
        }
        return results;
    }

    /**
     * Against a running server: resolves every open incident of this run's agents (noting it was
     * a drill), resumes those paused and has the server forget them, so none of them raises
     * anything later. Safe to call more than once (a shutdown hook does, when the run is
     * interrupted); does nothing when embedded.
     */
    public synchronized void cleanUp(Progress progress) {
        if (remote == null) return;
        List<String> agents = new ArrayList<>(sent);
        agents.removeAll(cleaned);
        if (agents.isEmpty()) return;
        int resolved = 0;
        int resumed = 0;
        int forgotten = 0;
        List<String> problems = new ArrayList<>();
        String note = "drill: resolved by vigil drill run " + runId + " when it ended (drill traffic; nobody was paged)";
        for (String agent : agents) {
            String path = "/v1/agents/" + URLEncoder.encode(agent, StandardCharsets.UTF_8).replace("+", "%20");
            try {
                resolved += resolveOpen(agent, note, problems);
                if (remote.get(path + "/control").path("state").asText().equals("paused")) {
                    int status = remote.post(path + "/resume", Json.MAPPER.createObjectNode()
                            .put("reason", "drill run " + runId + " is over").toString());
                    if (status == 200) resumed++;
                    else problems.add("resuming " + agent + " answered " + status);
                }
                int status = remote.post(path + "/forget", "");
                if (status == 200) forgotten++;
                else problems.add("forgetting " + agent + " answered " + status + (status == 404 ? " (a server older than this vigil)" : ""));
                resolved += resolveOpen(agent, note, problems); // raised while this was going on
                cleaned.add(agent);
            } catch (RuntimeException e) {
                problems.add(agent + ": " + e.getMessage());
            }
        }
        progress.note("cleaned up drill run " + runId + ": " + count(resolved, "incident") + " resolved, " + count(resumed, "agent")
                + " resumed, " + forgotten + " of " + count(agents.size(), "agent") + " forgotten"
                + (problems.isEmpty() ? "" : "; " + String.join("; ", problems)));
    }

    private static String count(int n, String what) {
        return n + " " + what + (n == 1 ? "" : "s");
    }

    private int resolveOpen(String agent, String note, List<String> problems) {
        int resolved = 0;
        for (JsonNode i : incidents(remote, Set.of(agent))) {
            if (i.path("status").asText().equals("resolved")) continue;
            int status = remote.post("/v1/incidents/" + i.get("id").textValue() + "/resolve",
                    Json.MAPPER.createObjectNode().put("note", note).toString());
            if (status == 200) resolved++;
            else if (status != 409) problems.add("resolving incident " + i.get("id").textValue() + " answered " + status);
        }
        return resolved;
    }

    private String agent(String name) {
        return name + "-drill-" + runId;
    }

    private Result run(DrillFile.Case c, int index, Target target) throws InterruptedException {
        List<DrillFile.Step> steps = new ArrayList<>(c.inject());
        steps.sort(Comparator.comparing(s -> Durations.parse(s.at())));
        if (!target.embedded()) {
            String skip = needsEmbedded(steps);
            if (skip != null) return new Result(c.name(), true, true, skip, null, null);
        }
        Instant base = target.embedded() ? null : eventTimeBase(steps, target.now());
        Set<String> agents = agentsOf(c, index);
        Duration elapsed = Duration.ZERO;
        List<String> problems = new ArrayList<>();
        for (DrillFile.Step step : steps) {
            Duration at = Durations.parse(step.at());
            if (at.compareTo(elapsed) > 0) {
                // Embedded, the virtual clock moves; against a running server, only silence takes real time.
                if (target.embedded() || Boolean.TRUE.equals(step.advance())) target.advance(at.minus(elapsed));
                elapsed = at;
            }
            String problem = inject(step, target, c.expect().httpStatus(), base == null ? null : base.plus(at));
            if (problem != null) {
                if (problem.startsWith("skipped")) return new Result(c.name(), true, true, problem, null, null);
                problems.add(problem);
            }
        }
        if (!problems.isEmpty()) return new Result(c.name(), false, false, String.join("; ", problems), null, null);
        return check(c, index, agents, target);
    }

    /** Why a case cannot run against a running server, checked before it sends anything; null when it can. */
    private String needsEmbedded(List<DrillFile.Step> steps) {
        Duration previous = Duration.ZERO;
        for (DrillFile.Step step : steps) {
            Duration at = Durations.parse(step.at());
            if (step.channelFails() != null) {
                return "skipped: no channel that the drill can make fail on a running server (embedded, it brings its own)";
            }
            if (Boolean.TRUE.equals(step.advance()) && at.minus(previous).compareTo(LONGEST_REAL_WAIT) > 0) {
                return "skipped: needs the embedded virtual clock (" + Durations.format(at.minus(previous))
                        + " of silence would pass in real time)";
            }
            previous = at;
            for (String agent : stepAgents(step)) {
                JsonNode entry = registered.get(agent);
                if (entry == null) continue;
                ObjectNode fields = entry.deepCopy();
                fields.remove("id");
                return "skipped: needs the registry entry the drill file gives " + agent + " (" + fields.toString().replaceAll("[{}\"]", "")
                        .replace(":", ": ").replace(",", ", ") + "), which a running server has for no drill agent";
            }
        }
        return null;
    }

    /**
     * The {@code ts} of a case's time zero against a running server: the hour before its last
     * injection would be now, so every injection is stamped in the past, at its {@code at}.
     */
    private static Instant eventTimeBase(List<DrillFile.Step> steps, Instant now) {
        Duration span = Duration.ZERO;
        for (DrillFile.Step s : steps) {
            Duration end = Durations.parse(s.at());
            if (s.flood() != null) end = end.plus(Durations.parse(s.flood().duration()));
            if (end.compareTo(span) > 0) span = end;
        }
        return now.minus(span).truncatedTo(ChronoUnit.HOURS);
    }

    /** The agents a step sends as, by their names in the drill file. */
    private static List<String> stepAgents(DrillFile.Step step) {
        List<String> out = new ArrayList<>();
        if (step.event() != null) out.add(step.event().path("agent").asText("drill-agent"));
        if (step.flood() != null && step.flood().event() != null) out.add(step.flood().event().path("agent").asText("drill-agent"));
        if (step.answerRetry() != null) out.add(step.answerRetry().agent());
        return out;
    }

    /** The run's ids of every agent a case sends as, its marker included. */
    private Set<String> agentsOf(DrillFile.Case c, int index) {
        Set<String> out = new LinkedHashSet<>();
        for (DrillFile.Step s : c.inject()) stepAgents(s).forEach(a -> out.add(agent(a)));
        out.add(agent(marker(index)));
        return out;
    }

    private static String marker(int index) {
        return "marker-" + index;
    }

    /**
     * Sends one injection; returns what went wrong, or null.
     *
     * @param ts the events' time against a running server (null: the target's clock stamps them)
     */
    private String inject(DrillFile.Step step, Target target, Integer expectedStatus, Instant ts) throws InterruptedException {
        if (step.event() != null) return expectStatus(target.post("/v1/events", drillEvent(step.event(), ts).toString()), expectedStatus, "event");
        if (step.malformed() != null) return expectStatus(target.post("/v1/events", step.malformed()), expectedStatus, "malformed body");
        if (step.channelFails() != null) {
            return target.failChannel(step.channelFails()) ? null : "skipped: no channel that the drill can make fail on this target";
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
            return expectStatus(target.post("/v1/events", drillEvent(answer, ts).toString()), null, "retry answer");
        }
        if (step.flood() != null) {
            DrillFile.Flood f = step.flood();
            Duration length = Durations.parse(f.duration());
            long total = f.eventsPerSecond() * length.toSeconds();
            StringBuilder batch = new StringBuilder();
            int inBatch = 0;
            for (long i = 0; i < total; i++) {
                Instant t = ts == null ? null : ts.plusMillis(i * 1000 / f.eventsPerSecond());
                batch.append(inBatch == 0 ? "[" : ",").append(drillEvent(f.event(), t));
                if (++inBatch == 100 || i == total - 1) {
                    String problem = expectStatus(target.post("/v1/events", batch.append(']').toString()), expectedStatus, "flood");
                    if (problem != null && expectedStatus == null) return problem;
                    batch.setLength(0);
                    inBatch = 0;
                }
            }
            if (target.embedded()) target.advance(length); // against a running server the events carry their times
            return null;
        }
        return null; // advance: only the time passes
    }

    private static String expectStatus(int status, Integer expected, String what) {
        if (expected == null) return status / 100 == 2 ? null : what + " answered " + status + ", expected 2xx";
        return status == expected ? null : what + " answered " + status + ", expected " + expected;
    }

    private ObjectNode drillEvent(JsonNode template, Instant ts) {
        ObjectNode e = template.deepCopy();
        String agent = agent(e.path("agent").asText("drill-agent"));
        e.put("agent", agent);
        if (ts != null && !e.has("ts")) e.put("ts", ts.toString());
        ObjectNode attrs = e.has("attrs") ? (ObjectNode) e.get("attrs") : e.putObject("attrs");
        attrs.put("drill", true);
        synchronized (this) {
            sent.add(agent);
        }
        return e;
    }

    private Result check(DrillFile.Case c, int index, Set<String> agents, Target target) throws InterruptedException {
        Duration within = Durations.parse(c.within());
        long start = System.nanoTime();
        long wallDeadline = start + within.toNanos() + Duration.ofSeconds(10).toNanos();
        java.time.Instant deadline = target.now().plus(within).plusSeconds(10);
        Long detected = null;
        if (c.expect().noIncident() || c.expect().incidents().isEmpty()) {
            // A marker proves detection has processed everything injected before it: a low-severity
            // incident (suboptimal-decision: logged, nothing paused, nobody told) of an agent of its own.
            String marker = agent(marker(index));
            target.post("/v1/events", drillEvent(Json.MAPPER.createObjectNode().put("agent", marker(index)).put("kind", "decision")
                    .set("flags", Json.MAPPER.createArrayNode().add("suboptimal")), null).toString());
            target.settle();
            while (incidents(target, Set.of(marker)).isEmpty()) {
                if (target.embedded() || System.nanoTime() > wallDeadline) {
                    return new Result(c.name(), false, false, "detection did not catch up in time", null, null);
                }
                target.settle();
            }
            List<String> unexpected = incidents(target, agents).stream().filter(i -> !i.get("agent").textValue().equals(marker))
                    .map(i -> i.get("rule").textValue() + " for " + i.get("agent").textValue()).toList();
            if (c.expect().noIncident() && !unexpected.isEmpty()) {
                return new Result(c.name(), false, false, "expected no incident, got " + unexpected, null, null);
            }
            return new Result(c.name(), true, false, "ok", null, null);
        }
        List<String> missing = List.of();
        target.settle();
        while (target.embedded() ? !target.now().isAfter(deadline) : System.nanoTime() < wallDeadline) {
            List<JsonNode> all = incidents(target, agents);
            List<String> notYetDetected = new ArrayList<>();
            List<String> noChannel = new ArrayList<>();
            List<String> checked = new ArrayList<>();
            missing = new ArrayList<>();
            for (DrillFile.ExpectedIncident x : c.expect().incidents()) {
                JsonNode found = all.stream().filter(i -> matches(i, x)).findFirst().orElse(null);
                if (found == null) {
                    notYetDetected.add(describe(x));
                    continue;
                }
                missing.addAll(unmet(found, x, noChannel, checked));
            }
            if (notYetDetected.isEmpty() && detected == null) detected = System.nanoTime();
            if (notYetDetected.isEmpty() && missing.isEmpty()) {
                long detectionMs = (detected - start) / 1_000_000;
                long actionMs = (System.nanoTime() - detected) / 1_000_000;
                if (actionMs > within.toMillis()) {
                    return new Result(c.name(), false, false, "actions took " + actionMs + " ms, more than " + c.within(), detectionMs, actionMs);
                }
                if (!noChannel.isEmpty()) {
                    return new Result(c.name(), true, true, "skipped: no channel for " + String.join(", ", noChannel)
                            + " (give a channel `drill: true` to check it); the rest passed"
                            + (checked.isEmpty() ? "" : ": " + String.join(", ", checked) + " completed"), detectionMs, actionMs);
                }
                return new Result(c.name(), true, false, "ok", detectionMs, actionMs);
            }
            if (!notYetDetected.isEmpty()) missing = List.of("no incident " + String.join(", ", notYetDetected)
                    + " (got " + all.stream().map(i -> i.get("rule").textValue() + "/" + i.get("severity").textValue()).toList() + ")");
            if (target.embedded()) target.advance(Duration.ofSeconds(1));
            else target.settle();
        }
        return new Result(c.name(), false, false, String.join("; ", missing), detected == null ? null : (detected - start) / 1_000_000, null);
    }

    private boolean matches(JsonNode incident, DrillFile.ExpectedIncident x) {
        return (x.rule() == null || x.rule().equals(incident.get("rule").textValue()))
                && (x.agent() == null || agent(x.agent()).equals(incident.get("agent").textValue()));
    }

    /**
     * What the found incident lacks: severity, status, escalation, completed actions. An expected
     * action the target skipped for want of a channel goes to {@code noChannel} (as the timeline
     * says it) instead; completed ones to {@code completed}.
     */
    private static List<String> unmet(JsonNode incident, DrillFile.ExpectedIncident x, List<String> noChannel, List<String> completed) {
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
            String skippedForChannel = null;
            for (JsonNode t : incident.get("timeline")) {
                String type = t.get("type").textValue();
                String detail = t.path("detail").asText("");
                if (!detail.startsWith(action)) continue;
                if (type.equals("action_succeeded")) done = true;
                if (type.equals("action_skipped") && (detail.contains("channel") || detail.contains("takes no drills"))) {
                    skippedForChannel = detail;
                }
            }
            if (done) completed.add(action);
            else if (skippedForChannel != null) noChannel.add(skippedForChannel);
            else unmet.add(rule + ": action " + action + " not completed");
        }
        return unmet;
    }

    private static String describe(DrillFile.ExpectedIncident x) {
        return (x.rule() == null ? "of any rule" : x.rule()) + (x.severity() == null ? "" : " (" + x.severity() + ")");
    }

    /** The incidents of these agents, newest first. */
    private static List<JsonNode> incidents(Target target, Set<String> agents) {
        List<JsonNode> out = new ArrayList<>();
        for (String agent : agents) {
            target.get("/v1/incidents?limit=1000&agent=" + URLEncoder.encode(agent, StandardCharsets.UTF_8)).path("incidents").forEach(out::add);
        }
        out.sort(Comparator.comparing((JsonNode i) -> i.path("detected_at").asText()).reversed());
        return out;
    }
}
