package dev.vigil.respond;

import dev.vigil.control.ControlDocument;
import dev.vigil.control.ControlPlane;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * What the response does as time passes, on the one clock: telemetry raised by {@code monitor}
 * goes back to normal when its time is up, each closed window of a batch interval sends its
 * review-queue digest ({@link Digests}), and alerts are re-sent to the channels that forget them
 * ({@link Resends}). (Expired retry directives are the {@link RetryProtocol}'s.)
 *
 * <p>Concurrency: used by the response thread only.
 */
public final class Timers {
    private final ControlPlane control;
    private final Digests digests;
    private final Resends resends;
    private final Clock clock;

    public Timers(ControlPlane control, Digests digests, Resends resends, Clock clock) {
        this.control = control;
        this.digests = digests;
        this.resends = resends;
        this.clock = clock;
    }

    /** Everything due now; returns the incidents whose raised telemetry went back to normal, for their timelines. */
    List<String> tick() {
        List<String> reverted = revertTelemetry();
        digests.due();
        resends.tick();
        return reverted;
    }

    private List<String> revertTelemetry() {
        Instant now = clock.instant();
        List<String> reverted = new ArrayList<>();
        for (ControlDocument d : control.withExpired(now)) {
            ControlDocument.Telemetry t = d.telemetry();
            if (t.until() == null || t.until().isAfter(now)) continue;
            control.telemetry(d.agent(), new ControlDocument.Telemetry("normal", null, null));
            if (t.incident() != null) reverted.add(t.incident());
        }
        return reverted;
    }
}
