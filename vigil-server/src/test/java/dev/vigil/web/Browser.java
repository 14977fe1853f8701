package dev.vigil.web;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.By;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A real headless Chromium driven by the system's chromedriver (Debian's packages, installed by
 * CI), so Selenium Manager never downloads a browser. Starting one takes seconds on two cores:
 * a test class starts one and shares it.
 */
final class Browser implements AutoCloseable {
    static final String CHROMIUM = "/usr/bin/chromium";
    static final String CHROMEDRIVER = "/usr/bin/chromedriver";

    final ChromeDriver driver;
    private final Path profile;

    /**
     * Skips the calling test class with a message when Chromium or chromedriver is missing, so the
     * README's test command works on a machine without them; unless {@code VIGIL_REQUIRE_BROWSER=1}
     * (set by CI), where a missing browser is a failure, not a skip.
     */
    static void assumeInstalled() {
        boolean installed = Files.isExecutable(Path.of(CHROMIUM)) && Files.isExecutable(Path.of(CHROMEDRIVER));
        if (installed) return;
        String missing = CHROMIUM + " and " + CHROMEDRIVER + " are needed (Debian: apt-get install chromium chromium-driver)";
        if ("1".equals(System.getenv("VIGIL_REQUIRE_BROWSER"))) throw new IllegalStateException("the browser is required (VIGIL_REQUIRE_BROWSER=1): " + missing);
        Assumptions.abort("dashboard browser tests skipped: " + missing);
    }

    Browser(int width, int height) {
        try {
            profile = Files.createTempDirectory("vigil-chromium");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM);
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
                "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--hide-scrollbars", "--window-size=" + width + "," + height, "--user-data-dir=" + profile);
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(new File(CHROMEDRIVER))
                .usingAnyFreePort().build();
        driver = new ChromeDriver(service, options);
    }

    WebDriverWait waitUpTo(Duration timeout) {
        return new WebDriverWait(driver, timeout);
    }

    /** Opens the dashboard and signs in with {@code key}; returns when the live stream is connected. */
    void signIn(String baseUrl, String key) {
        driver.get(baseUrl + "/");
        var input = waitUpTo(Duration.ofSeconds(20)).until(ExpectedConditions.visibilityOfElementLocated(By.id("key")));
        input.sendKeys(key);
        driver.findElement(By.cssSelector("#sign-in-form button[type=submit]")).click();
        waitUpTo(Duration.ofSeconds(20)).until(ExpectedConditions.attributeToBe(By.id("live"), "data-state", "live"));
    }

    @Override
    public void close() {
        try {
            driver.quit();
        } finally {
            try (Stream<Path> files = Files.walk(profile)) {
                files.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
            } catch (IOException e) {
                // a temp directory left behind is harmless
            }
        }
    }
}
