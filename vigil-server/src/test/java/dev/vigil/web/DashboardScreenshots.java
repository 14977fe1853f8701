package dev.vigil.web;

import static dev.vigil.server.TestVigil.ADMIN;
import static dev.vigil.server.TestVigil.OPERATOR;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.vigil.demo.DemoFleet;
import dev.vigil.server.TestVigil;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.support.ui.ExpectedConditions;

/**
 * Renders the README's dashboard screenshots from six hours of the demo fleet on a virtual clock,
 * with operators' feedback along the way and a Slack endpoint that fails every fourth delivery.
 * A program, not a test (it checks nothing; a person looks at the pictures): run it when the
 * dashboard changes, with the command in the README, which calls {@link #main} with the folder to
 * write to (docs/screenshots).
 */
public final class DashboardScreenshots {
    /** Demo cycles, 15 virtual minutes apart: six hours; fewer for a quick look while working on the CSS. */
    private static final int CYCLES = Integer.getInteger("vigil.screenshots.cycles", 24);
    /** Virtual milliseconds per real millisecond while the fleet is busy: a cycle's 30 seconds in 1.5 s. */
    private static final int SPEED = 20;

    private final Path data;

    private DashboardScreenshots(Path data) {
        this.data = data;
    }

    /** @param args the folder the screenshots are written to */
    public static void main(String[] args) throws Exception {
        if (args.length != 1) throw new IllegalArgumentException("usage: DashboardScreenshots OUTPUT-FOLDER");
        new DashboardScreenshots(Files.createTempDirectory("vigil-screenshots")).render(Path.of(args[0]));
    }

    private void render(Path out) throws Exception {
        Files.createDirectories(out);
        AtomicInteger deliveries = new AtomicInteger();
        HttpServer slack = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        slack.createContext("/", exchange -> {
            exchange.getRequestBody().readAllBytes();
            exchange.sendResponseHeaders(deliveries.incrementAndGet() % 4 == 0 ? 503 : 200, -1);
            exchange.close();
        });
        slack.start();
        Path extraRules = data.resolve("team-rules.yaml");
        Files.writeString(extraRules, """
                rules:
                  - id: refund-over-limit
                    title: Refund above the agent's single-refund limit
                    severity: high
                    category: security
                    match: event.kind == "tool_call" && event.tool == "payments.refund"
                    dry_run: true
                    runbook: Check the order; refunds above 500 need a second approver.
                  # The simulation skips the quiet minutes between bursts, which would look like silence.
                  - id: agent-silent
                    title: Active agent went silent for 10 minutes
                    severity: medium
                    category: performance
                    group_by: [agent]
                    absent: {for: 10m}
                    enabled: false
                """);
        try (TestVigil vigil = TestVigil.start(data, null, DemoFleet.REGISTRY + """
                channels:
                  slack: {type: slack, webhook_url: "http://127.0.0.1:%d/hook"}
                response:
                  action_attempts: 2
                rules:
                  - %s
                """.formatted(slack.getAddress().getPort(), extraRules));
             Browser browser = new Browser(1280, 900)) {
            simulate(vigil);
            // A teammate's broken edit: the dashboard shows the reload's errors while the old rules keep running.
            Files.writeString(extraRules, "rules:\n  - id: refund-over-limit\n    severity: urgent\n    match: event.tool ==\n");
            vigil.post("/v1/rules/reload", ADMIN, "application/json", "");

            browser.signIn(vigil.url(""), OPERATOR);
            shoot(browser, out, "fleet", "#/fleet", "table.fleet");
            shoot(browser, out, "incidents", "#/incidents", "table.incidents", 1280, 1300);
            String escalated = vigil.incidents("?rule=task-failure-storm").stream()
                    .filter(i -> i.get("escalated").booleanValue()).findFirst().orElseThrow().get("id").textValue();
            shoot(browser, out, "incident", "#/incidents/" + escalated, "#timeline");
            shoot(browser, out, "review", "#/review", "section.batch", 1280, 1300);
            shoot(browser, out, "weekly", "#/weekly", ".breakdowns");
            shoot(browser, out, "rules", "#/rules", "table.rules");
            shoot(browser, out, "health", "#/health?period=6h", "svg.chart");
            shoot(browser, out, "incidents-phone", "#/incidents", "table.incidents", 390, 1400);
        } finally {
            slack.stop(0);
        }
    }

