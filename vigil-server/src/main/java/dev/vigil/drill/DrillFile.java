package dev.vigil.drill;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A drill file: cases of what to inject and what must follow (DESIGN §9).
 *
 * <pre>
 * agents: [{id: spender, budget_usd_per_day: 5}]      # registry entries the embedded server gets (a running server's
 *                                                     # cases that send as these agents are skipped: it has no such entry)
 * drills:
 *   - name: task-failure-storm, failed retry
 *     description: ...
 *     inject:
 *       - {at: 0s, event: {agent: d, task: t, kind: outcome, status: error}}
 *       - {at: 30s, answer_retry: {agent: d, status: error}}   # the agent answers its retry directive
 *       - {at: 0s, malformed: '{"agent": '}                     # a raw body
 *       - {at: 0s, flood: {events_per_second: 500, for: 5s, event: {...}}}
 *       - {at: 0s, channel_fails: 2}                            # the drill channel fails that many deliveries
 *       - {at: 11m, advance: true}                               # just let time pass
 *     expect:
 *       incidents: [{rule: task-failure-storm, severity: high, actions: [notify, retry], escalated: true}]
 *       http_status: 400
 *       no_incident: false
 *     within: 5s
 * </pre>
 */
public record DrillFile(List<JsonNode> agents, List<Case> drills) {
    private static final ObjectMapper YAML = JsonMapper.builder(new YAMLFactory())
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    public DrillFile {
        agents = agents == null ? List.of() : agents;
        drills = drills == null ? List.of() : drills;
    }

    public record Case(String name, String description, List<Step> inject, Expect expect, String within) {
        public Case {
            if (name == null) throw new IllegalArgumentException("drills: every case needs a name");
            inject = inject == null ? List.of() : inject;
            if (expect == null) expect = new Expect(null, null, null);
            if (within == null) within = "10s";
        }
    }

    /**
     * One injection, at {@code at} after the case starts: virtual time when embedded; against a
     * running server, the events' {@code ts} (they are all sent at once) and real waiting only
     * for {@code advance}.
     */
    public record Step(String at, JsonNode event, String malformed, Flood flood, Integer channelFails, Answer answerRetry,
                       Boolean advance) {
        public Step {
            if (at == null) at = "0s";
        }
    }

    public record Flood(Integer eventsPerSecond, @com.fasterxml.jackson.annotation.JsonProperty("for") String duration, JsonNode event) {}

    public record Answer(String agent, String status) {}

    /** @param httpStatus the status every injected request must get (malformed input); null: 2xx */
    public record Expect(List<ExpectedIncident> incidents, Integer httpStatus, Boolean noIncident) {
        public Expect {
            incidents = incidents == null ? List.of() : incidents;
            if (noIncident == null) noIncident = false;
        }
    }

    public record ExpectedIncident(String rule, String severity, String agent, List<String> actions, Boolean escalated,
                                   String status) {
        public ExpectedIncident {
            actions = actions == null ? List.of() : actions;
        }
    }

    public static DrillFile parse(String name, String yaml) {
        try {
            return YAML.readValue(yaml, DrillFile.class);
        } catch (IOException e) {
            throw new IllegalArgumentException(name + ": " + e.getMessage().lines().findFirst().orElse("not a drill file"));
        }
    }

    /** The built-in default drill pack. */
    public static DrillFile defaults() {
        try (InputStream in = DrillFile.class.getResourceAsStream("/dev/vigil/drill/default-drills.yaml")) {
            return parse("default drills", new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException | NullPointerException e) {
            throw new IllegalStateException("the default drill pack is missing from the jar", e);
        }
    }
}
