package dev.vigil.detect;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * State in this JVM's heap, bounded per rule.
 *
 * <p>Concurrency: none. The engine that owns it runs on one thread; that is what makes
 * detection deterministic.
 *
 * <p>Bounds: at most {@code maxGroupsPerRule} groups per rule. Groups are kept in access order;
 * when a rule is at its cap, putting a new group evicts the least recently used one and reports
 * it to {@code onCapEviction} (the engine counts it in a metric), so a flood of distinct groups
 * degrades detection for the oldest groups instead of exhausting memory.
 */
public final class InMemoryStateStore implements StateStore {
    private static final class Slot {
        Object value;
        Instant touched;
    }

    private final int maxGroupsPerRule;
    private final Consumer<String> onCapEviction;
    private final Map<String, LinkedHashMap<String, Slot>> rules = new HashMap<>();
    private final TreeMap<Instant, Set<StateKey>> timers = new TreeMap<>();
    /**
     * The slot of the last {@link #get}: the engine reads a key and then puts the same key back,
     * so remembering it saves the second pair of hash lookups on every event.
     */
    private StateKey lastKey;
    private Slot lastSlot;
    private final Map<StateKey, Instant> timerOf = new HashMap<>();

    public InMemoryStateStore(int maxGroupsPerRule, Consumer<String> onCapEviction) {
        this.maxGroupsPerRule = maxGroupsPerRule;
        this.onCapEviction = onCapEviction;
    }

    private LinkedHashMap<String, Slot> groups(String rule, boolean create) {
        LinkedHashMap<String, Slot> groups = rules.get(rule);
        if (groups == null && create) {
            groups = new LinkedHashMap<>(16, 0.75f, true);
            rules.put(rule, groups);
        }
        return groups;
    }

    @Override
    public Object get(StateKey key) {
        LinkedHashMap<String, Slot> groups = groups(key.rule(), false);
        Slot slot = groups == null ? null : groups.get(key.group());
        lastKey = key;
        lastSlot = slot;
        return slot == null ? null : slot.value;
    }

    @Override
    public void put(StateKey key, Object value, Instant now) {
        if (key == lastKey && lastSlot != null) { // read just before: already the most recently used
            lastSlot.value = value;
            lastSlot.touched = now;
            return;
        }
        LinkedHashMap<String, Slot> groups = groups(key.rule(), true);
        Slot slot = groups.get(key.group());
        if (slot == null) {
            if (groups.size() >= maxGroupsPerRule) {
                forgetLast();
                Iterator<Map.Entry<String, Slot>> eldest = groups.entrySet().iterator();
                String evicted = eldest.next().getKey();
                eldest.remove();
                cancelTimer(new StateKey(key.rule(), evicted));
                onCapEviction.accept(key.rule());
            }
            slot = new Slot();
            groups.put(key.group(), slot);
        }
        slot.value = value;
        slot.touched = now;
    }

    @Override
    public void delete(StateKey key) {
        forgetLast();
        LinkedHashMap<String, Slot> groups = groups(key.rule(), false);
        if (groups != null) groups.remove(key.group());
        cancelTimer(key);
    }

    @Override
    public void setTimer(StateKey key, Instant at) {
        cancelTimer(key);
        timers.computeIfAbsent(at, t -> new java.util.LinkedHashSet<>()).add(key);
        timerOf.put(key, at);
    }

    private void cancelTimer(StateKey key) {
        Instant at = timerOf.remove(key);
        if (at == null) return;
        Set<StateKey> keys = timers.get(at);
        keys.remove(key);
        if (keys.isEmpty()) timers.remove(at);
    }

    @Override
    public List<StateKey> dueTimers(Instant now) {
        List<StateKey> due = new ArrayList<>();
        while (!timers.isEmpty() && !timers.firstKey().isAfter(now)) {
            for (StateKey key : timers.pollFirstEntry().getValue()) {
                timerOf.remove(key);
                due.add(key);
            }
        }
        return due;
    }

    private void forgetLast() {
        lastKey = null;
        lastSlot = null;
    }

    @Override
    public void evictIdle(String rule, Instant before) {
        forgetLast();
        LinkedHashMap<String, Slot> groups = groups(rule, false);
        if (groups == null) return;
        // Access order: the least recently used come first, so stop at the first recent one.
        for (Iterator<Map.Entry<String, Slot>> it = groups.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, Slot> e = it.next();
            if (!e.getValue().touched.isBefore(before)) break;
            StateKey key = new StateKey(rule, e.getKey());
            if (timerOf.containsKey(key)) continue; // a pending timer still needs its state
            it.remove();
        }
    }

    @Override
    public int deleteGroups(String rule, java.util.function.Predicate<String> group) {
        forgetLast();
        LinkedHashMap<String, Slot> groups = groups(rule, false);
        if (groups == null) return 0;
        int deleted = 0;
        for (Iterator<String> it = groups.keySet().iterator(); it.hasNext(); ) {
            String g = it.next();
            if (!group.test(g)) continue;
            it.remove();
            cancelTimer(new StateKey(rule, g));
            deleted++;
        }
        return deleted;
    }

    @Override
    public void dropRule(String rule) {
        forgetLast();
        LinkedHashMap<String, Slot> groups = rules.remove(rule);
        if (groups == null) return;
        for (String group : groups.keySet()) cancelTimer(new StateKey(rule, group));
    }

    @Override
    public int groups(String rule) {
        LinkedHashMap<String, Slot> groups = rules.get(rule);
        return groups == null ? 0 : groups.size();
    }
}
