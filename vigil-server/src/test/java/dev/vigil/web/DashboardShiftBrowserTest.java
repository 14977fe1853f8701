package dev.vigil.web;

import static dev.vigil.server.TestVigil.OPERATOR;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;

/**
 * The dashboard on a busy shift (issue 16, points 9 to 11), in a real headless Chromium against a
 * real server: evidence as a compact table, the incident list's search, bulk actions and drill
 * toggle, the fleet's paused agents first, and the details (local times, runbook paragraphs,
 * group values, pause reasons, actors, the review queue's order, the health charts' axes). The
 * browser runs in Asia/Kolkata (UTC+5:30), so a time shown in UTC is told apart from a local one.
 * One browser and server for the class; each test uses its own agents.
 */
class DashboardShiftBrowserTest extends DashboardSession {
    private static final ZoneId BROWSER_ZONE = ZoneId.of("Asia/Kolkata");
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(BROWSER_ZONE);


    @Override
    String config() {
        return "";
    }

    @Override
    void prepare(Browser browser) {
        browser.driver.executeCdpCommand("Emulation.setTimezoneOverride", Map.of("timezoneId", BROWSER_ZONE.getId()));
    }


    /** Runs {@code read} until it completes without meeting an element that a live redraw replaced meanwhile. */
    private <T> T untilFresh(Function<WebDriver, T> read) {
        return browser.waitUpTo(WAIT).ignoring(StaleElementReferenceException.class).until(read::apply);
    }

    private Object script(String js, Object... args) {
        return browser.driver.executeScript(js, args);
    }

    private Object module(String js) {
        browser.driver.manage().timeouts().scriptTimeout(WAIT);
        return browser.driver.executeAsyncScript("const done = arguments[arguments.length - 1];" + js);
    }

    private String event(String agent, String fields) {
        return "{\"agent\":\"" + agent + "\",\"ts\":\"" + vigil.clock.instant() + "\"," + fields + "}";
    }

    private String events(int n, String agent, String fields) {
        return "[" + String.join(",", java.util.Collections.nCopies(n, event(agent, fields))) + "]";
    }

    private JsonNode onlyIncident(String query) {
        await().atMost(WAIT).until(() -> vigil.incidents(query).size() == 1);
        return vigil.incidents(query).getFirst();
    }

    private List<String> texts(String css) {
        return untilFresh(d -> d.findElements(By.cssSelector(css)).stream().map(WebElement::getText).toList());
    }

    // Point 9: evidence.

