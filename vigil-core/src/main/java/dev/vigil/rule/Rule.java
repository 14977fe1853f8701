package dev.vigil.rule;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;

/**
 * One detection rule (DESIGN §4), validated and with its CEL compiled.
 *
 * @param source     the file it came from ({@code builtin} for the default pack)
 * @param definition a digest of the rule's YAML; a reload keeps window state only for rules
 *                   whose definition did not change
 * @param playbook   the rule's playbook override as written, or null (used by the response stage)
 */
public record Rule(
        String id,
        String title,
        String description,
        Severity severity,
        Category category,
        Expression match,
        List<GroupField> groupBy,
        Primitive primitive,
        Map<String, String> labels,
        String runbook,
        String example,
        boolean dryRun,
        JsonNode playbook,
        boolean enabled,
        String source,
        String definition) {}
