package dev.vigil.store;

import dev.vigil.event.Event;
import dev.vigil.event.EventJson;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * An event ready to be written: its indexed columns and its stored JSON, already encoded as
 * UTF-8. Built on the request thread so serialization and encoding run in parallel, leaving the
 * single writer only the inserts.
 */
public record EventRow(Event event, long tsMicros, long receivedMicros, byte[] body) {

    public static EventRow of(Event e) {
        return new EventRow(e, micros(e.ts()), micros(e.receivedAt()), EventJson.toUtf8(e));
    }

    public static long micros(Instant t) {
        return ChronoUnit.MICROS.between(Instant.EPOCH, t);
    }

    public static Instant instant(long micros) {
        return Instant.EPOCH.plus(micros, java.time.temporal.ChronoUnit.MICROS);
    }
}
