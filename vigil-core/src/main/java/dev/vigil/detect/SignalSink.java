package dev.vigil.detect;

import java.util.function.Consumer;
import java.util.function.LongConsumer;

/** Where detection's signals go: the incident stage, whichever way the pipeline is assembled. */
public interface SignalSink {
    void signal(Signal s);

    /**
     * Detection finished a batch of events (or a timer check): what was signalled so far can be
     * saved together, and the sink may hold detection back until the stages after it catch up.
     *
     * @param detectedUpTo the event log's position detection has got to
     */
    void batchDone(long detectedUpTo);

    static SignalSink of(Consumer<Signal> signal, LongConsumer batchDone) {
        return new SignalSink() {
            public void signal(Signal s) {
                signal.accept(s);
            }

            public void batchDone(long detectedUpTo) {
                batchDone.accept(detectedUpTo);
            }
        };
    }
}
