package dev.vigil.detect;

/**
 * Where a rule keeps state for one group: the rule id and the group's values, joined as
 * {@code agent=billing-bot,task=refund-4471}.
 */
public record StateKey(String rule, String group) {}
