package dev.vigil.rule;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.vigil.time.Durations;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads a rule file ({@code rules: [...]}) strictly, collecting every problem with its file,
 * rule id and field rather than stopping at the first, so one {@code vigil rules check} run
 * shows them all. A rule with any error is left out of the result.
 */
public final class RuleParser {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");
    private static final Set<String> FIELDS = Set.of("id", "title", "description", "severity", "category", "match",
            "group_by", "labels", "runbook", "example", "dry_run", "playbook", "enabled",
            "count", "rate", "sum", "surge", "repeat", "sequence", "absent");
    private static final List<String> PRIMITIVES = List.of("count", "rate", "sum", "surge", "repeat", "sequence", "absent");

    /** Longest rate baseline, in windows: bounds the slices kept per group. */
    private static final int MAX_BASELINE_WINDOWS = 144;

    /** The rules of one file that are valid, and the errors of those that are not. */
    public record Result(List<Rule> rules, List<RuleError> errors) {}

    private RuleParser() {}

    public static Result parse(String file, String yaml) {
        List<Rule> rules = new ArrayList<>();
        List<RuleError> errors = new ArrayList<>();
        JsonNode root;
        try {
            root = YAML.readTree(yaml);
        } catch (Exception e) {
            errors.add(new RuleError(file, "-", null, "not valid YAML: " + firstLine(e.getMessage())));
            return new Result(rules, errors);
        }
        if (root == null || root.isMissingNode() || root.isNull()) return new Result(rules, errors);
        if (!root.isObject() || !root.has("rules") || !root.get("rules").isArray()) {
            errors.add(new RuleError(file, "-", null, "a rule file is a map with a list under 'rules:'"));
            return new Result(rules, errors);
        }
        root.fieldNames().forEachRemaining(name -> {
            if (!name.equals("rules")) errors.add(new RuleError(file, "-", name, "unknown top-level key; only 'rules' is allowed"));
        });
        Set<String> ids = new HashSet<>();
        JsonNode list = root.get("rules");
        for (int i = 0; i < list.size(); i++) {
            Reader r = new Reader(file, "rules[" + i + "]", list.get(i), errors);
            Rule rule = r.rule();
            if (rule != null && !ids.add(rule.id())) {
                errors.add(new RuleError(file, rule.id(), "id", "defined twice in this file"));
            } else if (rule != null) {
                rules.add(rule);
            }
        }
        return new Result(rules, errors);
    }

    /** Reads one rule; every accessor records an error and returns null (or a default) on failure. */
    private static final class Reader {
        private final String file;
        private String rule;
        private final JsonNode node;
        private final List<RuleError> errors;
        private final int errorsBefore;

        Reader(String file, String position, JsonNode node, List<RuleError> errors) {
            this.file = file;
            this.rule = position;
            this.node = node;
            this.errors = errors;
            this.errorsBefore = errors.size();
        }

        Rule rule() {
            if (!(node instanceof ObjectNode)) {
                error(null, "a rule is a map of fields");
                return null;
            }
            String id = text(node, "id", true);
            if (id != null) {
                if (ID.matcher(id).matches()) rule = id;
                else error("id", "'" + id + "' must be lower-case letters, digits, '.', '_' or '-' (at most 64)");
            }
            node.fieldNames().forEachRemaining(name -> {
                if (!FIELDS.contains(name)) error(name, "unknown field; known fields are " + String.join(", ", FIELDS.stream().sorted().toList()));
            });
            String title = text(node, "title", false);
            String severityText = text(node, "severity", true);
            Severity severity = severityText == null ? null : Severity.fromWire(severityText);
            if (severityText != null && severity == null) error("severity", "unknown severity '" + severityText + "'; expected critical, high, medium or low");
            String categoryText = text(node, "category", true);
            Category category = categoryText == null ? null : Category.fromWire(categoryText);
            if (categoryText != null && category == null) {
                error("category", "unknown category '" + categoryText + "'; expected one of "
                        + String.join(", ", java.util.Arrays.stream(Category.values()).map(Category::wire).toList()));
            }
            String matchText = node.has("match") ? text(node, "match", true) : "true";
            Expression match = matchText == null ? null : cel("match", matchText, Cel.Result.BOOL);
            List<GroupField> groupBy = fields("group_by", node.get("group_by"), List.of(GroupField.parse("agent")));
            Primitive primitive = primitive(groupBy);
            Map<String, String> labels = labels();
            boolean dryRun = bool("dry_run", false);
            boolean enabled = bool("enabled", true);
            JsonNode playbook = node.get("playbook");
            if (errors.size() > errorsBefore) return null;
            return new Rule(id, title == null ? id : title, text(node, "description", false), severity, category, match,
                    groupBy, primitive, labels, text(node, "runbook", false), text(node, "example", false), dryRun,
                    playbook, enabled, file, digest(node));
        }

