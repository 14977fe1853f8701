package dev.vigil.playbook;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.rule.Rule;
import dev.vigil.rule.Severity;
import dev.vigil.time.Durations;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The playbook of each severity, and of each rule that overrides its severity's. Built-in
 * defaults follow DESIGN §2; {@code playbooks:} in {@code vigil.yaml} replaces a severity's list.
 * Parsing is strict: every problem names its path, such as
 * {@code playbooks.critical[1].notify.channels: unknown channel 'pager'}.
 */
public final class Playbooks {
    private final Map<Severity, List<Action>> bySeverity;
    private final Map<String, List<Action>> byRule;

    private Playbooks(Map<Severity, List<Action>> bySeverity, Map<String, List<Action>> byRule) {
        this.bySeverity = bySeverity;
        this.byRule = byRule;
    }

    /** The actions for an incident of this rule at this severity. */
    public List<Action> forIncident(String rule, Severity severity) {
        List<Action> own = byRule.get(rule);
        return own != null ? own : bySeverity.get(severity);
    }

    public List<Action> forSeverity(Severity severity) {
        return bySeverity.get(severity);
    }

    /** The built-in playbooks; {@code ticketChannel} is the first ticket channel, or null. */
    public static Map<Severity, List<Action>> defaults(String ticketChannel) {
        Map<Severity, List<Action>> d = new EnumMap<>(Severity.class);
        List<Action> critical = new ArrayList<>(List.of(new Action.PauseAgent(), new Action.Notify(List.of(), false)));
        if (ticketChannel != null) critical.add(new Action.CreateTicket(ticketChannel));
        d.put(Severity.CRITICAL, List.copyOf(critical));
        d.put(Severity.HIGH, List.of(new Action.Notify(List.of(), true),
                new Action.Retry(Map.of("temperature", new Action.ParamChange(0.5, null),
                        "max_context_tokens", new Action.ParamChange(2.0, null)), Duration.ofMinutes(2))));
        d.put(Severity.MEDIUM, List.of(new Action.Monitor("verbose", Duration.ofHours(1)),
                new Action.Batch(Duration.ofMinutes(15), List.of())));
        d.put(Severity.LOW, List.of(new Action.Log(), new Action.Aggregate("weekly")));
        return d;
    }

    /** The configuration's playbooks over the defaults, plus the rules' overrides; or every error. */
    public static Loaded load(Map<String, JsonNode> configured, List<Rule> rules, Set<String> channels, String ticketChannel) {
        List<String> errors = new ArrayList<>();
        Map<Severity, List<Action>> bySeverity = defaults(ticketChannel);
        configured.forEach((severity, list) -> {
            Severity s = Severity.fromWire(severity);
            if (s == null) errors.add("playbooks." + severity + ": not a severity; use critical, high, medium or low");
            else bySeverity.put(s, parse("playbooks." + severity, list, channels, errors));
        });
        Map<String, List<Action>> byRule = new LinkedHashMap<>();
        for (Rule r : rules) {
            if (r.playbook() != null) byRule.put(r.id(), parse("rule '" + r.id() + "' playbook", r.playbook(), channels, errors));
        }
        return new Loaded(errors.isEmpty() ? new Playbooks(bySeverity, byRule) : null, List.copyOf(errors));
    }

    public record Loaded(Playbooks playbooks, List<String> errors) {}

