package dev.vigil.rule;

/**
 * One problem in a rule file.
 *
 * @param rule  the rule's id, or its position ({@code rules[3]}) when it has none
 * @param field the offending field, e.g. {@code count.within}
 */
public record RuleError(String file, String rule, String field, String message) {
    @Override
    public String toString() {
        return file + ": rule '" + rule + "'" + (field == null ? "" : ": " + field) + ": " + message;
    }
}
