package dev.vigil.incident;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Incidents in memory: for {@code vigil replay} and drills, which must touch no database. */
public final class InMemoryIncidentStore implements IncidentStore {
    private final Map<String, Incident> byId = new LinkedHashMap<>();

    @Override
    public synchronized Optional<Incident> findActive(String fingerprint) {
        return byId.values().stream().filter(i -> i.active() && i.fingerprint().equals(fingerprint)).findFirst();
    }

    @Override
    public synchronized Optional<Incident> get(String id) {
        return Optional.ofNullable(byId.get(id));
    }

    @Override
    public synchronized void save(Incident incident) {
        byId.put(incident.id(), incident);
    }

    @Override
    public synchronized Page list(Query q) {
        List<Incident> all = new ArrayList<>(byId.values().stream()
                .filter(i -> q.status() == null || i.status() == q.status())
                .filter(i -> q.severity() == null || i.severity() == q.severity())
                .filter(i -> q.agent() == null || i.agent().equals(q.agent()))
                .filter(i -> q.rule() == null || i.rule().equals(q.rule()))
                .filter(i -> q.since() == null || !i.detectedAt().isBefore(q.since()))
                .filter(i -> q.before() == null || i.detectedAt().isBefore(q.before()))
                .sorted(Comparator.comparing(Incident::detectedAt).thenComparing(Incident::id).reversed())
                .toList());
        int from = q.cursor() == null ? 0 : Integer.parseInt(q.cursor());
        int to = Math.min(all.size(), from + q.limit());
        return new Page(List.copyOf(all.subList(Math.min(from, to), to)), to < all.size() ? Integer.toString(to) : null);
    }

    @Override
    public synchronized Map<String, Integer> countByRule(boolean activeOnly, Instant since) {
        Map<String, Integer> counts = new HashMap<>();
        for (Incident i : byId.values()) {
            if ((!activeOnly || i.active()) && (since == null || !i.detectedAt().isBefore(since))) counts.merge(i.rule(), 1, Integer::sum);
        }
        return counts;
    }

    /** Every incident, in the order they were opened. */
    public synchronized List<Incident> all() {
        return List.copyOf(byId.values());
    }
}
