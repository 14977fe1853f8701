package dev.vigil.sdk;

import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

/**
 * The bounded queue between the agents' threads (many producers) and the sender thread (one
 * consumer). Full means drop the oldest: the newest events say most about what the agent is doing
 * now.
 *
 * <p>Concurrency: lock-free, so a producer never waits for the consumer or another producer, even
 * one descheduled mid-operation. {@link #size} is raised before the event is linked in and lowered
 * after one is unlinked, so it never undercounts; a producer that takes it past the capacity
 * unlinks the head, the oldest event. Invariant: the queue holds at most {@code capacity} events
 * plus one per producer caught between its increment and its eviction. Since the count may lag
 * the consumer by the events it is unlinking, a full buffer may evict one event early; that costs
 * an event, never a bound.
 */
final class EventBuffer {
    private final ConcurrentLinkedQueue<EventRecord> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger size = new AtomicInteger();
    private final LongAdder dropped = new LongAdder();
    private final int capacity;
    /** Producers wake the consumer when a batch is ready rather than on every event: an unpark is a system call. */
    private volatile int wakeAt = Integer.MAX_VALUE;
    private volatile Thread consumer;

    EventBuffer(int capacity) {
        this.capacity = capacity;
    }

    /** Adds an event; never blocks. */
    void offer(EventRecord event) {
        int n = size.incrementAndGet();
        queue.offer(event);
        if (n > capacity && queue.poll() != null) {
            size.decrementAndGet();
            dropped.increment();
        }
        if (n == wakeAt) LockSupport.unpark(consumer);
    }

    /** Moves up to {@code max} of the oldest events to {@code into}; returns how many. */
    int drainTo(List<EventRecord> into, int max) {
        int n = 0;
        EventRecord e;
        while (n < max && (e = queue.poll()) != null) {
            size.decrementAndGet();
            into.add(e);
            n++;
        }
        return n;
    }

    /** The thread to unpark once {@code batch} events wait (or the buffer is full, if that is fewer). */
    void wakeWhenReady(Thread consumer, int batch) {
        this.consumer = consumer;
        this.wakeAt = Math.min(batch, capacity);
    }

    int size() {
        return size.get();
    }

    long dropped() {
        return dropped.sum();
    }

    /** Counts events given up for another reason (unsent at close) with the buffer's drops. */
    void countDropped(int events) {
        dropped.add(events);
    }
}
