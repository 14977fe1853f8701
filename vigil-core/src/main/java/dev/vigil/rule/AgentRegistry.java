package dev.vigil.rule;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The agents declared in {@code vigil.yaml}; any other agent is {@link AgentProfile#unlisted}.
 * The CEL value of each declared agent is built once; an unlisted agent's is one small map.
 */
public final class AgentRegistry implements Function<String, Map<String, Object>> {
    private final Map<String, AgentProfile> profiles = new HashMap<>();
    private final Map<String, Map<String, Object>> cel = new HashMap<>();

    public AgentRegistry(List<AgentProfile> declared) {
        for (AgentProfile p : declared) {
            profiles.put(p.id(), p);
            cel.put(p.id(), Map.copyOf(p.toCel()));
        }
    }

    /** The declared agents' ids. */
    public java.util.Set<String> ids() {
        return java.util.Collections.unmodifiableSet(profiles.keySet());
    }

    public AgentProfile profile(String id) {
        return profiles.getOrDefault(id, AgentProfile.unlisted(id));
    }

    /** The CEL value of {@code agent} for this id. */
    @Override
    public Map<String, Object> apply(String id) {
        Map<String, Object> declared = cel.get(id);
        return declared != null ? declared : Map.of("id", id, "labels", Map.of());
    }
}
