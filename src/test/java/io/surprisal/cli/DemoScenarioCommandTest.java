package io.surprisal.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
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
