package dev.vigil.web;

import static dev.vigil.server.TestVigil.ADMIN;
import static dev.vigil.server.TestVigil.AGENT;
import static dev.vigil.server.TestVigil.OPERATOR;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.Keys;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;

/**
 * The dashboard in a real headless Chromium against a real server: sign-in, the fleet, an
 * incident arriving live, acknowledging it, resuming a paused agent, and agent-supplied markup
 * staying text. One browser for the class (it is slow to start); each test uses its own agents.
 */
class DashboardBrowserTest extends DashboardSession {


    @Override
    String config() {
        return "agents:\n  - {id: fleet-a, owner: payments}\n";
    }

    /** Runs {@code read} until it completes without meeting an element that a live redraw replaced meanwhile. */
    private <T> T untilFresh(Function<WebDriver, T> read) {
        return browser.waitUpTo(WAIT).ignoring(StaleElementReferenceException.class).until(read::apply);
    }


    private String event(String agent, String fields) {
        return "{\"agent\":\"" + agent + "\",\"ts\":\"" + vigil.clock.instant() + "\"," + fields + "}";
    }

    @Test
    void aWrongKeyIsRefusedTheOperatorKeyShowsTheFleetAndSignOutForgetsIt() {
        vigil.accept("[" + event("fleet-a", "\"kind\":\"llm_call\",\"tokens\":{\"input\":1200,\"output\":300},\"cost_usd\":0.25") + "]");
        browser.driver.get(vigil.url("/"));
        browser.driver.executeScript("sessionStorage.clear()");
        browser.driver.navigate().refresh();
        waitFor("#key").sendKeys("not-a-key");
        browser.driver.findElement(By.cssSelector("#sign-in-form button[type=submit]")).click();
        assertThat(waitFor("#sign-in-error").getText()).contains("not known");
        assertThat(browser.driver.executeScript("return sessionStorage.length")).isEqualTo(0L);

        browser.signIn(vigil.url(""), OPERATOR);
        WebElement row = waitFor("table.fleet button[data-agent=fleet-a]").findElement(By.xpath("ancestor::tr"));
        assertThat(row.getText()).contains("fleet-a", "owner payments", "RUNNING", "1,500", "$0.25");
        assertThat(browser.driver.getCurrentUrl()).doesNotContain(OPERATOR);
        assertThat(browser.driver.executeScript("return sessionStorage.getItem('vigil.operatorKey')")).isEqualTo(OPERATOR);

        browser.driver.findElement(By.id("sign-out")).click();
        waitFor("#key");
        assertThat(browser.driver.executeScript("return sessionStorage.length")).isEqualTo(0L);
        assertThat(browser.driver.findElement(By.id("view")).getText()).isEmpty();
    }

    @Test
    void aRefusedKeySendsTheOperatorBackToSignIn() {
        signIn();
        browser.driver.executeScript("sessionStorage.setItem('vigil.operatorKey', 'revoked-key')");
        browser.driver.navigate().refresh();
        waitFor("#key");
        assertThat(browser.driver.executeScript("return sessionStorage.length")).isEqualTo(0L);
    }

