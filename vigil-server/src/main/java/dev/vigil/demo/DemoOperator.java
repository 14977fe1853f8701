package dev.vigil.demo;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.config.Json;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The person on call in the demo, working through what the fleet caused, so the story can repeat
 * for hours: fingerprints are freed for new incidents and paused agents come back.
 *
 * <ul>
 *   <li>Critical incidents are reviewed the same cycle: resolved, and the
 *       agent their playbook paused is resumed.</li>
 *   <li>Every other incident is resolved once it is {@link #SETTLED} old, when the windows that
 *       raised it have passed (a surge, a rate), so resolving it does not reopen it at once.</li>
 *   <li>Left alone: {@value #BUDGET_RULE} (the agent stays paused until its 24-hour spend falls back
 *       under budget; nothing to do in the demo's lifetime), acknowledged incidents and agents paused
 *       by hand (someone trying the dashboard is doing those).</li>
 * </ul>
 */
final class DemoOperator {
    static final String BUDGET_RULE = "budget-exceeded";
    /** Longer than any default rule's window (10 minutes) plus a cycle's misbehaviour. */
    static final Duration SETTLED = Duration.ofMinutes(15);
    private static final String ACTOR_NOTE = "demo operator: ";

    private final DemoClient api;

    DemoOperator(DemoClient api) {
        this.api = api;
    }

    /** One round of review at {@code now}. */
    void review(Instant now) {
        for (JsonNode i : incidents("open")) {
            if (i.path("rule").asText().equals(BUDGET_RULE)) continue;
            boolean settled = !Instant.parse(i.path("detected_at").asText()).isAfter(now.minus(SETTLED));
            if (i.path("severity").asText().equals("critical") || settled) resolve(i, "reviewed; cause understood and fixed");
        }
        for (JsonNode agent : api.get("/v1/agents").path("agents")) {
            if (!agent.path("state").asText().equals("paused")) continue;
            String name = agent.path("agent").asText();
            String pausedBy = api.get("/v1/agents/" + name + "/control").path("paused_by").asText(null);
            if (pausedBy == null) continue; // paused by a person: theirs to resume
            JsonNode incident = api.get("/v1/incidents/" + pausedBy);
            if (incident.path("status").asText().equals("resolved")) {
                api.post("/v1/agents/" + name + "/resume", reason("incident " + pausedBy + " reviewed and resolved"));
            }
        }
    }

    /** A fresh demo over an old data directory: what the last run left open is closed, its pauses lifted. */
    void startOver() {
        for (String status : List.of("open", "acknowledged")) {
            for (JsonNode i : incidents(status)) {
                api.post("/v1/incidents/" + i.path("id").asText() + "/resolve", note("demo restarted"));
            }
        }
        for (JsonNode agent : api.get("/v1/agents").path("agents")) {
            if (agent.path("state").asText().equals("paused")) {
                api.post("/v1/agents/" + agent.path("agent").asText() + "/resume", reason("demo restarted"));
            }
        }
    }

    private void resolve(JsonNode incident, String why) {
        String id = incident.path("id").asText();
        api.post("/v1/incidents/" + id + "/resolve", note(why));
    }

    private List<JsonNode> incidents(String status) {
        List<JsonNode> out = new ArrayList<>();
        String cursor = null;
        do {
            JsonNode page = api.get("/v1/incidents?status=" + status + "&limit=1000" + (cursor == null ? "" : "&cursor=" + DemoClient.query(cursor)));
            page.path("incidents").forEach(out::add);
            cursor = page.path("next_cursor").asText(null);
        } while (cursor != null);
        return out;
    }

    private static String note(String text) {
        return Json.MAPPER.createObjectNode().put("note", ACTOR_NOTE + text).toString();
    }

    private static String reason(String text) {
        return Json.MAPPER.createObjectNode().put("reason", ACTOR_NOTE + text).toString();
    }
}
