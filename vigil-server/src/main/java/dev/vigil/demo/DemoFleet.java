package dev.vigil.demo;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.config.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;

/**
 * A simulated fleet for {@code vigil demo}: six agents doing normal work every second, and on a
 * five-minute cycle every kind of misbehaviour the default rule pack detects, so that within a
 * minute there are incidents of every severity, a paused agent, a failed retry that escalates,
 * a successful retry, and review-queue entries. Agents honour their control documents: a paused
 * agent sends nothing, and retry directives are answered.
 *
 * <p>Driven by {@link #step}, once per second of elapsed time, so a test can run minutes of it on
 * a virtual clock.
 */
public final class DemoFleet {
    /** How often the misbehaviour repeats, in seconds. */
    static final int CYCLE = 300;
    private static final List<String> HEALTHY = List.of("billing-bot", "research-bot", "ops-bot", "triage-bot", "writer-bot", "sql-bot");

    private final String url;
    private final String key;
    private final Supplier<Instant> now;
    private final HttpClient http = HttpClient.newHttpClient();
    private final Random random = new Random(7);

    public DemoFleet(String url, String key, Supplier<Instant> now) {
        this.url = url;
        this.key = key;
        this.now = now;
    }

    /** Everything that happens in second {@code elapsed} of the demo. */
    public void step(long elapsed) {
        List<String> events = new ArrayList<>();
        for (String agent : HEALTHY) {
            if (paused(agent)) continue;
            events.add(event(agent, "\"kind\":\"tool_call\",\"tool\":\"search.web\",\"status\":\"ok\",\"latency_ms\":" + (200 + random.nextInt(300))
                    + ",\"params\":{\"q\":\"order " + random.nextInt(100000) + "\"}"));
            events.add(event(agent, "\"kind\":\"llm_call\",\"model\":\"gpt-x\",\"temperature\":0.7,\"status\":\"ok\",\"tokens\":{\"input\":"
                    + (800 + random.nextInt(400)) + ",\"output\":" + (100 + random.nextInt(100)) + "},\"cost_usd\":0.004,\"latency_ms\":"
                    + (600 + random.nextInt(400))));
        }
        long cycle = elapsed / CYCLE;
        long t = elapsed % CYCLE;
        String task = "refund-" + (4471 + cycle);
        if (t == 5) events.add(event("support-bot", "\"kind\":\"policy_violation\",\"attrs\":{\"policy\":\"pii\",\"detail\":\"card number in a public reply\"}"));
        if (t >= 8 && t <= 10) events.add(event("refund-bot", "\"task\":\"" + task + "\",\"kind\":\"outcome\",\"status\":\"error\",\"error\":{\"type\":\"timeout\"}"));
        if (t == 12) {
            for (int i = 0; i < 5; i++) events.add(event("search-bot", "\"run\":\"run-" + cycle + "\",\"task\":\"lookup-" + cycle + "\",\"kind\":\"tool_call\",\"tool\":\"search.web\",\"params\":{\"q\":\"refund policy\"}"));
        }
        if (t == 15) {
            for (int i = 0; i < 25; i++) {
                events.add(event("flaky-bot", (i % 2 == 0 ? "\"kind\":\"tool_call\",\"tool\":\"crm.lookup\",\"params\":{\"customer\":" + i + "}"
                        : "\"kind\":\"llm_call\",\"model\":\"gpt-x\"") + ",\"status\":\"" + (i % 5 < 2 ? "error" : "ok")
                        + "\",\"error\":{\"type\":\"rate_limit\"}"));
            }
        }
        if (t == 18) events.add(event("travel-bot", "\"kind\":\"decision\",\"flags\":[\"suboptimal\"],\"attrs\":{\"choice\":\"two layovers\"}"));
        if (t == 20) answer("refund-bot", "error");
        if (t == 22) answer("search-bot", "ok");
        if (t == 25 && !paused("coder-bot")) events.add(event("coder-bot", "\"kind\":\"tool_call\",\"tool\":\"git.force_push\",\"params\":{\"branch\":\"main\"}"));
        if (!events.isEmpty()) post("[" + String.join(",", events) + "]");
    }

    private String event(String agent, String fields) {
        return "{\"agent\":\"" + agent + "\",\"ts\":\"" + now.get() + "\"," + fields + "}";
    }

    /** The agent answers its pending retry directive, as an agent using the SDK would. */
    private void answer(String agent, String status) {
        JsonNode directives = get("/v1/agents/" + agent + "/control").path("directives");
        for (JsonNode d : directives) {
            post("[" + event(agent, "\"task\":\"" + d.path("task").asText() + "\",\"kind\":\"outcome\",\"status\":\"" + status
                    + "\",\"directive\":\"" + d.get("id").textValue() + "\"" + ("ok".equals(status) ? ",\"quality\":0.9" : "")) + "]");
        }
    }

    private boolean paused(String agent) {
        return "paused".equals(get("/v1/agents/" + agent + "/control").path("state").asText());
    }

    private JsonNode get(String path) {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url + path)).header("Authorization", "Bearer " + key).build(),
                    HttpResponse.BodyHandlers.ofString());
            return Json.MAPPER.readTree(r.body());
        } catch (IOException e) {
            return Json.MAPPER.createObjectNode();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Json.MAPPER.createObjectNode();
        }
    }

    private void post(String body) {
        try {
            http.send(HttpRequest.newBuilder(URI.create(url + "/v1/events")).header("Authorization", "Bearer " + key)
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.discarding());
        } catch (IOException e) {
            // the demo server is stopping
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