        private Primitive primitive(List<GroupField> groupBy) {
            List<String> present = PRIMITIVES.stream().filter(node::has).toList();
            if (present.size() > 1) {
                error(present.get(1), "a rule has at most one primitive; this one also has " + present.get(0));
                return null;
            }
            if (present.isEmpty()) return new Primitive.PerEvent();
            String name = present.get(0);
            JsonNode options = node.get(name);
            if (!options.isObject()) {
                error(name, "must be a map of options");
                return null;
            }
            Options o = new Options(name, options);
            Primitive p = switch (name) {
                case "count" -> {
                    o.known("at_least", "within");
                    yield new Primitive.Count(o.positiveInt("at_least"), o.duration("within"));
                }
                case "rate" -> {
                    o.known("above", "above_baseline", "of", "within", "min_events");
                    if (!o.has("above") && !o.has("above_baseline")) {
                        error("rate", "needs above (a share, such as 0.3), above_baseline (relative to the group's own recent share), or both");
                    }
                    double above = o.has("above") ? o.number("above", true) : 0;
                    if (above >= 1) error("rate.above", "is a share between 0 and 1, such as 0.3");
                    String of = o.text("of", false);
                    Duration within = o.duration("within");
                    if (within.toMillis() % Primitive.Rate.SLICES_PER_WINDOW != 0 && o.has("above_baseline")) {
                        error("rate.within", "must be a multiple of 10ms with above_baseline: the baseline is kept in tenths of the window");
                    }
                    int minEvents = o.has("min_events") ? o.positiveInt("min_events") : 1;
                    yield new Primitive.Rate(above, cel("rate.of", of == null ? "true" : of, Cel.Result.BOOL),
                            within, minEvents, o.has("above_baseline") ? baseline(options.get("above_baseline"), within, minEvents) : null);
                }
                case "sum" -> {
                    o.known("value", "above", "above_budget", "within");
                    Expression value = o.expression("value", Cel.Result.NUMBER);
                    Double above = o.has("above") ? o.number("above", true) : null;
                    Expression budget = o.has("above_budget") ? o.expression("above_budget", Cel.Result.NUMBER) : null;
                    if ((above == null) == (budget == null)) error("sum", "needs exactly one of above or above_budget");
                    yield new Primitive.Sum(value, above, budget, o.duration("within"));
                }
                case "surge" -> {
                    o.known("value", "aggregate", "window", "factor", "baseline_windows", "min_baseline");
                    String aggregate = o.has("aggregate") ? o.text("aggregate", true) : "sum";
                    Primitive.Aggregate agg = "mean".equals(aggregate) ? Primitive.Aggregate.MEAN : Primitive.Aggregate.SUM;
                    if (!"sum".equals(aggregate) && !"mean".equals(aggregate)) error("surge.aggregate", "must be sum or mean, not '" + aggregate + "'");
                    double factor = o.number("factor", true);
                    if (factor <= 1) error("surge.factor", "must be above 1 (how many times the baseline)");
                    Duration window = o.duration("window");
                    if (window.toMillis() % Primitive.Surge.SLICES_PER_WINDOW != 0) {
                        error("surge.window", "must be a multiple of 10ms: the sliding window moves in tenths of its length");
                    }
                    yield new Primitive.Surge(o.expression("value", Cel.Result.NUMBER), agg, window, factor,
                            o.positiveInt("baseline_windows"), o.has("min_baseline") ? o.number("min_baseline", false) : 0);
                }
                case "repeat" -> {
                    o.known("same", "at_least", "within", "in_run", "except");
                    if (!o.has("same")) error("repeat.same", "is required: the fields that make two actions identical, e.g. [tool, params]");
                    int atLeast = o.positiveInt("at_least");
                    int inRun = 0;
                    if (o.has("in_run")) {
                        inRun = o.positiveInt("in_run");
                        if (inRun < atLeast) error("repeat.in_run", "must be at least at_least (" + atLeast + "): it counts identical calls over the whole run");
                        if (!groupBy.contains(new GroupField("run"))) error("repeat.in_run", "needs run in group_by, so that each group is one run");
                    }
                    Expression except = o.has("except") ? o.expression("except", Cel.Result.BOOL) : null;
                    yield new Primitive.Repeat(fields("repeat.same", options.get("same"), List.of()), atLeast, o.duration("within"), inRun, except);
                }
                case "sequence" -> {
                    o.known("steps", "within");
                    JsonNode steps = options.get("steps");
                    List<Expression> compiled = new ArrayList<>();
                    if (steps == null || !steps.isArray() || steps.size() < 2) {
                        error("sequence.steps", "is required: a list of at least two CEL conditions, in order");
                    } else {
                        for (int i = 0; i < steps.size(); i++) {
                            if (!steps.get(i).isTextual()) error("sequence.steps[" + i + "]", "must be a CEL condition (a string)");
                            else compiled.add(cel("sequence.steps[" + i + "]", steps.get(i).textValue(), Cel.Result.BOOL));
                        }
                    }
                    yield new Primitive.Sequence(compiled, o.duration("within"));
                }
                case "absent" -> {
                    o.known("for");
                    yield new Primitive.Absent(o.duration("for"));
                }
                default -> throw new IllegalStateException(name);
            };
            return p;
        }

