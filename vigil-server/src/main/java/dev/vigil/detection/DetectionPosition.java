package dev.vigil.detection;

import dev.vigil.event.Event;
import dev.vigil.store.EventLog;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Detection's place in the event log, kept durable so that a crash loses no detection. After each
 * batch the detection thread hands its position to the response stage, which records it once it
 * has responded to everything the batch raised (the incidents are saved by then, their actions
 * planned in the outbox). So at start-up every event after the recorded position is detected on
 * again, and nothing before it needs to be; and every active incident detected at or after the
 * position's time is planned again (planning is idempotent), since detection runs ahead of the
 * response and the incidents of the batches after the position may not have been planned.
 *
 * <p>Window state lives in memory only. It is rebuilt from the log at start-up rather than
 * snapshotted: the log has every event already, a rebuild is correct by construction (the same
 * events through the same engine), and it costs reading the longest window's events once per
 * start; a snapshot would need every rule primitive's state serialized and versioned with the
 * engine. Events before the position are replayed only into the windows ("warm-up"): what they
 * made fire was raised before the crash.
 *
 * <p>Concurrency: {@link #handOn} runs on the detection thread only; {@link #resume} at start-up,
 * before ingest opens.
 */
public final class DetectionPosition {
    private static final Logger log = LoggerFactory.getLogger(DetectionPosition.class);
    /** Events read from the log at a time when resuming. */
    private static final int PAGE = 1000;

    private final EventLog eventLog;
    private final Clock clock;
    /** The latest position handed on; the detection thread's. */
    private long handedOn = -1;

    public DetectionPosition(EventLog eventLog, Clock clock) {
        this.eventLog = eventLog;
        this.clock = clock;
    }

    /** Where detection starts: the recorded position, or the log's end for a log never detected on (nothing to replay). */
    public EventLog.Position start() {
        return eventLog.detectedUpTo().orElseGet(() -> new EventLog.Position(eventLog.lastSeq(), clock.instant()));
    }

    /**
     * After a batch: when the position moved, hands {@code later} the recording of it, to run once
     * what came before is responded to.
     */
    public void handOn(long upTo, Consumer<Runnable> later) {
        if (upTo <= handedOn) return;
        handedOn = upTo;
        // The time of detection, not of recording: every incident raised after this batch is detected at or after
        // it, so a restart plans again every incident that may not have been responded to.
        EventLog.Position position = new EventLog.Position(upTo, clock.instant());
        later.accept(() -> eventLog.detected(position));
    }

    /**
     * Queues the log's events for detection from where it stood: those of the last {@code horizon}
     * before the position to rebuild the windows, then every one after it to be detected on.
     */
    public void resume(EventLog.Position from, DetectionQueue queue, Duration horizon) {
        Instant windowsFrom = from.at().minus(horizon);
        long after = Math.min(eventLog.firstSeqAt(windowsFrom) - 1, from.seq());
        long warmedUp = 0;
        long detectedAgain = 0;
        for (List<EventLog.Stored> page = eventLog.read(after, PAGE); !page.isEmpty(); page = eventLog.read(after, PAGE)) {
            List<Event> warmUp = new ArrayList<>();
            List<Event> again = new ArrayList<>();
            for (EventLog.Stored s : page) {
                if (s.seq() > from.seq()) again.add(s.event());
                else if (!s.event().ts().isBefore(windowsFrom)) warmUp.add(s.event());
            }
            after = page.getLast().seq();
            if (!warmUp.isEmpty()) queue.warmUp(warmUp);
            if (!again.isEmpty()) queue.submit(new EventLog.Committed(again, after));
            warmedUp += warmUp.size();
            detectedAgain += again.size();
        }
        if (warmedUp + detectedAgain > 0) {
            log.info("resuming detection after event {}: {} events rebuild the windows, {} are detected on again",
                    from.seq(), warmedUp, detectedAgain);
        }
    }
}
