package dev.vigil.api;

import dev.vigil.incident.Incident;
import dev.vigil.incident.IncidentStore;
import java.util.List;
import java.util.function.Consumer;

/** Pages through every incident a query matches, for the routes that aggregate over incidents. */
final class IncidentPages {
    private static final int PAGE = 1000;

    private IncidentPages() {}

    /** Every incident matching the query's filters; its limit and cursor are ignored. */
    static void forEach(IncidentStore store, IncidentStore.Query query, Consumer<Incident> each) {
        String cursor = null;
        do {
            IncidentStore.Page page = store.list(new IncidentStore.Query(query.status(), query.severity(), query.agent(),
                    query.rule(), query.since(), query.before(), PAGE, cursor));
            page.incidents().forEach(each);
            cursor = page.nextCursor();
        } while (cursor != null);
    }

    /** Open and acknowledged incidents: the ones someone still has to deal with. */
    static void forEachActive(IncidentStore store, Consumer<Incident> each) {
        for (Incident.Status status : List.of(Incident.Status.OPEN, Incident.Status.ACKNOWLEDGED)) {
            forEach(store, new IncidentStore.Query(status, null, null, null, null, PAGE, null), each);
        }
    }
}