        /** {@code rate.above_baseline}: {factor, baseline, min_events}. */
        private Primitive.Baseline baseline(JsonNode node, Duration within, int rateMinEvents) {
            if (!node.isObject()) {
                error("rate.above_baseline", "must be a map: {factor: 3, baseline: 1h}, optionally with min_events");
                return null;
            }
            Options o = new Options("rate.above_baseline", node);
            o.known("factor", "baseline", "min_events");
            double factor = o.number("factor", true);
            if (o.has("factor") && factor <= 1) error("rate.above_baseline.factor", "must be above 1 (how many times the group's own share)");
            Duration span = o.duration("baseline");
            if (!o.has("baseline")) {
                span = within; // reported as required already
            } else if (span.compareTo(within) < 0) {
                error("rate.above_baseline.baseline", "must be at least rate.within (" + Durations.format(within) + ")");
            } else if (span.compareTo(within.multipliedBy(MAX_BASELINE_WINDOWS)) > 0) {
                error("rate.above_baseline.baseline", "must be at most " + MAX_BASELINE_WINDOWS + " times rate.within ("
                        + Durations.format(within.multipliedBy(MAX_BASELINE_WINDOWS)) + ")");
            }
            int minEvents = o.has("min_events") ? o.positiveInt("min_events") : rateMinEvents;
            return new Primitive.Baseline(factor, span, minEvents);
        }

        /** The options of one primitive, with field names reported as {@code primitive.option}. */
        private final class Options {
            private final String primitive;
            private final JsonNode options;

            Options(String primitive, JsonNode options) {
                this.primitive = primitive;
                this.options = options;
            }

            boolean has(String name) {
                return options.has(name) && !options.get(name).isNull();
            }