    @Test
    void anIncidentAppearsLiveIsAcknowledgedFromItsPageAndItsResolutionShowsLive() {
        signIn();
        open("#/incidents?agent=loop-bot");
        waitFor("#incident-list");
        browser.driver.executeScript("window.__sameDocument = true");

        StringBuilder loop = new StringBuilder("[");
        for (int i = 0; i < 5; i++) {
            if (i > 0) loop.append(',');
            loop.append(event("loop-bot", "\"run\":\"r1\",\"kind\":\"tool_call\",\"tool\":\"search.web\",\"params\":{\"q\":\"same\"}"));
        }
        vigil.accept(loop.append(']').toString());

        // The row is drawn again as the incident's actions complete: read and click it afresh each time.
        String rowCss = "#incident-list tr[data-incident]";
        waitFor(rowCss);
        String rowText = untilFresh(d -> d.findElement(By.cssSelector(rowCss)).getText());
        assertThat(rowText).contains("HIGH", "Agent repeats the same tool call", "loop-bot", "OPEN");
        assertThat(browser.driver.executeScript("return window.__sameDocument")).as("no reload").isEqualTo(true);

        String id = untilFresh(d -> d.findElement(By.cssSelector(rowCss)).getAttribute("data-incident"));
        untilFresh(d -> {
            d.findElement(By.cssSelector(rowCss + " a")).click();
            return true;
        });
        waitFor("#acknowledge").click();
        browser.waitUpTo(WAIT).until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector(".incident-header .badges"), "ACKNOWLEDGED"));
        assertThat(waitFor("#timeline").getText()).contains("Acknowledged", "by operator (env key)");
        assertThat(vigil.get("/v1/incidents/" + id, OPERATOR).json().get("status").textValue()).isEqualTo("acknowledged");

        // Someone else resolves it: the list shows that without a reload.
        open("#/incidents?agent=loop-bot");
        browser.waitUpTo(WAIT).until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("tr[data-incident='" + id + "']"), "ACKNOWLEDGED"));
        assertThat(vigil.post("/v1/incidents/" + id + "/resolve", OPERATOR, "application/json", "{}").status()).isEqualTo(200);
        browser.waitUpTo(WAIT).until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("tr[data-incident='" + id + "']"), "RESOLVED"));
        assertThat(browser.driver.executeScript("return window.__sameDocument")).as("no reload").isEqualTo(true);
    }

    @Test
    void aPausedAgentIsResumedFromTheFleetWithAReason() {
        assertThat(vigil.post("/v1/agents/pause-bot/pause", OPERATOR, "application/json", "{\"reason\":\"runaway spend\"}").status()).isEqualTo(200);
        signIn();
        WebElement resume = waitFor("button[data-action=resume][data-agent=pause-bot]");
        assertThat(browser.driver.findElement(By.cssSelector("table.fleet")).getText()).contains("runaway spend");
        resume.click();
        WebElement reason = waitFor("dialog[open] #reason");
        reason.sendKeys("spend explained by the quarterly batch");
        browser.driver.findElement(By.cssSelector("dialog[open] button[type=submit]")).click();

        waitFor("button[data-action=pause][data-agent=pause-bot]");
        JsonNode control = vigil.get("/v1/agents/pause-bot/control", OPERATOR).json();
        assertThat(control.get("state").textValue()).isEqualTo("running");
        assertThat(control.get("reason").textValue()).startsWith("spend explained by the quarterly batch");
    }

    @Test
    void aPausedAgentCanBeResumedWithTheKeyboardAlone() {
        vigil.post("/v1/agents/keyboard-bot/pause", OPERATOR, "application/json", "{\"reason\":\"stuck\"}");
        signIn();
        String resume = "button[data-action=resume][data-agent=keyboard-bot]";
        waitFor(resume);

        // Tab from the top of the page until the agent's Resume button has the focus: it is reachable in the tab order.
        script("document.activeElement.blur()");
        Actions keyboard = new Actions(browser.driver);
        boolean reached = false;
        for (int presses = 0; presses < 60 && !reached; presses++) {
            keyboard.sendKeys(Keys.TAB).perform();
            reached = (Boolean) script("return document.activeElement.matches(arguments[0])", resume);
        }
        assertThat(reached).as("Resume reachable with Tab").isTrue();

        keyboard.sendKeys(Keys.ENTER).perform();
        waitFor("dialog[open] #reason");
        assertThat(script("return document.activeElement.id")).as("the dialog takes the focus").isEqualTo("reason");
        keyboard.sendKeys("resumed from the keyboard", Keys.ENTER).perform();

        waitFor("button[data-action=pause][data-agent=keyboard-bot]");
        JsonNode control = vigil.get("/v1/agents/keyboard-bot/control", OPERATOR).json();
        assertThat(control.get("state").textValue()).isEqualTo("running");
        assertThat(control.get("reason").textValue()).startsWith("resumed from the keyboard");
    }

    /** Marks what {@code css} finds now, so {@link #waitUntilRedrawn} can tell a live reload has replaced it. */
    private void markDrawn(String css) {
        browser.driver.executeScript("document.querySelector(arguments[0]).dataset.drawnBefore = ''", css);
    }

    private void waitUntilRedrawn(String css) {
        waitFor(css + ":not([data-drawn-before])");
    }

    private Object script(String js, Object... args) {
        return browser.driver.executeScript(js, args);
    }

    @Test
    void theResumeDialogStaysOpenWithTheTypedReasonWhileTheFleetReloadsLive() {
        vigil.post("/v1/agents/dialog-bot/pause", OPERATOR, "application/json", "{\"reason\":\"stuck\"}");
        vigil.post("/v1/agents/bystander-bot/pause", OPERATOR, "application/json", "{\"reason\":\"stuck\"}");
        signIn();
        waitFor("button[data-action=resume][data-agent=dialog-bot]").click();
        waitFor("dialog[open] #reason").sendKeys("half typed");

        // Someone else resumes another agent: the fleet reloads behind the dialog.
        vigil.post("/v1/agents/bystander-bot/resume", OPERATOR, "application/json", "{\"reason\":\"fine\"}");
        browser.waitUpTo(WAIT).until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("button[data-action=pause][data-agent=bystander-bot]")));
        assertThat(script("return document.querySelector('dialog').matches(':modal')")).isEqualTo(true);
        assertThat(script("return document.activeElement.id")).isEqualTo("reason");
        WebElement reason = browser.driver.findElement(By.id("reason"));
        assertThat(reason.getAttribute("value")).isEqualTo("half typed");

        reason.sendKeys(" and finished");
        browser.driver.findElement(By.cssSelector("dialog[open] button[type=submit]")).click();
        waitFor("button[data-action=pause][data-agent=dialog-bot]");
        assertThat(vigil.get("/v1/agents/dialog-bot/control", OPERATOR).json().get("reason").textValue()).startsWith("half typed and finished");
        assertThat(script("return document.activeElement.id")).as("focus back on the page").isEqualTo("view");
    }

    @Test
    void aFeedbackNoteBeingTypedSurvivesALiveUpdateOfItsIncident() {
        vigil.accept("[" + event("note-bot", "\"kind\":\"decision\",\"flags\":[\"suboptimal\"]") + "]");
        await().atMost(WAIT).until(() -> !vigil.incidents("?agent=note-bot").isEmpty());
        String id = vigil.incidents("?agent=note-bot").getFirst().get("id").textValue();
        signIn();
        open("#/incidents/" + id);
        waitFor("#feedback-note").sendKeys("looks like a real");

        vigil.post("/v1/incidents/" + id + "/ack", OPERATOR, "application/json", "{}");
        browser.waitUpTo(WAIT).until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector(".incident-header .badges"), "ACKNOWLEDGED"));
        assertThat(waitFor("#timeline").getText()).contains("Acknowledged");
        assertThat(script("return document.activeElement.id")).isEqualTo("feedback-note");
        WebElement note = browser.driver.findElement(By.id("feedback-note"));
        assertThat(note.getAttribute("value")).isEqualTo("looks like a real");

        note.sendKeys(" problem");
        browser.driver.findElement(By.id("send-feedback")).click();
        browser.waitUpTo(WAIT).until(ExpectedConditions.textToBePresentInElementLocated(By.id("timeline"), "Feedback"));
        assertThat(vigil.get("/v1/incidents/" + id, OPERATOR).json().get("feedback").get("note").textValue()).isEqualTo("looks like a real problem");
        assertThat(browser.driver.findElement(By.id("feedback-note")).getAttribute("value")).isEmpty();
    }

    @Test
    void anOpenRuleStaysOpenWhenTheRulesPageReloadsLive() {
        signIn();
        open("#/rules");
        waitFor("details[data-key=policy-violation] summary").click();
        markDrawn("table.rules");
        vigil.accept("[" + event("rules-bot", "\"kind\":\"policy_violation\"") + "]");
        waitUntilRedrawn("table.rules");
        assertThat(script("return document.querySelector('details[data-key=policy-violation]').open")).isEqualTo(true);
        assertThat(script("return document.querySelector('details[data-key=tool-loop]').open")).isEqualTo(false);
    }

    @Test
    void aStreamTurnedAwayIsNeverShownLiveAndIsRetriedLessAndLessOften() throws Exception {
        // Another key (the admin's) holds every stream it may: the dashboard signed in with it is turned away.
        List<java.io.InputStream> held = new java.util.ArrayList<>();
        try {
            for (;;) {
                java.io.InputStream stream = openStream(ADMIN);
                held.add(stream);
                String first = new java.io.BufferedReader(new java.io.InputStreamReader(stream)).readLine();
                if (!first.equals(": connected")) break;
            }
            browser.driver.get(vigil.url("/"));
            script("sessionStorage.clear()");
            browser.driver.navigate().refresh();
            waitFor("#key").sendKeys(ADMIN);
            script("window.__states = []; new MutationObserver(() => __states.push(live.dataset.state))"
                    + ".observe(document.getElementById('live'), {attributes: true})");
            browser.driver.findElement(By.cssSelector("#sign-in-form button[type=submit]")).click();

            String attempts = "return performance.getEntriesByType('resource').filter(e => e.name.endsWith('/v1/stream')).map(e => e.startTime)";
            browser.waitUpTo(WAIT).until(d -> ((List<?>) script(attempts)).size() >= 3);
            List<?> starts = (List<?>) script(attempts);
            double first = ((Number) starts.get(1)).doubleValue() - ((Number) starts.get(0)).doubleValue();
            double second = ((Number) starts.get(2)).doubleValue() - ((Number) starts.get(1)).doubleValue();
            assertThat(second).as("the pause before retrying grows").isGreaterThan(first * 1.5);
            assertThat(((List<?>) script("return window.__states")).stream().map(String::valueOf).toList()).isNotEmpty().doesNotContain("live");
            assertThat(waitFor("#live").getText()).isEqualTo("Reconnecting…");
            assertThat(waitFor("table.fleet").isDisplayed()).as("the pages still work").isTrue();
        } finally {
            for (java.io.InputStream stream : held) stream.close();
        }
    }

    @Test
    void aKeyRefusedTheStreamSaysSoInsteadOfRetryingSilently() {
        signIn();
        script("sessionStorage.setItem('vigil.operatorKey', arguments[0])", AGENT);
        browser.driver.navigate().refresh();
        browser.waitUpTo(WAIT).until(ExpectedConditions.attributeToBe(By.id("live"), "data-state", "refused"));
        assertThat(browser.driver.findElement(By.id("live")).getText()).contains("Not live", "role agent");
    }

    @Test
    void aStormOfLiveEventsStillGetsRegularReloads() {
        signIn();
        browser.driver.manage().timeouts().scriptTimeout(WAIT);
        // Events every 10 ms, reloads at most every 100 ms: a debounce would wait for a pause that never comes.
        Object reloads = browser.driver.executeAsyncScript("""
                const done = arguments[arguments.length - 1];
                import('/js/page.js').then(({throttle}) => {
                  let calls = 0;
                  const reload = throttle(() => calls++, 100);
                  const storm = setInterval(reload, 10);
                  const watch = setInterval(() => {
                    if (calls < 3) return;
                    clearInterval(storm);
                    clearInterval(watch);
                    done(calls);
                  }, 10);
                });""");
        assertThat((Long) reloads).isGreaterThanOrEqualTo(3L);
    }

    @Test
    void aMalformedLinkExplainsItselfInsteadOfABlankPage() {
        signIn();
        open("#/incidents/%E0%A4%A");
        assertThat(waitFor("#view .notice-error").getText()).contains("malformed");
    }

    private java.io.InputStream openStream(String key) throws Exception {
        java.net.http.HttpRequest request = java.net.http.HttpRequest.newBuilder(java.net.URI.create(vigil.url("/v1/stream")))
                .header("Accept", "text/event-stream").header("Authorization", "Bearer " + key).build();
        return java.net.http.HttpClient.newHttpClient().send(request, java.net.http.HttpResponse.BodyHandlers.ofInputStream()).body();
    }

    @Test
    void markupSentByAnAgentIsShownAsTextAndNeverRuns() {
        String script = "<script>window.__xss=1</script>";
        String img = "<img src=x onerror=\\\"window.__xss=2\\\">";
        vigil.accept("[" + event("xss-bot", "\"run\":\"r9\",\"kind\":\"tool_call\",\"tool\":\"shell.exec\",\"flags\":[\"harmful\"],"
                + "\"params\":{\"cmd\":\"" + script + "\",\"html\":\"" + img + "\"}") + "]");
        await().atMost(WAIT).until(() -> !vigil.incidents("?agent=xss-bot").isEmpty());
        String id = vigil.incidents("?agent=xss-bot").getFirst().get("id").textValue();
        // An operator's reason is shown too, and may have been pasted from anywhere.
        vigil.post("/v1/agents/xss-bot/pause", OPERATOR, "application/json", "{\"reason\":\"" + img + "\"}");

        signIn();
        open("#/incidents/" + id);
        waitFor("#event-toggle-0").click();
        String evidence = waitFor("#event-0 pre.json").getText();
        assertThat(evidence).contains(script, "<img src=x onerror=");
        open("#/fleet");
        assertThat(waitFor("button[data-agent=xss-bot]").isDisplayed()).isTrue();
        assertThat(browser.driver.findElement(By.cssSelector("table.fleet")).getText()).contains("<img src=x onerror=");

        assertThat(browser.driver.executeScript("return typeof window.__xss")).isEqualTo("undefined");
        assertThat(browser.driver.findElements(By.cssSelector("#view img, #view script"))).isEmpty();
        assertThatThrownBy(() -> browser.driver.switchTo().alert()).isInstanceOf(NoAlertPresentException.class);
    }

    @Test
    void theIncidentsPageFitsAPhoneScreen() {
        vigil.accept("[" + event("phone-bot-with-a-rather-long-name", "\"kind\":\"decision\",\"flags\":[\"suboptimal\"]") + "]");
        await().atMost(WAIT).until(() -> !vigil.incidents("?agent=phone-bot-with-a-rather-long-name").isEmpty());
        signIn();
        try {
            browser.driver.manage().window().setSize(new Dimension(390, 844));
            open("#/incidents");
            waitFor("#incident-list tr[data-incident]");
            List<?> widths = (List<?>) browser.driver.executeScript(
                    "return [document.documentElement.scrollWidth, document.documentElement.clientWidth]");
            assertThat((Long) widths.get(0)).isLessThanOrEqualTo((Long) widths.get(1));
            assertThat(browser.driver.findElement(By.cssSelector("#incident-list td[data-label=Agent]")).isDisplayed()).isTrue();
        } finally {
            browser.driver.manage().window().setSize(new Dimension(1280, 900));
        }
    }
}
