package dev.vigil.web;

import static dev.vigil.server.TestVigil.OPERATOR;

import dev.vigil.server.TestVigil;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;

/**
 * One real server and one headless Chromium for a class of dashboard tests (the browser is slow to
 * start); each test uses agents of its own. Subclasses give the server's configuration.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class DashboardSession {
    static final Duration WAIT = Duration.ofSeconds(20);

    Path data;
    TestVigil vigil;
    Browser browser;

    /** The server's {@code vigil.yaml}. */
    abstract String config();

    /** After the browser started, before any test: e.g. the browser's time zone. */
    void prepare(Browser browser) {}

    @BeforeAll
    void start() throws IOException {
        Browser.assumeInstalled();
        data = Files.createTempDirectory("vigil-dashboard");
        vigil = TestVigil.start(data, null, config());
        browser = new Browser(1280, 900);
        prepare(browser);
    }

    @AfterAll
    void stop() throws IOException {
        if (browser != null) browser.close();
        if (vigil != null) vigil.close();
        if (data == null) return; // skipped: no browser
        try (Stream<Path> files = Files.walk(data)) {
            files.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(java.io.File::delete);
        }
    }

    void signIn() {
        browser.driver.get(vigil.url("/"));
        browser.driver.executeScript("sessionStorage.clear()");
        browser.signIn(vigil.url(""), OPERATOR);
    }

    void open(String hash) {
        browser.driver.executeScript("location.hash = arguments[0]", hash);
    }

    WebElement waitFor(String css) {
        return browser.waitUpTo(WAIT).until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(css)));
    }
}
