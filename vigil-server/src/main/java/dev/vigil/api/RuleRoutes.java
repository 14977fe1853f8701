package dev.vigil.api;

import dev.vigil.detection.RuleService;
import dev.vigil.rule.Rule;
import dev.vigil.rule.RuleError;
import dev.vigil.rule.GroupField;
import dev.vigil.incident.IncidentStore;
import io.javalin.http.Context;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code /v1/rules}: the active rules with their incident counts (open now, detected in the last
 * 7 days), validation of a posted file, and reload.
 */
final class RuleRoutes {
    private static final Duration RECENT = Duration.ofDays(7);

    private final RuleService rules;
    private final IncidentStore incidents;
    private final Clock clock;

    RuleRoutes(RuleService rules, IncidentStore incidents, Clock clock) {
        this.rules = rules;
        this.incidents = incidents;
        this.clock = clock;
    }

    void list(Context ctx) {
        Map<String, Integer> open = incidents.countByRule(true, null);
        Map<String, Integer> recent = incidents.countByRule(false, clock.instant().minus(RECENT));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("rules", rules.rules().stream().map(r -> {
            Map<String, Object> m = describe(r);
            m.put("open_incidents", open.getOrDefault(r.id(), 0));
            m.put("incidents_7d", recent.getOrDefault(r.id(), 0));
            return m;
        }).toList());
        body.put("last_reload", reload(rules.lastReload()));
        ctx.json(body);
    }

    void validate(Context ctx) {
        List<RuleError> errors = RuleService.validate("posted", ctx.body());
        ctx.status(errors.isEmpty() ? 200 : 400).json(Map.of("valid", errors.isEmpty(), "errors", errors.stream().map(RuleRoutes::error).toList()));
    }

    void reload(Context ctx) {
        RuleService.ReloadResult r = rules.reload();
        ctx.status(r.applied() ? 200 : 400).json(reload(r));
    }

    private static Map<String, Object> reload(RuleService.ReloadResult r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("applied", r.applied());
        m.put("at", r.at());
        m.put("rules", r.rules());
        m.put("errors", r.errors().stream().map(RuleRoutes::error).toList());
        return m;
    }

    private static Map<String, Object> error(RuleError e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("file", e.file());
        m.put("rule", e.rule());
        m.put("field", e.field());
        m.put("message", e.message());
        m.put("text", e.toString());
        return m;
    }

    static Map<String, Object> describe(Rule r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", r.id());
        m.put("title", r.title());
        m.put("description", r.description());
        m.put("severity", r.severity());
        m.put("category", r.category());
        m.put("match", r.match().text());
        m.put("group_by", r.groupBy().stream().map(GroupField::name).toList());
        m.put("primitive", r.primitive().describe());
        m.put("enabled", r.enabled());
        m.put("dry_run", r.dryRun());
        m.put("labels", r.labels());
        m.put("example", r.example());
        m.put("runbook", r.runbook());
        m.put("source", r.source());
        return m;
    }
}
