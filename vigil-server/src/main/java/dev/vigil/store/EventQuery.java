package dev.vigil.store;

import java.time.Instant;

/**
 * A page request over the event log. Null fields do not filter.
 *
 * @param since  inclusive lower bound on {@code ts}
 * @param until  exclusive upper bound on {@code ts}
 * @param cursor where the previous page stopped, from {@link EventPage#nextCursor()}
 */
public record EventQuery(String agent, String run, String task, String kind,
                         Instant since, Instant until, int limit, EventPage.Cursor cursor) {}
