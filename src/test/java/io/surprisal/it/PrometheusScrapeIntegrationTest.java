package io.surprisal.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * A real Prometheus (the Debian package's /usr/bin/prometheus, or $PROMETHEUS_BIN) scrapes a
 * running detector every second, and every metric docs/operations.md documents is found through its
 * HTTP query API: the names are right as Prometheus reads them, not only as the endpoint writes
 * them. Skipped, with the reason, where no Prometheus binary is installed; .ci/run installs one.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class PrometheusScrapeIntegrationTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Path RULES = Path.of("deploy", "prometheus", "alerts.yml");
  private static final Path DASHBOARDS = Path.of("dashboards");
  private static final String APPLICATION_ID = "surprisal-prometheus-it";
  /** Rules about one instance's own trouble; the others fire per job and application id. */
  private static final Set<String> PER_INSTANCE_RULES =
      Set.of("SurprisalInstanceDown", "SurprisalStreamsNotRunning");
  /** Metric names in PromQL: the prefixes this project's metrics and the scrape health use. */
  private static final Pattern METRIC_NAME =
      Pattern.compile("\\b(?:surprisal|kafka|jvm|process|system)_[a-z0-9_]+\\b|\\bup\\b");
  private final HttpClient http = HttpClient.newHttpClient();
  private ObservedDetector running;
  private Process prometheus;
  private Path workDir;
  private String api;

  @BeforeAll
  void startDetectorAndPrometheus() throws Exception {
    Path binary = Path.of(System.getenv().getOrDefault("PROMETHEUS_BIN", "/usr/bin/prometheus"));
    assumeTrue(Files.isExecutable(binary),
        "no Prometheus at " + binary + ": apt-get install prometheus (as .ci/run does) or set "
            + "PROMETHEUS_BIN to run this test");
    running = new ObservedDetector(APPLICATION_ID);
    running.sendTraffic(3 * ObservedDetector.MIN_TRAINING, 21);
    running.awaitModel(Duration.ofSeconds(90));
    running.sendRaw("{\"id\": \"broken\", ");

    workDir = Files.createTempDirectory("surprisal-prometheus-");
    int port = freePort();
    var target = running.observability().address();
    Path config = workDir.resolve("prometheus.yml");
    Files.writeString(config, String.join("\n",
        "global:",
        "  scrape_interval: 1s",
        "  scrape_timeout: 1s",
        "  evaluation_interval: 1s",
        "rule_files:",
        "  - '" + RULES.toAbsolutePath() + "'",
        "scrape_configs:",
        "  - job_name: surprisal",
        "    metrics_path: /metrics",
        "    static_configs:",
        "      - targets: ['127.0.0.1:" + target.getPort() + "']",
        ""));
    prometheus = new ProcessBuilder(binary.toString(),
        "--config.file=" + config,
        "--storage.tsdb.path=" + workDir.resolve("data"),
        "--web.listen-address=127.0.0.1:" + port,
        "--log.level=warn")
        .redirectErrorStream(true)
        .redirectOutput(workDir.resolve("prometheus.log").toFile())
        .start();
    api = "http://127.0.0.1:" + port + "/api/v1/";
    awaitFirstScrape();
  }

  @AfterAll
  void stop() throws Exception {
    if (prometheus != null) {
      prometheus.destroy();
      if (!prometheus.waitFor(10, TimeUnit.SECONDS)) prometheus.destroyForcibly();
    }
    if (running != null) running.close();
    if (workDir != null) {
      try (var paths = Files.walk(workDir)) {
        paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  @Test
  void shouldFindEveryDocumentedMetricInPrometheus() throws Exception {
    List<String> missing = new ArrayList<>();
    for (Map.Entry<String, String> metric : MetricScrapes.documented().entrySet()) {
      // Histograms and summaries are stored as their _count, _sum (and _bucket) series.
      String type = metric.getValue();
      String series = type.equals("histogram") || type.equals("summary")
          ? metric.getKey() + "_count" : metric.getKey();
      if (query(series).isEmpty()) missing.add(series);
    }
    assertThat(missing).as("documented metrics Prometheus has no series for").isEmpty();
  }

  @Test
  void shouldFindNoSeriesForAnUndocumentedName() throws Exception {
    // The check above can fail: a name that is not exposed has no series.
    assertThat(query("surprisal_no_such_metric_total")).isEmpty();
  }

  @Test
  void shouldFindTheApplicationIdOnEverySurprisalSeries() throws Exception {
    List<JsonNode> series = query("{__name__=~\"surprisal_.+\"}");
    assertThat(series).as("surprisal_* series").hasSizeGreaterThan(30);
    assertThat(series).allSatisfy(s -> assertThat(s.get("metric").path("application_id").asText())
        .as(s.get("metric").toString()).isEqualTo(APPLICATION_ID));
    assertThat(query("surprisal_build_info{version=\"dev\"}")).hasSize(1);
  }

  @Test
  void shouldNameOnlyTheLiveModelInTheInfoSeriesAfterANewModelGoesLive() throws Exception {
    long first = liveVersionInPrometheus();
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    long seed = 100;
    while (liveVersionInPrometheus() <= first) {
      assertThat(System.nanoTime()).as("a model newer than " + first + " within 90 s")
          .isLessThan(deadline);
      running.sendTraffic(500, seed++);
    }
    // Prometheus saw more than one model named over the last minutes...
    assertThat(query("count by (version) (count_over_time(surprisal_model_info[5m]))"))
        .hasSizeGreaterThanOrEqualTo(2);
    // ...and holds one live series, the newest model's, with no earlier one left at 1. The model
    // may change between the two queries, so they are compared until they agree.
    long agreeBy = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (true) {
      List<JsonNode> info = query("surprisal_model_info");
      assertThat(info).as("live surprisal_model_info series").hasSize(1);
      JsonNode labels = info.get(0).get("metric");
      assertThat(labels.get("kind").asText()).isEqualTo("mixture");
      assertThat(info.get(0).get("value").get(1).asText()).isEqualTo("1");
      if (labels.get("version").asLong() == liveVersionInPrometheus()) return;
      assertThat(System.nanoTime()).as("info series agreeing with surprisal_model_version")
          .isLessThan(agreeBy);
      Thread.sleep(200);
    }
  }

  private long liveVersionInPrometheus() throws Exception {
    List<JsonNode> version = query("surprisal_model_version");
    assertThat(version).hasSize(1);
    return (long) Double.parseDouble(version.get(0).get("value").get(1).asText());
  }

  @Test
  void shouldAnswerTheQueriesAnOperatorAsks() throws Exception {
    running.sendTraffic(2_000, 22);
    Thread.sleep(3_000); // a few more scrapes, so rates span traffic
    assertThat(query("sum by (outcome) (increase(surprisal_events_total[1m]))"))
        .extracting(s -> s.get("metric").get("outcome").asText())
        .contains("scored", "unscored", "invalid");
    List<JsonNode> p99 = query(
        "histogram_quantile(0.99, sum by (le) (rate(surprisal_scoring_latency_seconds_bucket[1m])))");
    assertThat(p99).hasSize(1);
    double seconds = Double.parseDouble(p99.get(0).get("value").get(1).asText());
    assertThat(seconds).as("p99 scoring latency").isPositive().isLessThan(0.01);
    List<JsonNode> threshold = query("surprisal_model_threshold_nats");
    assertThat(Double.parseDouble(threshold.get(0).get("value").get(1).asText())).isNegative();
  }

  @Test
  void shouldReturnSeriesForEveryDashboardQuery() throws Exception {
    List<String> queries = dashboardQueries();
    assertThat(queries).as("queries in dashboards/").isNotEmpty();
    List<String> empty = new ArrayList<>();
    for (String query : queries) {
      // Grafana's variables, as the dashboard's defaults and a Prometheus scraping every second
      // would resolve them: the one job, all instances.
      String promql = query.replace("$job", "surprisal").replace("$instance", ".+")
          .replace("$__rate_interval", "1m");
      if (query(promql).isEmpty()) empty.add(promql);
    }
    assertThat(empty).as("dashboard queries Prometheus returns no series for").isEmpty();
  }

  @Test
  void shouldEvaluateEveryAlertingRuleAndFindSeriesForItsWholeExpression() throws Exception {
    List<JsonNode> rules = evaluatedRules();
    assertThat(rules).extracting(r -> r.get("name").asText())
        .contains("SurprisalInstanceDown", "SurprisalAlertRateFarAboveTarget",
            "SurprisalModelStale", "SurprisalTrainingFailing", "SurprisalDeadLettersSurging",
            "SurprisalRegimeShift");
    List<String> problems = new ArrayList<>();
    for (JsonNode rule : rules) {
      String name = rule.get("name").asText();
      if (!rule.get("health").asText().equals("ok")) {
        problems.add(name + ": " + rule.path("lastError").asText());
      }
      String expression = rule.get("query").asText();
      Matcher metric = METRIC_NAME.matcher(expression);
      while (metric.find()) {
        if (query(metric.group()).isEmpty()) problems.add(name + ": no series for " + metric.group());
      }
      // The whole expression, with its comparisons made to keep their series (a rule that is not
      // firing returns none otherwise): a misspelt label or a vector match that never joins shows
      // up here as an empty result.
      String kept = BoolComparisons.rewrite(expression);
      List<JsonNode> series = query(kept);
      if (series.isEmpty()) problems.add(name + ": no series for " + kept);
      // Fires per deployment: each series names its job and its application or instance.
      String per = PER_INSTANCE_RULES.contains(name) ? "instance" : "application_id";
      for (JsonNode s : series) {
        JsonNode labels = s.get("metric");
        if (!labels.path("job").asText().equals("surprisal")
            || labels.path(per).asText().isEmpty()) {
          problems.add(name + ": a series without job and " + per + ": " + labels);
        }
      }
    }
    assertThat(problems).isEmpty();
    // Nothing has been wrong for as long as any rule's "for" asks: none fires.
    assertThat(rules).allSatisfy(r -> assertThat(r.get("state").asText()).isNotEqualTo("firing"));
  }

  private List<JsonNode> evaluatedRules() throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (true) {
      HttpResponse<String> response = http.send(
          HttpRequest.newBuilder(URI.create(api + "rules")).GET().build(),
          HttpResponse.BodyHandlers.ofString());
      List<JsonNode> rules = new ArrayList<>();
      for (JsonNode group : JSON.readTree(response.body()).get("data").get("groups")) {
        group.get("rules").forEach(rules::add);
      }
      boolean evaluated = !rules.isEmpty()
          && rules.stream().noneMatch(r -> r.get("health").asText().equals("unknown"));
      if (evaluated || System.nanoTime() > deadline) return rules;
      Thread.sleep(250);
    }
  }

  private static List<String> dashboardQueries() throws IOException {
    List<String> queries = new ArrayList<>();
    try (var files = Files.list(DASHBOARDS)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".json")).sorted().toList()) {
        for (JsonNode panel : JSON.readTree(file.toFile()).get("panels")) {
          for (JsonNode target : panel.path("targets")) queries.add(target.get("expr").asText());
        }
      }
    }
    return queries;
  }

  /** The result vector of an instant query; fails on a query Prometheus rejects. */
  private List<JsonNode> query(String promql) throws IOException, InterruptedException {
    HttpResponse<String> response = http.send(
        HttpRequest.newBuilder(URI.create(
            api + "query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8))).GET().build(),
        HttpResponse.BodyHandlers.ofString());
    JsonNode body = JSON.readTree(response.body());
    assertThat(body.get("status").asText()).as(promql + " -> " + response.body())
        .isEqualTo("success");
    List<JsonNode> series = new ArrayList<>();
    body.get("data").get("result").forEach(series::add);
    return series;
  }

  private void awaitFirstScrape() throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < deadline) {
      if (!prometheus.isAlive()) {
        throw new AssertionError("Prometheus exited: "
            + Files.readString(workDir.resolve("prometheus.log")));
      }
      try {
        List<JsonNode> up = query("up{job=\"surprisal\"} == 1");
        if (!up.isEmpty() && !query("surprisal_model_version >= 1").isEmpty()) return;
      } catch (IOException notListeningYet) {
        // Prometheus is still starting.
      }
      Thread.sleep(250);
    }
    throw new AssertionError("Prometheus did not scrape the detector within 60 s: "
        + Files.readString(workDir.resolve("prometheus.log")));
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
