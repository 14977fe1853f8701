package dev.vigil.detect;

import dev.vigil.event.Event;
import dev.vigil.rule.EventVariables;
import dev.vigil.rule.GroupField;
import dev.vigil.rule.Primitive;
import dev.vigil.rule.Rule;
import dev.vigil.rule.RuleSet;
import dev.vigil.time.Durations;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Turns events into signals by running every enabled rule over them (DESIGN §4).
 *
 * <p>Concurrency: not thread-safe, by design. One thread feeds it events in log order and calls
 * {@link #advance} for timers; so the same events in the same order give the same signals.
 *
 * <p>Time: windows run on event time ({@code ts}). Per (rule, group) the latest event time seen
 * is the group's watermark; an event more than {@code outOfOrder} behind it is late and left out
 * of windows (counted via {@link Observer#late}). {@code absent} runs on processing time: a
 * group was last seen when Vigil received its latest event, and it is silent once the
 * {@code now} passed to {@link #advance} (from the one injected clock) is that much later.
 *
 * <p>State lives in a {@link StateStore}, keyed by (rule, group). Groups idle for longer than
 * their rule's horizon plus the tolerance are evicted by {@link #advance}.
 */
public final class DetectionEngine {
    /** What the engine reports about itself, for metrics. */
    public interface Observer {
        void late(String rule);

        void groupEvicted(String rule);

        Observer NONE = new Observer() {
            public void late(String rule) {}

            public void groupEvicted(String rule) {}
        };
    }

    private final StateStore state;
    private final Function<String, Map<String, Object>> agents;
    private final Duration outOfOrder;
    private final Observer observer;
    private List<Rule> rules;
    /** Per rule (same order): it keeps state per task, so an event without a task is in none of its groups. */
    private boolean[] perTask;
    /** Per rule (same order): which of the distinct group_by lists it groups by; most rules share [agent]. */
    private int[] groupList;
    /** This event's group key per distinct group_by list, built once per event for all the rules that share it. */
    private String[] groupKeys;

    /**
     * @param agents the CEL value of {@code agent} for an agent id
     */
    public DetectionEngine(RuleSet rules, StateStore state, Function<String, Map<String, Object>> agents,
                           Duration outOfOrder, Observer observer) {
        setRules(rules.enabled());
        this.state = state;
        this.agents = agents;
        this.outOfOrder = outOfOrder;
        this.observer = observer;
    }

    public List<Rule> rules() {
        return rules;
    }

    /**
     * Swaps in a new rule set. Window state is kept for rules whose definition is unchanged and
     * dropped for rules that changed or disappeared.
     */
    public void replaceRules(RuleSet next) {
        Map<String, String> kept = new HashMap<>();
        for (Rule r : next.enabled()) kept.put(r.id(), r.definition());
        for (Rule old : rules) {
            if (!old.definition().equals(kept.get(old.id()))) state.dropRule(old.id());
        }
        setRules(next.enabled());
    }

    private void setRules(List<Rule> enabled) {
        boolean[] task = new boolean[enabled.size()];
        GroupField taskField = new GroupField("task");
        for (int i = 0; i < task.length; i++) {
            Rule r = enabled.get(i);
            task[i] = !(r.primitive() instanceof Primitive.PerEvent) && r.groupBy().contains(taskField);
        }
        List<List<GroupField>> distinct = new ArrayList<>();
        int[] list = new int[enabled.size()];
        for (int i = 0; i < list.length; i++) {
            int at = distinct.indexOf(enabled.get(i).groupBy());
            if (at < 0) {
                at = distinct.size();
                distinct.add(enabled.get(i).groupBy());
            }
            list[i] = at;
        }
        rules = enabled;
        perTask = task;
        groupList = list;
        groupKeys = new String[distinct.size()];
    }

    /**
     * Forgets an agent: drops the state and timers of every group of every rule that groups by
     * {@code agent} and whose group is this agent's, so nothing it sent counts any more and no
     * timer (an absence) fires for it. Rules that do not group by agent keep their state: the
     * agent's events are mixed with others' there.
     *
     * @return how many groups were dropped
     */
    public int forgetAgent(String agent) {
        String segment = "agent=" + escape(agent);
        int dropped = 0;
        for (Rule rule : rules) {
            int index = -1;
            for (int i = 0; i < rule.groupBy().size(); i++) {
                if (rule.groupBy().get(i).name().equals("agent")) index = i;
            }
            if (index < 0) continue;
            int at = index;
            dropped += state.deleteGroups(rule.id(), group -> segment.equals(segmentOf(group, at)));
        }
        return dropped;
    }

    /** The {@code index}th {@code name=value} of a group key, its value still escaped; null when there is none. */
    private static String segmentOf(String group, int index) {
        int start = 0;
        int n = 0;
        for (int i = 0; i <= group.length(); i++) {
            if (i < group.length() && group.charAt(i) == '\\') {
                i++; // an escaped character, never a separator
                continue;
            }
            if (i == group.length() || group.charAt(i) == ',') {
                if (n == index) return group.substring(start, i);
                n++;
                start = i + 1;
            }
        }
        return null;
    }

    /** Runs every rule over one event; {@code now} is processing time. */
    public List<Signal> onEvent(Event event, Instant now) {
        Map<String, Object> vars = EventVariables.bind(event, agents);
        List<Signal> signals = new ArrayList<>(0);
        List<Rule> rules = this.rules;
        boolean[] perTask = this.perTask;
        boolean noTask = event.task() == null || event.task().isEmpty();
        int[] groupList = this.groupList;
        String[] groupKeys = this.groupKeys;
        java.util.Arrays.fill(groupKeys, null);
        for (int i = 0; i < rules.size(); i++) {
            Rule rule = rules.get(i);
            // An event without a task belongs to no task: counting it would lump every task-less event together.
            if (noTask && perTask[i]) continue;
            Primitive.Rate rate = rule.primitive() instanceof Primitive.Rate r ? r : null;
            boolean candidate = rule.match().mayMatch(event.kind());
            boolean inDenominator = rate != null && rate.of().mayMatch(event.kind());
            if (!candidate && !inDenominator) continue; // the kind rules it out: no evaluation needed
            boolean matched = candidate && rule.match().test(vars);
            if (rate != null) {
                // A rate counts only the events of its denominator; match picks the hits among them.
                if (!(inDenominator && rate.of().test(vars))) continue;
            } else if (!matched) {
                continue;
            }
            String groupKey = groupKeys[groupList[i]];
            if (groupKey == null) groupKeys[groupList[i]] = groupKey = groupKey(rule, event);
            StateKey key = new StateKey(rule.id(), groupKey);
            String reason = apply(rule, key, event, vars, matched, now);
            if (reason != null) signals.add(new Signal(rule, group(rule, event), rule.id() + ":" + key.group(), event, reason));
        }
        return signals;
    }

    /** Fires due timers (absence) and evicts idle state, at processing time {@code now}. */
    public List<Signal> advance(Instant now) {
        List<Signal> signals = new ArrayList<>(0);
        Map<String, Rule> byId = new HashMap<>();
        for (Rule r : rules) byId.put(r.id(), r);
        for (StateKey key : state.dueTimers(now)) {
            Rule rule = byId.get(key.rule());
            if (rule == null || !(rule.primitive() instanceof Primitive.Absent absent)) continue;
            GroupState.Absent s = (GroupState.Absent) state.get(key);
            if (s == null) continue;
            Instant silentAt = s.lastSeen.plus(absent.silence());
            if (now.isBefore(silentAt)) {
                state.setTimer(key, silentAt); // seen since the timer was set: wait for the new deadline
                continue;
            }
            s.armed = false;
            state.put(key, s, now);
            signals.add(new Signal(rule, group(rule, s.lastEvent), rule.id() + ":" + key.group(), s.lastEvent,
                    "no matching event for " + Durations.format(absent.silence()), silentAt));
        }
        for (Rule rule : rules) {
            state.evictIdle(rule.id(), now.minus(rule.primitive().horizon()).minus(outOfOrder));
        }
        return signals;
    }

    private String apply(Rule rule, StateKey key, Event e, Map<String, Object> vars, boolean matched, Instant now) {
        long t = e.ts().toEpochMilli();
        return switch (rule.primitive()) {
            case Primitive.PerEvent p -> "matching event";
            case Primitive.Count c -> {
                GroupState.Windowed s = windowed(key);
                if (late(rule, s.window.maxTime, t)) yield null;
                s.window.add(t, 1, true);
                s.window.dropBefore(s.window.maxTime - c.within().toMillis() - outOfOrder.toMillis());
                state.put(key, s, now);
                int n = s.window.maxInSpanContaining(t, c.within().toMillis());
                yield n >= c.atLeast() ? n + " matching events within " + Durations.format(c.within()) : null;
            }
            case Primitive.Rate r when r.baseline() != null -> rateAboveBaseline(rule, key, r, t, matched, now);
            case Primitive.Rate r -> {
                GroupState.Windowed s = windowed(key);
                if (late(rule, s.window.maxTime, t)) yield null;
                s.window.add(t, 1, matched);
                long from = s.window.maxTime - r.within().toMillis();
                s.window.dropBefore(from - outOfOrder.toMillis());
                state.put(key, s, now);
                long in = s.window.countsSince(from); // every entry is at or before the watermark
                int total = (int) (in >>> 32);
                int hits = (int) in;
                yield matched && total >= r.minEvents() && (double) hits / total > r.above()
                        ? hits + " of " + total + " events within " + Durations.format(r.within()) + " (above " + r.above() + ")"
                        : null;
            }
            case Primitive.Sum sum -> {
                Double value = sum.value().number(vars);
                Double limit = sum.above() != null ? sum.above() : sum.aboveBudget().number(vars);
                if (value == null || limit == null) yield null;
                GroupState.Windowed s = windowed(key);
                if (late(rule, s.window.maxTime, t)) yield null;
                s.window.add(t, value, true);
                long from = s.window.maxTime - sum.within().toMillis();
                s.window.dropBefore(from - outOfOrder.toMillis());
                state.put(key, s, now);
                double total = s.window.totals(from, s.window.maxTime).sum();
                yield total > limit ? "sum " + round(total) + " above " + round(limit) + " within " + Durations.format(sum.within()) : null;
            }
            case Primitive.Surge surge -> surge(rule, key, surge, t, vars, now);
            case Primitive.Repeat repeat -> repeat(rule, key, repeat, e, t, vars, now);
            case Primitive.Sequence seq -> sequence(key, seq, t, vars, now);
            case Primitive.Absent absent -> {
                GroupState.Absent s = state.get(key) instanceof GroupState.Absent a ? a : new GroupState.Absent();
                // Seen when Vigil received it, not when detection got to it: detection runs
                // behind ingest, and a late look must not make a group seem more recent.
                if (s.lastSeen == null || e.receivedAt().isAfter(s.lastSeen)) {
                    s.lastSeen = e.receivedAt();
                    s.lastEvent = e;
                }
                state.put(key, s, now);
                // One timer per silence, not one per event: a timer that finds the group was seen
                // since moves itself to the new deadline (see advance).
                if (!s.armed) {
                    state.setTimer(key, s.lastSeen.plus(absent.silence()));
                    s.armed = true;
                }
                yield null;
            }
        };
    }

    /**
     * The sliding window is the {@code SLICES_PER_WINDOW} slices ending at the watermark's slice;
     * the baseline the {@code baselineWindows} windows of slices before it.
     */
    private String surge(Rule rule, StateKey key, Primitive.Surge surge, long t, Map<String, Object> vars, Instant now) {
        Double value = surge.value().number(vars);
        if (value == null) return null;
        GroupState.Surge s = state.get(key) instanceof GroupState.Surge g ? g : new GroupState.Surge(surge.baselineWindows());
        if (late(rule, s.maxTime, t)) return null;
        s.maxTime = Math.max(s.maxTime, t);
        long slice = Math.floorDiv(t, surge.sliceMillis());
        boolean added = s.add(slice, value);
        state.put(key, s, now);
        int per = Primitive.Surge.SLICES_PER_WINDOW;
        int n = s.size();
        long head = s.head;
        // Only an event in the current window can change it; and only a group seen since the start of the baseline has one.
        if (!added || slice <= head - per || s.first > head - n + 1) return null;
        boolean sum = surge.aggregate() == Primitive.Aggregate.SUM;
        double observedSum = 0;
        long observedCount = 0;
        double baselineTotal = 0;
        int baselineCount = 0;
        // From the head back through the ring: the current window, then each baseline window.
        int i = s.slot(head);
        for (int w = 0; w <= surge.baselineWindows(); w++) {
            double windowSum = 0;
            long windowCount = 0;
            for (int k = 0; k < per; k++) {
                windowSum += s.sum[i];
                windowCount += s.count[i];
                if (--i < 0) i = n - 1;
            }
            if (w == 0) {
                observedSum = windowSum;
                observedCount = windowCount;
            } else if (sum) {
                baselineTotal += windowSum;
                baselineCount++;
            } else if (windowCount > 0) {
                baselineTotal += windowSum / windowCount;
                baselineCount++;
            }
        }
        if (baselineCount == 0 || observedCount == 0) return null;
        double baseline = baselineTotal / baselineCount;
        double observed = sum ? observedSum : observedSum / observedCount;
        if (baseline <= 0 || baseline < surge.minBaseline() || observed <= surge.factor() * baseline) return null;
        return (sum ? "sum " : "mean ") + round(observed) + " in the last "
                + Durations.format(surge.window()) + ", " + round(observed / baseline) + "x the baseline of " + round(baseline);
    }

    /**
     * rate with above_baseline: the share over the sliding window of the {@code SLICES_PER_WINDOW}
     * slices ending at the watermark's slice, against the group's share in the baseline's slices
     * just before them.
     */
    private String rateAboveBaseline(Rule rule, StateKey key, Primitive.Rate r, long t, boolean matched, Instant now) {
        int per = Primitive.Rate.SLICES_PER_WINDOW;
        int baselineSlices = r.baselineSlices();
        GroupState.RateSlices s = state.get(key) instanceof GroupState.RateSlices g ? g
                : new GroupState.RateSlices(baselineSlices + per);
        if (late(rule, s.maxTime, t)) return null;
        s.maxTime = Math.max(s.maxTime, t);
        long slice = Math.floorDiv(t, r.sliceMillis());
        boolean added = s.add(slice, matched);
        state.put(key, s, now);
        long head = s.head;
        if (!matched || !added || slice <= head - per) return null;
        long in = s.total(head, per);
        int total = (int) (in >>> 32);
        int hits = (int) in;
        double share = (double) hits / total;
        if (total < r.minEvents() || share <= r.above()) return null;
        if (s.first > head - per - baselineSlices + 1) return null; // not seen for the whole baseline yet
        long before = s.total(head - per, baselineSlices);
        long baseTotal = before >>> 32;
        long baseHits = (int) before;
        Primitive.Baseline b = r.baseline();
        if (baseTotal < b.minEvents()) return null;
        double norm = (double) baseHits / baseTotal;
        if (share <= b.factor() * norm) return null;
        return hits + " of " + total + " events within " + Durations.format(r.within()) + " (" + percent(share) + "), above "
                + b.factor() + "x the share of the " + Durations.format(b.span()) + " before (" + baseHits + " of " + baseTotal
                + ", " + percent(norm) + ")";
    }

    private String repeat(Rule rule, StateKey key, Primitive.Repeat repeat, Event e, long t, Map<String, Object> vars, Instant now) {
        GroupState.Repeat s = state.get(key) instanceof GroupState.Repeat r ? r : new GroupState.Repeat();
        if (late(rule, s.maxTime, t)) return null;
        s.maxTime = Math.max(s.maxTime, t);
        StringBuilder builder = new StringBuilder();
        for (GroupField f : repeat.same()) builder.append(f.name()).append('=').append(f.valueOf(e)).append('\u0000');
        String action = builder.toString();
        Window w = s.actions.computeIfAbsent(action, a -> new Window());
        w.add(t, 1, true);
        long horizon = s.maxTime - repeat.within().toMillis() - outOfOrder.toMillis();
        w.dropBefore(horizon);
        if (s.actions.size() > 1) {
            // Least recently used first: drop the actions whose calls have all left the window, so a
            // group kept for its run's counts does not keep old parameters too.
            var it = s.actions.values().iterator();
            while (it.hasNext()) {
                Window old = it.next();
                if (old == w || old.maxTime >= horizon) break;
                it.remove();
            }
        }
        int inRun = 0;
        boolean counted = repeat.inRun() > 0 && e.run() != null && !e.run().isEmpty();
        if (counted) {
            if (s.run == null) s.run = new GroupState.RunCounts(Primitive.Repeat.MAX_RUN_ACTIONS);
            inRun = s.run.increment(hash(action));
        }
        state.put(key, s, now);
        int n = w.maxInSpanContaining(t, repeat.within().toMillis());
        boolean fast = n >= repeat.atLeast();
        boolean slow = repeat.inRun() > 0 && inRun >= repeat.inRun();
        if (!(fast || slow)) return null;
        if (repeat.except() != null) {
            // except (polls) is read only for a call that would fire, and once per action in a run:
            // identical calls share their tool and params, and it is often a regex
            boolean exempt;
            if (counted && s.run.lastExempt() != 0) {
                exempt = s.run.lastExempt() == 1;
            } else {
                exempt = repeat.except().test(vars);
                if (counted) s.run.lastExempt(exempt);
            }
            if (exempt) return null;
        }
        return fast ? n + " identical actions within " + Durations.format(repeat.within()) : inRun + " identical actions in run " + e.run();
    }

    /** FNV-1a, 64 bits, over the action's characters: identifies an action in a run without keeping its text. */
    private static long hash(String s) {
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < s.length(); i++) {
            h ^= s.charAt(i);
            h *= 0x100000001b3L;
        }
        return h;
    }

    private static String percent(double share) {
        return String.format(java.util.Locale.ROOT, "%.1f%%", share * 100);
    }

    private String sequence(StateKey key, Primitive.Sequence seq, long t, Map<String, Object> vars, Instant now) {
        int steps = seq.steps().size();
        GroupState.Sequence s = state.get(key) instanceof GroupState.Sequence q ? q : new GroupState.Sequence(steps);
        long within = seq.within().toMillis();
        boolean touched = false;
        // From the last step back, so one event never completes two consecutive steps.
        for (int i = steps - 1; i >= 0; i--) {
            if (!seq.steps().get(i).test(vars)) continue;
            if (i == 0) {
                s.started[0] = Math.max(s.started[0], t); // the latest start gives the sequence its best chance
                touched = true;
            } else if (s.started[i - 1] >= 0 && t >= s.started[i - 1] && t - s.started[i - 1] <= within) {
                s.started[i] = Math.max(s.started[i], s.started[i - 1]);
                touched = true;
                if (i == steps - 1) {
                    java.util.Arrays.fill(s.started, -1);
                    state.put(key, s, now);
                    return "all " + steps + " steps in order within " + Durations.format(seq.within());
                }
            }
        }
        if (touched) state.put(key, s, now);
        return null;
    }

    private GroupState.Windowed windowed(StateKey key) {
        return state.get(key) instanceof GroupState.Windowed w ? w : new GroupState.Windowed();
    }

    private boolean late(Rule rule, long watermark, long t) {
        if (watermark == Long.MIN_VALUE || t >= watermark - outOfOrder.toMillis()) return false;
        observer.late(rule.id());
        return true;
    }

    private static Map<String, String> group(Rule rule, Event e) {
        Map<String, String> group = new LinkedHashMap<>();
        for (GroupField f : rule.groupBy()) group.put(f.name(), f.valueOf(e));
        return group;
    }

    /**
     * The group's values as {@code agent=billing-bot,task=refund-4471}: the state key and the
     * fingerprint's tail. Commas, equals signs and backslashes in values are escaped, so two
     * different groups never share a key.
     */
    private static String groupKey(Rule rule, Event e) {
        List<GroupField> fields = rule.groupBy();
        if (fields.size() == 1) return fields.get(0).name() + '=' + escape(fields.get(0).valueOf(e));
        StringBuilder s = new StringBuilder(64);
        for (GroupField f : fields) {
            if (!s.isEmpty()) s.append(',');
            s.append(f.name()).append('=').append(escape(f.valueOf(e)));
        }
        return s.toString();
    }

    private static String escape(String value) {
        if (value.indexOf(',') < 0 && value.indexOf('=') < 0 && value.indexOf('\\') < 0) return value;
        return value.replace("\\", "\\\\").replace(",", "\\,").replace("=", "\\=");
    }

    private static String round(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : String.format(java.util.Locale.ROOT, "%.2f", v);
    }
}
