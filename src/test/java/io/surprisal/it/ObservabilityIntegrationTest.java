package io.surprisal.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.surprisal.train.DetectionScore;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * The HTTP endpoint of a real detector on a real (in-process) broker, in the order an operator
 * meets it: not ready before the first model, ready after it, every documented metric on
 * /metrics, the status page and its data, and unhealthy once the Streams client is closed. The
 * tests share one detector and run in order; each names the stage it checks.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ObservabilityIntegrationTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MIN_TRAINING = ObservedDetector.MIN_TRAINING;
  private static final String APPLICATION_ID = "surprisal-observability-it";
  /** The label every series carries: Observability tags every meter with the application id. */
  private static final String TAG = "application_id=\"" + APPLICATION_ID + "\"";
  private ObservedDetector running;

  @BeforeAll
  void start() throws Exception {
    running = new ObservedDetector(APPLICATION_ID);
  }

  @AfterAll
  void stop() throws Exception {
    if (running != null) running.close();
  }

  @Test
  @Order(1)
  @Timeout(90)
  void shouldBeHealthyButNotReadyWhileNoModelIsLive() throws Exception {
    // Fewer events than a first fit needs: every one is "unscored" and no model exists.
    running.sendTraffic(MIN_TRAINING / 2, 11);
    awaitSample("surprisal_events_total{" + TAG + ",outcome=\"unscored\",reason=\"none\"}",
        MIN_TRAINING / 2.0);

    HttpResponse<String> ready = running.get("ready");
    assertThat(ready.statusCode()).isEqualTo(503);
    JsonNode body = JSON.readTree(ready.body());
    assertThat(body.get("ready").asBoolean()).isFalse();
    assertThat(body.get("state").asText()).isEqualTo("RUNNING");
    assertThat(body.get("modelVersion").asLong()).isZero();
    HttpResponse<String> health = running.get("health");
    assertThat(health.statusCode()).isEqualTo(200);
    assertThat(JSON.readTree(health.body()).get("status").asText()).isEqualTo("UP");
  }

  @Test
  @Order(2)
  @Timeout(120)
  void shouldTurnReadyOnceTheFirstModelIsLive() throws Exception {
    running.sendTraffic(4 * MIN_TRAINING, 12);
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    HttpResponse<String> ready = running.get("ready");
    while (ready.statusCode() != 200 && System.nanoTime() < deadline) {
      Thread.sleep(200);
      ready = running.get("ready");
    }
    assertThat(ready.statusCode()).as(ready.body()).isEqualTo(200);
    assertThat(JSON.readTree(ready.body()).get("modelVersion").asLong()).isGreaterThanOrEqualTo(1);
    assertThat(running.detector().registry().current()).isNotNull();
  }

  @Test
  @Order(3)
  @Timeout(120)
  void shouldExposeEveryMetricReadmeDocumentsAndNoUndocumentedOne() throws Exception {
    running.sendTraffic(2_000, 13);
    running.sendRaw("{\"id\": \"broken\", ", "{\"id\": \"far\", \"active\": [99]}");
    awaitSample("surprisal_events_total{" + TAG + ",outcome=\"scored\",reason=\"none\"}", 1);
    awaitSample("surprisal_dead_letter_records_total{" + TAG + "}", 2);

    HttpResponse<String> response = running.get("metrics");
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type").orElse(""))
        .startsWith("text/plain; version=0.0.4");
    String scrape = response.body();
    // Kept as an artifact of the run: the metrics as Prometheus reads them.
    Files.writeString(Path.of("target", "observability-it-metrics.txt"), scrape);
    Set<String> exposed = MetricScrapes.families(scrape);
    Set<String> documented = MetricScrapes.documented().keySet();
    assertThat(exposed).as("every metric docs/operations.md documents is exposed")
        .containsAll(documented);
    Set<String> undocumented = new TreeSet<>();
    for (String name : exposed) {
      if (name.startsWith("surprisal_") && !documented.contains(name)) undocumented.add(name);
    }
    assertThat(undocumented).as("surprisal_* metrics missing from docs/operations.md").isEmpty();
    assertThat(scrape)
        .contains("surprisal_events_total{" + TAG
            + ",outcome=\"invalid\",reason=\"malformed_json\"} 1.0")
        .contains("surprisal_events_total{" + TAG
            + ",outcome=\"invalid\",reason=\"out_of_range\"} 1.0");
    assertThat(MetricScrapes.sample(scrape, "surprisal_model_version{" + TAG + "}"))
        .isGreaterThanOrEqualTo(1);
    assertThat(MetricScrapes.sample(scrape,
        "surprisal_training_runs_total{" + TAG + ",result=\"accepted\"}"))
        .isGreaterThanOrEqualTo(1);
    assertThat(MetricScrapes.sample(scrape, "surprisal_model_threshold_nats{" + TAG + "}"))
        .isNegative();
  }

  @Test
  @Order(4)
  void shouldTagEverySeriesWithTheApplicationIdAndNameTheBuildAndTheLiveModel() throws Exception {
    String scrape = running.get("metrics").body();
    List<String> samples = scrape.lines().filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
    assertThat(samples).as("samples in the scrape").hasSizeGreaterThan(100);
    // The detector's meters, and Kafka's and the JVM's too; kafka_stream_client_state has its own
    // application_id tag, which merges with the common one instead of appearing twice.
    assertThat(samples).as("series without " + TAG).allSatisfy(l -> assertThat(l).contains(TAG));
    assertThat(samples).filteredOn(l -> l.startsWith("kafka_stream_client_state{")).isNotEmpty();

    // Run from target/classes: no jar manifest, so no Implementation-Version.
    assertThat(MetricScrapes.sample(scrape, "surprisal_build_info{" + TAG + ",version=\"dev\"}"))
        .isEqualTo(1);
    List<String> info =
        samples.stream().filter(l -> l.startsWith("surprisal_model_info{")).toList();
    long live = (long) MetricScrapes.sample(scrape, "surprisal_model_version{" + TAG + "}");
    assertThat(info).as("one series naming the live model")
        .containsExactly("surprisal_model_info{" + TAG + ",kind=\"mixture\",score=\""
            + DetectionScore.DEFAULT.label() + "\",version=\"" + live
            + "\"} 1");
  }

  @Test
  @Order(5)
  void shouldServeTheStatusPageAndItsLiveData() throws Exception {
    HttpResponse<String> page = running.get("");
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.headers().firstValue("Content-Type").orElse("")).startsWith("text/html");
    assertThat(page.body())
        .contains("<canvas id=\"rates\"", "<canvas id=\"histogram\"", "<canvas id=\"models\"",
            "api/status")
        .as("self-contained: nothing loaded from elsewhere")
        .doesNotContain("http://", "https://", "<script src");

    Thread.sleep(2_100); // the sampler runs once a second: two samples make a rate
    JsonNode status = JSON.readTree(running.get("api/status").body());
    assertThat(status.get("ready").asBoolean()).isTrue();
    assertThat(status.get("model").get("version").asLong()).isGreaterThanOrEqualTo(1);
    assertThat(status.get("models").size()).isGreaterThanOrEqualTo(1);
    assertThat(status.get("rates").size()).isGreaterThanOrEqualTo(1);
    assertThat(status.get("totals").get("scored").asLong()).isGreaterThan(0);
    long histogramTotal = 0;
    for (JsonNode bucket : status.get("histogram")) histogramTotal += bucket.get("count").asLong();
    assertThat(histogramTotal).as("scored events in the last minute's histogram").isGreaterThan(0);
  }

  @Test
  @Order(6)
  void shouldAnswerOnlyReadsOnKnownPaths() throws Exception {
    assertThat(running.post("metrics").statusCode()).isEqualTo(405);
    assertThat(running.get("nothing-here").statusCode()).isEqualTo(404);
  }

  @Test
  @Order(7)
  void shouldReportAClosedStreamsClientAsUnhealthyAndNotReady() throws Exception {
    running.detector().close();
    HttpResponse<String> health = running.get("health");
    assertThat(health.statusCode()).isEqualTo(503);
    JsonNode body = JSON.readTree(health.body());
    assertThat(body.get("status").asText()).isEqualTo("DOWN");
    assertThat(body.get("state").asText()).isEqualTo("NOT_RUNNING");
    assertThat(running.get("ready").statusCode()).isEqualTo(503);
  }

  private void awaitSample(String series, double atLeast) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    double value = Double.NaN;
    while (System.nanoTime() < deadline) {
      value = MetricScrapes.sample(running.get("metrics").body(), series);
      if (value >= atLeast) return;
      Thread.sleep(100);
    }
    throw new AssertionError(series + " stayed at " + value + ", expected >= " + atLeast);
  }
}
