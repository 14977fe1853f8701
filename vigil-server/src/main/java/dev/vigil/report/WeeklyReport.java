package dev.vigil.report;

import dev.vigil.incident.Incident;
import dev.vigil.incident.IncidentStore;
import dev.vigil.rule.Severity;
import java.time.Clock;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.IsoFields;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The weekly review (DESIGN §2, low): one ISO week's incidents counted, and the low ones listed, as JSON or Markdown. */
public final class WeeklyReport {
    private static final Pattern WEEK = Pattern.compile("(\\d{4})-W(\\d{2})");

    /** A low-severity incident to review. */
    public record Low(String id, String agent, String rule, String title, long count, Instant detectedAt) {}

    /** One week's report; {@code bySeverity} in severity order, the other counts by name. */
    public record Report(String week, Instant from, Instant to, int total, Map<String, Integer> bySeverity,
                         Map<String, Integer> byAgent, Map<String, Integer> byRule, Map<String, Integer> byCategory, List<Low> low) {}

    private final IncidentStore incidents;
    private final Clock clock;

    public WeeklyReport(IncidentStore incidents, Clock clock) {
        this.incidents = incidents;
        this.clock = clock;
    }

    /**
     * @param week the ISO week, such as {@code 2026-W48}; null for this week
     * @throws IllegalArgumentException naming what is wrong with {@code week}
     */
    public Report of(String week) {
        LocalDate monday = monday(week);
        Instant from = monday.atStartOfDay(ZoneOffset.UTC).toInstant();
        Instant to = from.plus(Duration.ofDays(7));
        List<Incident> all = new ArrayList<>();
        incidents.forEach(new IncidentStore.Query(null, null, null, null, from, to, 0, null), all::add);
        Map<String, Integer> bySeverity = new LinkedHashMap<>();
        for (Severity s : Severity.values()) {
            long n = all.stream().filter(i -> i.severity() == s).count();
            if (n > 0) bySeverity.put(s.wire(), (int) n);
        }
        List<Low> low = all.stream().filter(i -> i.severity() == Severity.LOW)
                .map(i -> new Low(i.id(), i.agent(), i.rule(), i.title(), i.count(), i.detectedAt())).toList();
        String name = monday.get(IsoFields.WEEK_BASED_YEAR) + "-W" + String.format("%02d", monday.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR));
        return new Report(name, from, to, all.size(), bySeverity, count(all, Incident::agent), count(all, Incident::rule),
                count(all, i -> i.category().wire()), low);
    }

    private LocalDate monday(String week) {
        if (week == null) return LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC).with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY));
        Matcher m = WEEK.matcher(week);
        if (!m.matches()) throw new IllegalArgumentException("week: use the ISO form YYYY-Www, such as 2026-W48");
        try {
            return LocalDate.of(Integer.parseInt(m.group(1)), 6, 1)
                    .with(IsoFields.WEEK_OF_WEEK_BASED_YEAR, Long.parseLong(m.group(2)))
                    .with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("week: no such week: " + week);
        }
    }

    private static Map<String, Integer> count(List<Incident> all, Function<Incident, String> key) {
        Map<String, Integer> counts = new TreeMap<>();
        for (Incident i : all) counts.merge(key.apply(i), 1, Integer::sum);
        return counts;
    }

    /** The report as Markdown, for a wiki page or an e-mail. */
    public static String markdown(Report r) {
        StringBuilder s = new StringBuilder("# Vigil weekly report, ").append(r.week()).append("\n\n");
        s.append(r.total()).append(" incidents from ").append(r.from()).append(" to ").append(r.to()).append(".\n");
        Map<String, Map<String, Integer>> sections = new LinkedHashMap<>();
        sections.put("By severity", r.bySeverity());
        sections.put("By agent", r.byAgent());
        sections.put("By rule", r.byRule());
        sections.put("By category", r.byCategory());
        sections.forEach((title, counts) -> {
            s.append("\n## ").append(title).append("\n\n| | incidents |\n|---|---|\n");
            counts.forEach((k, v) -> s.append("| ").append(k).append(" | ").append(v).append(" |\n"));
        });
        s.append("\n## Low-severity incidents to review\n\n");
        if (r.low().isEmpty()) s.append("None.\n");
        for (Low i : r.low()) {
            s.append("- ").append(i.detectedAt()).append(" **").append(i.agent()).append("**: ").append(i.title())
                    .append(" (`").append(i.rule()).append("`, ").append(i.count()).append("x)\n");
        }
        return s.toString();
    }
}
