package io.surprisal.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** `demo --scenario market|fraud` end to end through picocli, a few seconds each. */
class DemoScenarioCommandTest {
  private final StringWriter err = new StringWriter();
  private final StringWriter out = new StringWriter();

  private int execute(String... args) {
    CommandLine commandLine = SurprisalCommand.commandLine();
    commandLine.setErr(new PrintWriter(err, true));
    commandLine.setOut(new PrintWriter(out, true));
    return commandLine.execute(args);
  }

  private JsonNode summary() throws Exception {
    String[] lines = out.toString().trim().split("\n");
    return new ObjectMapper().readTree(lines[lines.length - 1]);
  }

  @Test
  void shouldRunTheFraudScenarioAndReportRecallAndFalseAlertRate() throws Exception {
    // A first model after 1,000 samples (4,000 events at the demo's sample rate of 0.25), so
    // most of the run is scored; ten times the scenario's fraud rate, so a few seconds hold some.
    int code = execute("demo", "--scenario", "fraud", "--duration", "8s", "--metrics-port", "0",
        "--status-interval", "4s", "--anomaly-rate", "0.005",
        "-p", "surprisal.min.training.size=1000");

    assertThat(code).as(err.toString()).isZero();
    JsonNode summary = summary();
    assertThat(summary.get("events").asLong()).isPositive();
    assertThat(summary.get("injectedAnomalies").asLong()).isPositive();
    assertThat(summary.has("recall")).isTrue();
    assertThat(summary.has("falseAlertRate")).isTrue();
    assertThat(summary.get("modelVersions").asInt()).isPositive();
  }

  @Test
  void shouldRunTheMarketScenarioAndReportTheSwitchesWithTheirDetections() throws Exception {
    // Mean dwell 4,000 events (about 1.3 s at 3,000 events/s): several switches in 8 s, and a
    // training window of 1,000 events, so the first model is live within the first second.
    int code = execute("demo", "--scenario", "market", "--duration", "8s", "--mean-dwell", "4000",
        "--metrics-port", "0", "--status-interval", "4s");

    assertThat(code).as(err.toString()).isZero();
    JsonNode summary = summary();
    assertThat(summary.get("events").asLong()).isPositive();
    int switches = summary.get("regimeSwitches").asInt();
    assertThat(switches).isPositive();
    assertThat(summary.get("switches")).hasSize(switches);
    assertThat(summary.get("detectedSwitches").asInt()).isBetween(0, switches);
    assertThat(summary.has("medianDetectionDelayEvents")).isTrue();
    JsonNode first = summary.get("switches").get(0);
    for (String field : new String[] {"atEvent", "from", "to", "novel", "detectedAtEvent",
        "delayEvents"}) {
      assertThat(first.has(field)).as(field).isTrue();
    }
  }

  @Test
  void shouldStopTheTrafficAndExitOneWhenTheDetectorDies() throws Exception {
    // A real fault from outside: once the demo's detector runs, its events topic is deleted, and
    // Kafka Streams stops the client for good (ERROR: a source topic is missing). The demo must
    // not run out its 60 s nor exit 0.
    Thread saboteur = new Thread(this::deleteTheEventsTopicOnceRunning, "demo-saboteur");
    saboteur.setDaemon(true);
    saboteur.start();
    long started = System.nanoTime();
    int code = execute("demo", "--duration", "60s", "--metrics-port", "0",
        "--status-interval", "1s");
    long seconds = (System.nanoTime() - started) / 1_000_000_000L;

    assertThat(code).as(err.toString()).isEqualTo(1);
    assertThat(seconds).as("seconds until the demo ended").isLessThan(40);
    JsonNode detector = summary().get("detector");
    assertThat(detector.get("state").asText()).isEqualTo("ERROR");
    assertThat(detector.get("error").asText()).isNotBlank();
    List<String> lines = err.toString().lines().toList();
    assertThat(lines).anyMatch(line -> line.startsWith("[") && line.contains("detector RUNNING"));
    assertThat(lines).anyMatch(line -> line.startsWith("[") && line.contains("detector ERROR: "));
    assertThat(lines.get(lines.size() - 1)).startsWith("surprisal: the detector's Kafka Streams"
        + " client stopped with an error, so the traffic was stopped early");
  }

  /** Reads the broker's address off the demo's stderr, waits for a status line, deletes. */
  private void deleteTheEventsTopicOnceRunning() {
    Pattern listening = Pattern.compile("Kafka broker listening on (\\S+);");
    try {
      long deadline = System.nanoTime() + 60_000_000_000L;
      Matcher address = listening.matcher("");
      while (System.nanoTime() < deadline) {
        address = listening.matcher(err.toString());
        if (address.find() && err.toString().contains("detector RUNNING")) break;
        Thread.sleep(100);
      }
      try (Admin admin = Admin.create(Map.of("bootstrap.servers", address.group(1)))) {
        admin.deleteTopics(List.of("events")).all().get();
      }
    } catch (Exception e) {
      throw new IllegalStateException("could not delete the demo's events topic", e);
    }
  }

  @Test
  void shouldReportARunningDetectorInTheSummary() throws Exception {
    int code = execute("demo", "--duration", "3s", "--metrics-port", "0",
        "--status-interval", "1s");

    assertThat(code).as(err.toString()).isZero();
    JsonNode detector = summary().get("detector");
    assertThat(detector.get("state").asText()).isEqualTo("RUNNING");
    assertThat(detector.get("error").isNull()).isTrue();
    assertThat(err.toString().lines().filter(line -> line.startsWith("[")))
        .isNotEmpty().allMatch(line -> line.endsWith("; detector RUNNING"));
  }

  @Test
  void shouldRejectAnOptionOfAnotherScenarioBeforeStartingAnything() {
    assertThat(execute("demo", "--instruments", "16")).isEqualTo(2);
    assertThat(err.toString().trim())
        .isEqualTo("surprisal: --instruments does not apply to --scenario default");
  }

  @Test
  void shouldRejectAnUnknownScenarioNamingTheChoices() {
    assertThat(execute("demo", "--scenario", "crypto")).isEqualTo(2);
    assertThat(err.toString().trim())
        .isEqualTo("surprisal: --scenario must be one of default, market, fraud, got 'crypto'");
  }
}
