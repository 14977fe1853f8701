package dev.vigil.incident;

import dev.vigil.rule.Severity;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/** Where incidents are kept: the server's database, or memory for replay. */
public interface IncidentStore {
    /** The open or acknowledged incident with this fingerprint, if any. */
    Optional<Incident> findActive(String fingerprint);

    Optional<Incident> get(String id);

    /** Inserts a new incident or replaces the stored one with the same id. */
    void save(Incident incident);

    /** Saves several at once; a database does it in one transaction. */
    default void saveAll(java.util.Collection<Incident> incidents) {
        for (Incident i : incidents) save(i);
    }

    /** Incidents matching the query, newest first by detection time. */
    Page list(Query query);

    /** Every incident matching the query's filters, a page at a time; its limit and cursor are ignored. */
    default void forEach(Query query, Consumer<Incident> each) {
        String cursor = null;
        do {
            Page page = list(new Query(query.status(), query.severity(), query.agent(), query.rule(), query.since(), query.before(),
                    1000, cursor));
            page.incidents().forEach(each);
            cursor = page.nextCursor();
        } while (cursor != null);
    }

    /** Open and acknowledged incidents: the ones someone still has to deal with. */
    default void forEachActive(Consumer<Incident> each) {
        for (Incident.Status status : List.of(Incident.Status.OPEN, Incident.Status.ACKNOWLEDGED)) {
            forEach(new Query(status, null, null, null, null, 0, null), each);
        }
    }

    /**
     * How many incidents each rule has, counted without loading them (a page that shows counts
     * must not read every incident's evidence). Rules without incidents are left out.
     *
     * @param activeOnly only open and acknowledged incidents
     * @param since      detected at or after; null for any time
     */
    Map<String, Integer> countByRule(boolean activeOnly, Instant since);

    /**
     * Filters; null does not filter.
     *
     * @param since  detected at or after
     * @param before detected before
     * @param cursor from the previous page's {@link Page#nextCursor()}
     */
    record Query(Incident.Status status, Severity severity, String agent, String rule, Instant since, Instant before, int limit,
                 String cursor) {
        /** Without an upper bound: up to now. */
        public Query(Incident.Status status, Severity severity, String agent, String rule, Instant since, int limit, String cursor) {
            this(status, severity, agent, rule, since, null, limit, cursor);
        }
    }

    record Page(List<Incident> incidents, String nextCursor) {}
}
