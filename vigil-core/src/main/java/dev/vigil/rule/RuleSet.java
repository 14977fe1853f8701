package dev.vigil.rule;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The active rules: the built-in default pack, then each configured file in order; a rule
 * with the id of an earlier one replaces it (so a file can tune or disable a default rule).
 * Immutable; a reload builds a new set.
 */
public final class RuleSet {
    public static final String BUILTIN = "builtin";
    private static final String DEFAULT_PACK = "/dev/vigil/rule/default-rules.yaml";

    private final Map<String, Rule> rules;

    private RuleSet(Map<String, Rule> rules) {
        this.rules = rules;
    }

    /** Every rule, enabled or not, in load order. */
    public List<Rule> all() {
        return List.copyOf(rules.values());
    }

    public List<Rule> enabled() {
        return rules.values().stream().filter(Rule::enabled).toList();
    }

    public Rule get(String id) {
        return rules.get(id);
    }

    /** A set, or the errors that prevent one. */
    public record Loaded(RuleSet rules, List<RuleError> errors) {
        public boolean ok() {
            return errors.isEmpty();
        }
    }

    /** The default pack followed by {@code files}; any error in any file fails the whole load. */
    public static Loaded load(List<Path> files) {
        List<RuleParser.Result> parsed = new ArrayList<>();
        parsed.add(RuleParser.parse(BUILTIN, defaultPackText()));
        for (Path file : files) {
            try {
                parsed.add(RuleParser.parse(file.toString(), Files.readString(file)));
            } catch (IOException e) {
                parsed.add(new RuleParser.Result(List.of(), List.of(new RuleError(file.toString(), "-", null, "cannot read: " + e.getMessage()))));
            }
        }
        return combine(parsed);
    }

    /** Parses texts given directly, after the default pack; for validation of posted rules. */
    public static Loaded combine(List<RuleParser.Result> parsed) {
        Map<String, Rule> rules = new LinkedHashMap<>();
        List<RuleError> errors = new ArrayList<>();
        for (RuleParser.Result r : parsed) {
            errors.addAll(r.errors());
            for (Rule rule : r.rules()) {
                rules.remove(rule.id()); // an override takes the overriding file's place in the order
                rules.put(rule.id(), rule);
            }
        }
        return new Loaded(errors.isEmpty() ? new RuleSet(rules) : null, List.copyOf(errors));
    }

    public static RuleSet of(List<Rule> rules) {
        Map<String, Rule> map = new LinkedHashMap<>();
        rules.forEach(r -> map.put(r.id(), r));
        return new RuleSet(map);
    }

    public static String defaultPackText() {
        try (InputStream in = RuleSet.class.getResourceAsStream(DEFAULT_PACK)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException | NullPointerException e) {
            throw new IllegalStateException("the default rule pack is missing from the jar", e);
        }
    }
}