    @Test
    void evidenceIsACompactTableOfTheEventsThatFiredSayingHowManyAreKept() {
        // 25 failures of one task: the rule fires on the 3rd and on each after it, 23 times; 20 events are kept.
        vigil.accept(events(25, "storm-bot", "\"task\":\"refund-1\",\"kind\":\"outcome\",\"status\":\"error\",\"tool\":\"payments.refund\","
                + "\"error\":{\"type\":\"timeout\",\"message\":\"payments API timed out\"}"));
        await().atMost(WAIT).until(() -> vigil.incidents("?agent=storm-bot").size() == 1
                && vigil.incidents("?agent=storm-bot").getFirst().get("count").intValue() == 23);
        String id = vigil.incidents("?agent=storm-bot").getFirst().get("id").textValue();
        await().atMost(WAIT).until(() -> vigil.get("/v1/incidents/" + id, OPERATOR).json().get("evidence").size() == 20);

        signIn();
        open("#/incidents/" + id);
        waitFor("#evidence tbody.event");
        assertThat(texts("#evidence tbody.event")).hasSize(20);
        assertThat(waitFor("#evidence").findElement(By.xpath("ancestor::section/h2")).getText()).isEqualTo("Evidence (20 of 23 events)");
        assertThat(waitFor("#evidence-summary").getText())
                .contains("The rule fired 23 times (first: 3 matching events within 5m); each row is the event that made it fire that time.")
                .contains("Showing the first and the 19 most recent of 23");
        assertThat(texts("#evidence thead th")).containsExactly("TIME", "KIND", "TOOL / MODEL", "STATUS", "ERROR");
        assertThat(texts("#evidence tr.event-row").getFirst()).contains("outcome", "payments.refund", "error", "timeout: payments API timed out");

        // Collapsed, 20 events fit in a page or two instead of the 6,821 px of always-open JSON.
        assertThat(browser.driver.findElements(By.cssSelector("#evidence pre.json")).stream().noneMatch(WebElement::isDisplayed)).isTrue();
        assertThat((Long) script("return document.documentElement.scrollHeight")).isLessThan(2600L);

        WebElement toggle = waitFor("#event-toggle-1");
        assertThat(toggle.getAttribute("aria-expanded")).isEqualTo("false");
        toggle.click();
        assertThat(waitFor("#event-1 pre.json").getText()).contains("\"task\": \"refund-1\"", "\"message\": \"payments API timed out\"");
        assertThat(browser.driver.findElement(By.id("event-toggle-1")).getAttribute("aria-expanded")).isEqualTo("true");

        // A live update redraws the page: the open event stays open.
        vigil.post("/v1/incidents/" + id + "/ack", OPERATOR, "application/json", "{}");
        browser.waitUpTo(WAIT).until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector(".incident-header .badges"), "ACKNOWLEDGED"));
        assertThat(waitFor("#event-1 pre.json").isDisplayed()).isTrue();
        assertThat(browser.driver.findElement(By.cssSelector("#event-2")).isDisplayed()).isFalse();

        // On a phone each event is a card; nothing runs off the side.
        try {
            browser.driver.manage().window().setSize(new org.openqa.selenium.Dimension(390, 844));
            waitFor("#event-toggle-0");
            List<?> widths = (List<?>) script("return [document.documentElement.scrollWidth, document.documentElement.clientWidth]");
            assertThat((Long) widths.get(0)).isLessThanOrEqualTo((Long) widths.get(1));
        } finally {
            browser.driver.manage().window().setSize(new org.openqa.selenium.Dimension(1280, 900));
        }
    }

    // Point 10: the incident list and the fleet.

    @Test
    void theIncidentListSearchesHidesDrillsAndActsOnSeveralIncidentsAtOnce() {
        for (String agent : List.of("bulk-a", "bulk-b", "bulk-c")) vigil.accept("[" + event(agent, "\"kind\":\"decision\",\"flags\":[\"suboptimal\"]") + "]");
        vigil.accept("[" + event("bulk-drill", "\"kind\":\"decision\",\"flags\":[\"suboptimal\"],\"attrs\":{\"drill\":true}") + "]");
        for (String agent : List.of("bulk-a", "bulk-b", "bulk-c", "bulk-drill")) onlyIncident("?agent=" + agent);
        assertThat(onlyIncident("?agent=bulk-drill").get("drill").booleanValue()).isTrue();

        signIn();
        open("#/incidents");
        waitFor("#incident-list tr[data-incident]");
        assertThat(texts("#incident-list td[data-label=Agent]")).contains("bulk-a", "bulk-b", "bulk-c").doesNotContain("bulk-drill");
        assertThat(waitFor("#list-note").getText()).contains("1 drill incident is hidden");
        waitFor("#show-drills").click();
        browser.waitUpTo(WAIT).until(d -> texts("#incident-list td[data-label=Agent]").contains("bulk-drill"));
        assertThat(browser.driver.getCurrentUrl()).contains("drills=1");
        waitFor("#show-drills").click();
        browser.waitUpTo(WAIT).until(d -> !texts("#incident-list td[data-label=Agent]").contains("bulk-drill"));

        // Text search narrows the list as one types, and the address keeps it.
        browser.driver.executeScript("window.__sameDocument = true");
        waitFor("#search").sendKeys("bulk-");
        browser.waitUpTo(WAIT).until(d -> texts("#incident-list td[data-label=Agent]").stream().sorted().toList().equals(List.of("bulk-a", "bulk-b", "bulk-c")));
        assertThat(browser.driver.getCurrentUrl()).contains("q=bulk-");
        assertThat(script("return document.activeElement.id")).isEqualTo("search");
        assertThat(script("return window.__sameDocument")).as("no reload while typing").isEqualTo(true);
        assertThat(waitFor("#list-note").getText()).contains("3 of the");

        // Select all shown, acknowledge them together.
        assertThat(waitFor("#bulk-ack").isEnabled()).isFalse();
        waitFor("#select-all").click();
        browser.waitUpTo(WAIT).until(ExpectedConditions.textToBe(By.id("bulk-ack"), "Acknowledge 3"));
        browser.driver.findElement(By.id("bulk-ack")).click();
        assertThat(waitFor("#bulk-message .notice-success").getText()).isEqualTo("Acknowledged 3 incidents.");
        for (String agent : List.of("bulk-a", "bulk-b", "bulk-c")) {
            assertThat(onlyIncident("?agent=" + agent).get("status").textValue()).isEqualTo("acknowledged");
        }
        assertThat(onlyIncident("?agent=bulk-drill").get("status").textValue()).as("hidden, so not selected").isEqualTo("open");

        // Two of them, resolved together.
        String a = onlyIncident("?agent=bulk-a").get("id").textValue();
        String b = onlyIncident("?agent=bulk-b").get("id").textValue();
        untilFresh(d -> {
            d.findElement(By.id("select-" + a)).click();
            return true;
        });
        untilFresh(d -> {
            d.findElement(By.id("select-" + b)).click();
            return true;
        });
        browser.waitUpTo(WAIT).until(ExpectedConditions.textToBe(By.id("bulk-resolve"), "Resolve 2"));
        assertThat(browser.driver.findElement(By.id("bulk-ack")).isEnabled()).as("none of them is open").isFalse();
        browser.driver.findElement(By.id("bulk-resolve")).click();
        browser.waitUpTo(WAIT).until(ExpectedConditions.textToBe(By.cssSelector("#bulk-message .notice-success"), "Resolved 2 incidents."));
        assertThat(onlyIncident("?agent=bulk-a").get("status").textValue()).isEqualTo("resolved");
        assertThat(onlyIncident("?agent=bulk-b").get("status").textValue()).isEqualTo("resolved");
        assertThat(onlyIncident("?agent=bulk-c").get("status").textValue()).isEqualTo("acknowledged");
    }

    @Test
    void pausedAgentsComeFirstInTheFleetAndAPlaybookPauseLinksToItsIncident() {
        vigil.accept("[" + event("aaa-running", "\"kind\":\"llm_call\"") + "]");
        vigil.accept("[" + event("zzz-violator", "\"kind\":\"policy_violation\"") + "]"); // critical: the playbook pauses it
        await().atMost(WAIT).until(() -> vigil.get("/v1/agents/zzz-violator", OPERATOR).json().get("state").textValue().equals("paused"));
        String incident = onlyIncident("?agent=zzz-violator").get("id").textValue();

        signIn();
        waitFor("button[data-agent=zzz-violator]");
        List<String> states = texts("table.fleet td[data-label=State] .badge[class*=state-]");
        assertThat(states).contains("RUNNING", "PAUSED");
        assertThat(states.lastIndexOf("PAUSED")).as("every paused agent before every running one: " + states).isLessThan(states.indexOf("RUNNING"));
        List<String> agents = texts("table.fleet td[data-label=Agent] a");
        assertThat(agents.indexOf("zzz-violator")).isLessThan(agents.indexOf("aaa-running"));

        WebElement reason = waitFor("button[data-agent=zzz-violator]").findElement(By.xpath("ancestor::tr")).findElement(By.cssSelector("a.pause-incident"));
        assertThat(reason.getText()).contains("Agent reported a policy violation");
        assertThat(reason.getAttribute("href")).endsWith("#/incidents/" + incident);
        reason.click();
        browser.waitUpTo(WAIT).until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector(".incident-header h1"), "Agent reported a policy violation"));

        // Point 11 on the same page: no empty group value ("run=" for an event without a run), the runbook in paragraphs.
        String facts = waitFor(".facts").getText();
        assertThat(facts).contains("agent=zzz-violator").doesNotContain("run=");
        List<String> runbook = texts("#runbook p");
        assertThat(runbook).hasSize(1);
        assertThat(runbook.getFirst()).contains("It is paused. Read the evidence event's params").doesNotContain("\n");
    }

    // Point 11: the details.

    @Test
    void timesAreLocalAndReadableAndTheActorIsTheKeysName() {
        // 20 failing calls: a medium error-rate incident, whose playbook raises telemetry "until" a time.
        vigil.accept(events(20, "time-bot", "\"kind\":\"llm_call\",\"status\":\"error\""));
        String id = onlyIncident("?agent=time-bot").get("id").textValue();
        await().atMost(WAIT).until(() -> vigil.get("/v1/incidents/" + id, OPERATOR).json().get("timeline").toString().contains(" until "));
        JsonNode incident = vigil.get("/v1/incidents/" + id, OPERATOR).json();
        Instant detected = Instant.parse(incident.get("detected_at").textValue());
        String until = null;
        for (JsonNode t : incident.get("timeline")) {
            String detail = t.path("detail").asText("");
            java.util.regex.Matcher iso = java.util.regex.Pattern.compile(" until (\\d{4}-\\d{2}-\\d{2}T[\\d:.]+Z)").matcher(detail);
            if (iso.find()) until = iso.group(1);
        }
        vigil.post("/v1/incidents/" + id + "/ack", OPERATOR, "application/json", "{}");

        signIn();
        open("#/incidents/" + id);
        browser.waitUpTo(WAIT).until(ExpectedConditions.textToBePresentInElementLocated(By.id("timeline"), "Acknowledged"));
        String timeline = waitFor("#timeline").getText();
        assertThat(timeline).contains("by operator (env key)").doesNotContain("VIGIL_OPERATOR_KEY");
        assertThat(timeline).as("local times, not ISO or UTC").doesNotContain("UTC").doesNotContainPattern("\\d{4}-\\d{2}-\\d{2}T");
        assertThat(texts("#timeline .tl-time").getFirst()).contains(CLOCK.format(detected), "2026");
        assertThat(timeline).contains("until " + texts("#timeline .tl-detail time").getFirst());
        assertThat(texts("#timeline .tl-detail time").getFirst()).contains(CLOCK.format(Instant.parse(until)));
        assertThat(waitFor("#timeline .tl-time time").getAttribute("title")).as("UTC on hover").endsWith(" UTC");

        // Java's instants may carry nanoseconds: they read the same.
        Object text = module("import('/js/dom.js').then(({textWithTimes, el}) => done(el('div', {}, "
                + "textWithTimes('answer due by 2026-11-29T04:00:00.123456789Z.')).textContent));");
        assertThat(text).isEqualTo("answer due by Nov 29, 2026, 09:30:00.");
    }

    /** This server has no channels: a critical incident's page says nobody was notified, and why. */
    @Test
    void aCriticalIncidentWithNoChannelSaysItsNotificationWasSkippedAndWhy() {
        vigil.accept("[" + event("lonely-bot", "\"kind\":\"policy_violation\"") + "]");
        String id = onlyIncident("?agent=lonely-bot").get("id").textValue();
        await().atMost(WAIT).until(() -> vigil.get("/v1/incidents/" + id, OPERATOR).json().get("timeline").toString().contains("paused"));

        signIn();
        open("#/incidents/" + id);
        browser.waitUpTo(WAIT).until(ExpectedConditions.textToBePresentInElementLocated(By.id("timeline"), "no channel configured"));
        assertThat(waitFor("#timeline").getText()).contains("notify: no channel configured to notify every channel")
                .contains("pause_agent: agent lonely-bot paused");
    }

    @Test
    void aRunbookIsParagraphsAndListsNotTheYamlLineBreaks() {
        signIn();
        Object html = module("import('/js/dom.js').then(({paragraphs, el}) => done(el('div', {}, "
                + "paragraphs('Check the order;\\nrefunds above 500\\nneed a second approver.\\n\\n- call the owner\\n- pause it\\n\\n1. one\\n2. two\\n')).innerHTML));");
        assertThat(html).isEqualTo("<p>Check the order; refunds above 500 need a second approver.</p>"
                + "<ul><li>call the owner</li><li>pause it</li></ul><ol><li>one</li><li>two</li></ol>");
    }

    @Test
    void theReviewQueueListsIncidentsByDetectionTimeNewestFirst() {
        vigil.accept(events(20, "review-early", "\"kind\":\"llm_call\",\"status\":\"error\""));
        onlyIncident("?agent=review-early");
        vigil.clock.advance(Duration.ofMinutes(1));
        vigil.accept(events(20, "review-late", "\"kind\":\"llm_call\",\"status\":\"error\""));
        onlyIncident("?agent=review-late");
        await().atMost(WAIT).until(() -> vigil.get("/v1/review", OPERATOR).body().contains("review-late"));

        signIn();
        open("#/review");
        waitFor("section.batch td[data-label=Agent]");
        List<String> agents = texts("section.batch td[data-label=Agent]");
        assertThat(agents).contains("review-early", "review-late");
        assertThat(agents.indexOf("review-late")).as(agents.toString()).isLessThan(agents.indexOf("review-early"));
    }

    @Test
    void healthChartsEndNowAndKeepTheirYAxisInOneUnit() {
        signIn();
        open("#/health");
        waitFor(".chart");
        List<WebElement> charts = browser.driver.findElements(By.cssSelector("svg.chart"));
        assertThat(charts).hasSize(4);
        for (WebElement chart : charts) {
            List<WebElement> ticks = chart.findElements(By.cssSelector("text.x-tick"));
            assertThat(ticks.getLast().getText()).isEqualTo("now");
            assertThat(ticks.getLast().getAttribute("text-anchor")).isEqualTo("end");
        }

        // Latencies from 1 s to 90 s: every axis label in minutes (not "0 ms", "50.0 s", "2 min").
        @SuppressWarnings("unchecked")
        List<String> labels = (List<String>) module("""
                Promise.all([import('/js/chart.js'), import('/js/dom.js')]).then(([{lineChart, durationAxis}, {millis}]) => {
                  const buckets = [0, 1, 2].map(h => ({start: new Date(Date.UTC(2026, 10, 29, h)).toISOString(),
                    end: new Date(Date.UTC(2026, 10, 29, h + 1)).toISOString()}));
                  const chart = lineChart({title: 't', buckets, format: millis, axis: durationAxis, endLabel: 'now',
                    series: [{name: 'p95', values: [1000, 30000, 90000]}]});
                  done([...chart.querySelectorAll('text.axis:not(.x-tick)')].map(t => t.textContent));
                });""");
        assertThat(labels).containsExactly("0 min", "1 min", "2 min");
    }
}