    static List<Action> parse(String path, JsonNode list, Set<String> channels, List<String> errors) {
        List<Action> actions = new ArrayList<>();
        if (list == null || !list.isArray()) {
            errors.add(path + ": a playbook is a list of actions, such as [{pause_agent: {}}, {notify: {channels: [slack]}}]");
            return actions;
        }
        for (int i = 0; i < list.size(); i++) {
            JsonNode step = list.get(i);
            String at = path + "[" + i + "]";
            if (!step.isObject() || step.size() != 1) {
                errors.add(at + ": each action is a map with one key, the action's name");
                continue;
            }
            String name = step.fieldNames().next();
            JsonNode o = step.get(name);
            if (o.isNull()) o = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
            Options opts = new Options(at + "." + name, o, errors);
            Action action = switch (name) {
                case "pause_agent" -> {
                    opts.known();
                    yield new Action.PauseAgent();
                }
                case "resume_agent" -> {
                    opts.known();
                    yield new Action.ResumeAgent();
                }
                case "notify" -> {
                    opts.known("channels", "non_paging");
                    yield new Action.Notify(opts.channels("channels", channels), opts.bool("non_paging"));
                }
                case "create_ticket" -> {
                    opts.known("channel");
                    String channel = opts.text("channel");
                    if (channel != null && !channels.contains(channel)) errors.add(at + ".create_ticket.channel: unknown channel '" + channel + "'");
                    yield new Action.CreateTicket(channel);
                }
                case "retry" -> {
                    Map<String, Action.ParamChange> params = new LinkedHashMap<>();
                    Duration timeout = Duration.ofMinutes(2);
                    for (Map.Entry<String, JsonNode> p : o.properties()) {
                        if (p.getKey().equals("timeout")) {
                            timeout = opts.duration("timeout");
                        } else if (p.getValue().isObject() && p.getValue().has("multiply") && p.getValue().get("multiply").isNumber()) {
                            params.put(p.getKey(), new Action.ParamChange(p.getValue().get("multiply").doubleValue(), null));
                        } else if (p.getValue().isObject() && p.getValue().has("set")) {
                            params.put(p.getKey(), new Action.ParamChange(null, value(p.getValue().get("set"))));
                        } else if (p.getValue().isValueNode()) {
                            params.put(p.getKey(), new Action.ParamChange(null, value(p.getValue())));
                        } else {
                            errors.add(at + ".retry." + p.getKey() + ": use {multiply: 0.5}, {set: value} or a plain value");
                        }
                    }
                    yield new Action.Retry(Map.copyOf(params), timeout);
                }
                case "escalate" -> {
                    opts.known("to");
                    String to = opts.text("to");
                    Severity s = to == null ? Severity.MEDIUM : Severity.fromWire(to);
                    if (s == null) errors.add(at + ".escalate.to: not a severity: '" + to + "'");
                    yield new Action.Escalate(s == null ? Severity.MEDIUM : s);
                }
                case "monitor" -> {
                    opts.known("level", "for");
                    String level = opts.text("level");
                    if (level != null && !level.equals("verbose") && !level.equals("normal")) {
                        errors.add(at + ".monitor.level: must be verbose or normal");
                    }
                    yield new Action.Monitor(level == null ? "verbose" : level, o.has("for") ? opts.duration("for") : Duration.ofHours(1));
                }
                case "batch" -> {
                    opts.known("every", "channels");
                    yield new Action.Batch(o.has("every") ? opts.duration("every") : Duration.ofMinutes(15), opts.channels("channels", channels));
                }
                case "aggregate" -> {
                    opts.known("report");
                    String report = opts.text("report");
                    if (report != null && !report.equals("weekly")) errors.add(at + ".aggregate.report: only weekly is supported");
                    yield new Action.Aggregate("weekly");
                }
                case "log" -> {
                    opts.known();
                    yield new Action.Log();
                }
                default -> {
                    errors.add(at + ": unknown action '" + name + "'; actions are pause_agent, resume_agent, notify, create_ticket, retry, escalate, monitor, batch, aggregate, log");
                    yield null;
                }
            };
            if (action != null) actions.add(action);
        }
        return List.copyOf(actions);
    }

    private static Object value(JsonNode v) {
        if (v.isIntegralNumber()) return v.longValue();
        if (v.isNumber()) return v.doubleValue();
        if (v.isBoolean()) return v.booleanValue();
        return v.asText();
    }

    /** The options of one action, each problem reported with the action's path. */
    private record Options(String path, JsonNode o, List<String> errors) {
        void known(String... names) {
            if (!o.isObject()) {
                errors.add(path + ": options are a map, such as {}");
                return;
            }
            Set<String> known = Set.of(names);
            o.fieldNames().forEachRemaining(n -> {
                if (!known.contains(n)) errors.add(path + "." + n + ": unknown option" + (names.length == 0 ? "; this action takes none" : "; it takes " + String.join(", ", names)));
            });
        }

        String text(String name) {
            JsonNode v = o.get(name);
            if (v == null || v.isNull()) return null;
            if (!v.isTextual()) {
                errors.add(path + "." + name + ": must be a string");
                return null;
            }
            return v.textValue();
        }

        boolean bool(String name) {
            JsonNode v = o.get(name);
            if (v == null) return false;
            if (!v.isBoolean()) errors.add(path + "." + name + ": must be true or false");
            return v.asBoolean(false);
        }

        Duration duration(String name) {
            try {
                return Durations.parse(o.path(name).asText());
            } catch (IllegalArgumentException e) {
                errors.add(path + "." + name + ": " + e.getMessage());
                return Duration.ofMinutes(1);
            }
        }

        List<String> channels(String name, Set<String> configured) {
            JsonNode v = o.get(name);
            if (v == null) return List.of();
            if (!v.isArray()) {
                errors.add(path + "." + name + ": must be a list of channel names");
                return List.of();
            }
            List<String> out = new ArrayList<>();
            for (JsonNode c : v) {
                if (!configured.contains(c.asText())) errors.add(path + "." + name + ": unknown channel '" + c.asText() + "'");
                out.add(c.asText());
            }
            return List.copyOf(out);
        }
    }
}