            void known(String... names) {
                Set<String> known = Set.of(names);
                options.fieldNames().forEachRemaining(n -> {
                    if (!known.contains(n)) error(primitive + "." + n, "unknown option; " + primitive + " takes " + String.join(", ", names));
                });
            }

            int positiveInt(String name) {
                JsonNode v = options.get(name);
                if (v == null) {
                    error(primitive + "." + name, "is required");
                    return 1;
                }
                if (!v.canConvertToInt() || !v.isIntegralNumber() || v.intValue() < 1) {
                    error(primitive + "." + name, "must be a whole number of at least 1, not " + v);
                    return 1;
                }
                return v.intValue();
            }

            double number(String name, boolean required) {
                JsonNode v = options.get(name);
                if (v == null) {
                    if (required) error(primitive + "." + name, "is required");
                    return 0;
                }
                if (!v.isNumber() || v.doubleValue() < 0) {
                    error(primitive + "." + name, "must be a number of at least 0, not " + v);
                    return 0;
                }
                return v.doubleValue();
            }

            String text(String name, boolean required) {
                return Reader.this.text(options, name, required, primitive + "." + name);
            }

            Duration duration(String name) {
                String text = Reader.this.text(options, name, true, primitive + "." + name);
                if (text == null) return Duration.ofMinutes(1);
                try {
                    Duration d = Durations.parse(text);
                    if (d.isZero()) error(primitive + "." + name, "must be longer than 0");
                    return d;
                } catch (IllegalArgumentException e) {
                    error(primitive + "." + name, e.getMessage());
                    return Duration.ofMinutes(1);
                }
            }

            Expression expression(String name, Cel.Result type) {
                JsonNode v = options.get(name);
                if (v != null && v.isNumber()) return cel(primitive + "." + name, v.asText(), type);
                String text = text(name, true);
                return text == null ? null : cel(primitive + "." + name, text, type);
            }
        }

        private Expression cel(String field, String text, Cel.Result type) {
            try {
                return Cel.compile(text, type);
            } catch (IllegalArgumentException e) {
                error(field, "CEL: " + e.getMessage());
                return null;
            }
        }

        private List<GroupField> fields(String field, JsonNode list, List<GroupField> absent) {
            if (list == null || list.isNull()) return absent;
            if (!list.isArray() || list.isEmpty()) {
                error(field, "must be a non-empty list of fields, e.g. [agent, task]");
                return absent;
            }
            List<GroupField> fields = new ArrayList<>();
            for (JsonNode f : list) {
                try {
                    fields.add(GroupField.parse(f.asText()));
                } catch (IllegalArgumentException e) {
                    error(field, e.getMessage());
                }
            }
            return List.copyOf(fields);
        }

        private Map<String, String> labels() {
            JsonNode labels = node.get("labels");
            if (labels == null) return Map.of();
            if (!labels.isObject()) {
                error("labels", "must be a map of names to values");
                return Map.of();
            }
            Map<String, String> out = new LinkedHashMap<>();
            labels.properties().forEach(e -> out.put(e.getKey(), e.getValue().asText()));
            return out;
        }

        private boolean bool(String field, boolean absent) {
            JsonNode v = node.get(field);
            if (v == null) return absent;
            if (!v.isBoolean()) {
                error(field, "must be true or false, not " + v);
                return absent;
            }
            return v.booleanValue();
        }

        private String text(JsonNode from, String field, boolean required) {
            return text(from, field, required, field);
        }

        private String text(JsonNode from, String field, boolean required, String reportAs) {
            JsonNode v = from.get(field);
            if (v == null || v.isNull()) {
                if (required) error(reportAs, "is required");
                return null;
            }
            if (!v.isTextual()) {
                error(reportAs, "must be a string, not " + v);
                return null;
            }
            return v.textValue();
        }

        private void error(String field, String message) {
            errors.add(new RuleError(file, rule, field, message));
        }
    }

    private static String digest(JsonNode node) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(node.toString().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(hash, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String firstLine(String message) {
        if (message == null) return "";
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }
}
