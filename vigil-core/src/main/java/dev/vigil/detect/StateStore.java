package dev.vigil.detect;

import java.time.Instant;
import java.util.List;

/**
 * The detection engine's state, per (rule, group), plus one timer per key. The engine reads a
 * value, changes it and puts it back, and assumes nothing else: an implementation may keep
 * values in this JVM's heap ({@link InMemoryStateStore}) or serialize them into a Kafka Streams
 * state store.
 */
public interface StateStore {
    /** The value stored under the key, or null. */
    Object get(StateKey key);

    /** Stores the value; also marks the key as used now, which idle eviction looks at. */
    void put(StateKey key, Object value, Instant now);

    void delete(StateKey key);

    /** Sets (or moves) the key's timer. */
    void setTimer(StateKey key, Instant at);

    /** Removes and returns the keys whose timers are at or before {@code now}, earliest first. */
    List<StateKey> dueTimers(Instant now);

    /** Deletes the state of every key of {@code rule} that has not been put since {@code before}. */
    void evictIdle(String rule, Instant before);

    /**
     * Deletes the state and timers of every group of {@code rule} that {@code group} accepts (it
     * is given the group's key, such as {@code agent=billing-bot,task=refund-4471}).
     *
     * @return how many groups were deleted
     */
    int deleteGroups(String rule, java.util.function.Predicate<String> group);

    /** Deletes all state and timers of a rule (it was removed or changed). */
    void dropRule(String rule);

    /** Number of groups held for a rule. */
    int groups(String rule);
}