    /**
     * The demo's misbehaviour every 15 minutes, and operators answering. While the fleet is busy
     * the clock runs at {@link #SPEED} times real time rather than jumping, so detection and
     * actions take about the time they really take (scaled) instead of none or a whole second.
     */
    private static void simulate(TestVigil vigil) throws InterruptedException {
        DemoFleet fleet = new DemoFleet(vigil.url(""), ADMIN, vigil.clock::instant);
        Random random = new Random(11);
        AtomicBoolean running = new AtomicBoolean(true);
        Thread creep = Thread.ofPlatform().daemon().start(() -> {
            while (running.get()) {
                LockSupport.parkNanos(1_000_000);
                vigil.clock.advance(Duration.ofMillis(SPEED));
            }
        });
        try {
            for (int cycle = 0; cycle < CYCLES; cycle++) {
                vigil.clock.set(TestVigil.START.plusSeconds(cycle * 900L)); // the demo's cycle is 5 minutes; 10 quiet minutes are skipped
                for (int t = 0; t <= 30; t++) {
                    Instant second = TestVigil.START.plusSeconds(cycle * 900L + t);
                    while (vigil.clock.instant().isBefore(second)) Thread.sleep(1);
                    fleet.step(cycle * 300L + t);
                }
                answer(vigil, random, cycle);
            }
            finale(vigil);
            Thread.sleep(1500); // the last actions finish
        } finally {
            running.set(false);
            creep.join();
        }
    }

    /** Fresh trouble of every severity at the end, so the newest incidents are not all the demo's repeating ones. */
    private static void finale(TestVigil vigil) {
        String now = "\"ts\":\"" + vigil.clock.instant() + "\"";
        StringBuilder events = new StringBuilder("[");
        events.append("{\"agent\":\"writer-bot\",").append(now).append(",\"run\":\"run-77\",\"kind\":\"llm_call\",\"flags\":[\"harmful\"]},");
        events.append("{\"agent\":\"research-bot\",").append(now).append(",\"kind\":\"decision\",\"flags\":[\"suboptimal\"],\"attrs\":{\"choice\":\"paid source\"}}");
        for (int i = 0; i < 25; i++) {
            events.append(",{\"agent\":\"etl-bot\",").append(now).append(",\"kind\":\"tool_call\",\"tool\":\"db.query\",\"status\":\"")
                    .append(i % 5 < 2 ? "error" : "ok").append("\",\"params\":{\"table\":\"orders\",\"page\":").append(i).append("}}");
        }
        vigil.accept(events.append(']').toString());
    }

    /** Operators acknowledge, resolve and judge some of the cycle's incidents. */
    private static void answer(TestVigil vigil, Random random, int cycle) {
        List<JsonNode> open = vigil.incidents("?status=open&limit=1000");
        for (JsonNode i : open) {
            String id = i.get("id").textValue();
            if (i.get("severity").textValue().equals("critical") && cycle < 2) continue; // the pauses stay for the fleet page
            double roll = random.nextDouble();
            if (roll < 0.5) {
                String verdict = random.nextDouble() < 0.15 ? "false_positive" : "true_positive";
                String severity = random.nextDouble() < 0.2 ? "low" : i.get("severity").textValue();
                vigil.post("/v1/incidents/" + id + "/feedback", OPERATOR, "application/json",
                        "{\"verdict\":\"" + verdict + "\",\"severity\":\"" + severity + "\"}");
            }
            if (roll < 0.3 && cycle < CYCLES - 2) vigil.post("/v1/incidents/" + id + "/resolve", OPERATOR, "application/json", "{}");
            else if (roll < 0.6) vigil.post("/v1/incidents/" + id + "/ack", OPERATOR, "application/json", "{}");
        }
    }

    private static void shoot(Browser browser, Path out, String name, String hash, String ready) throws IOException, InterruptedException {
        shoot(browser, out, name, hash, ready, 1280, 2400);
    }

    private static void shoot(Browser browser, Path out, String name, String hash, String ready, int width, int maxHeight)
            throws IOException, InterruptedException {
        browser.driver.manage().window().setSize(new Dimension(width, 900));
        browser.driver.executeScript("location.hash = arguments[0]", hash);
        browser.waitUpTo(Duration.ofSeconds(20)).until(ExpectedConditions.presenceOfElementLocated(By.cssSelector(ready)));
        Thread.sleep(400); // fonts and layout settle
        for (int i = 0; i < 2; i++) { // the window's height includes the browser's own; the second pass corrects for it
            long height = (Long) browser.driver.executeScript(
                    "return Math.min(arguments[0], document.documentElement.scrollHeight) + window.outerHeight - window.innerHeight", maxHeight);
            browser.driver.manage().window().setSize(new Dimension(width, (int) Math.max(900, height)));
            Thread.sleep(200);
        }
        Files.write(out.resolve(name + ".png"), browser.driver.getScreenshotAs(OutputType.BYTES));
    }
}
