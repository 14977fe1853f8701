package dev.vigil.rule;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * An agent's registry entry from {@code vigil.yaml}, visible to rules as {@code agent}.
 * Unlisted agents get {@link #unlisted}: no allow-list, no budget.
 *
 * @param allowedTools null when the agent declares no allow-list (every tool is allowed)
 * @param budgetUsdPerDay null when the agent has no budget
 */
public record AgentProfile(String id, String owner, List<String> allowedTools, Double budgetUsdPerDay,
                           Map<String, String> labels) {

    public static AgentProfile unlisted(String id) {
        return new AgentProfile(id, null, null, null, Map.of());
    }

    /**
     * The CEL value of {@code agent}. Absent optional fields are absent keys, so rules test them
     * with {@code has(agent.allowed_tools)}.
     */
    public Map<String, Object> toCel() {
        Map<String, Object> m = new HashMap<>();
        m.put("id", id);
        if (owner != null) m.put("owner", owner);
        if (allowedTools != null) m.put("allowed_tools", allowedTools);
        if (budgetUsdPerDay != null) m.put("budget_usd_per_day", budgetUsdPerDay);
        m.put("labels", labels == null ? Map.of() : labels);
        return m;
    }
}
