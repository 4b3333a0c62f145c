package io.surprisal.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;

/**
 * The status page in a real headless Chromium (Debian's chromium and chromium-driver packages),
 * against a running detector with live traffic: it loads with no console errors, shows the live
 * model, draws its charts, lists alerts, and its numbers move between two polls. The screenshot is
 * kept at target/status-page.png. Skipped, with the reason, where the browser is not installed.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class StatusPageBrowserTest {
  private static final Path CHROMIUM =
      Path.of(System.getenv().getOrDefault("CHROMIUM_BIN", "/usr/bin/chromium"));
  private static final Path CHROMEDRIVER =
      Path.of(System.getenv().getOrDefault("CHROMEDRIVER_BIN", "/usr/bin/chromedriver"));
  private ObservedDetector running;
  private ChromeDriver browser;

  @BeforeAll
  void start() throws Exception {
    assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
        "no " + CHROMIUM + " or " + CHROMEDRIVER
            + ": apt-get install chromium chromium-driver (as .ci/run does)");
    running = new ObservedDetector("surprisal-browser-it");
    running.startTraffic(2_000, 31);
    running.awaitModel(Duration.ofSeconds(120));

    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu",
        "--disable-dev-shm-usage", "--window-size=1400,1200");
    options.setCapability("goog:loggingPrefs", Map.of(LogType.BROWSER, "ALL"));
    ChromeDriverService service = new ChromeDriverService.Builder()
        .usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
    browser = new ChromeDriver(service, options);
  }

  @AfterAll
  void stop() throws Exception {
    if (browser != null) browser.quit();
    if (running != null) running.close();
  }

  @Test
  void shouldShowLiveNumbersWithoutConsoleErrors() throws Exception {
    browser.get(running.base());
    await("the live model, scored events and an alert on the page",
        () -> text("model-version").startsWith("v") && count("scored") > 0
            && !browser.findElements(By.cssSelector("#alert-rows td.num")).isEmpty());
    long firstScored = count("scored");
    // The page polls every 2 s; with traffic flowing the next poll shows more scored events.
    await("a later poll with more scored events", () -> count("scored") > firstScored);
    Thread.sleep(2_500); // one more poll, so the rate chart has several points

    assertThat(text("state")).isEqualTo("RUNNING");
    assertThat(text("ready")).isEqualTo("ready");
    assertThat(text("threshold")).endsWith("nats");
    assertThat(text("error")).isEmpty();
    for (String chart : List.of("rates", "histogram", "models")) {
      assertThat(paintedPixels(chart)).as(chart + " chart has something drawn").isGreaterThan(500);
    }
    assertThat(browser.findElements(By.cssSelector("#model-rows tr"))).isNotEmpty();
    assertThat(browser.findElements(By.cssSelector("#alert-rows .feat")))
        .as("alerts show their top features").isNotEmpty();

    Path screenshot = Path.of("target", "status-page.png");
    Files.write(screenshot, browser.getScreenshotAs(OutputType.BYTES));
    assertThat(Files.size(screenshot)).isGreaterThan(10_000);

    List<LogEntry> console = browser.manage().logs().get(LogType.BROWSER).getAll();
    assertThat(console).filteredOn(e -> e.getLevel().intValue() >= java.util.logging.Level.WARNING.intValue())
        .as("console warnings and errors").isEmpty();
  }

  private static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) throw new AssertionError("not within 30 s: " + what);
      Thread.sleep(200);
    }
  }

  private String text(String id) {
    return browser.findElement(By.id(id)).getText().trim();
  }

  private long count(String id) {
    String digits = text(id).replaceAll("[^0-9]", "");
    return digits.isEmpty() ? -1 : Long.parseLong(digits);
  }

  /** Pixels of a canvas that are not fully transparent. */
  private long paintedPixels(String canvasId) {
    Object painted = ((JavascriptExecutor) browser).executeScript(
        "const c = document.getElementById(arguments[0]);"
            + "const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;"
            + "let n = 0; for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++; return n;",
        canvasId);
    return ((Number) painted).longValue();
  }
}
