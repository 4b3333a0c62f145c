package io.surprisal.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The benchmark runs end to end on a tiny load; its figures are for the benchmark runs, not here. */
class BenchThroughputCommandTest {
  @Test
  void shouldMeasureEveryTopologyOverEveryEventAndReportTheRatios() throws Exception {
    JsonNode result = run("bench-throughput", "--events", "3000", "--rounds", "1",
        "--warmup-rounds", "0", "--dimension", "16", "--components", "3",
        "-p", "producer.linger.ms=7");
    assertThat(result.get("passThroughEventsPerSecond")).hasSize(1);
    assertThat(result.get("jsonPassThroughEventsPerSecond")).hasSize(1);
    assertThat(result.get("detectorEventsPerSecond")).hasSize(1);
    assertThat(result.get("settings").get("streams").get("producer.linger.ms").asText())
        .isEqualTo("7");
    assertThat(result.get("medianPassThrough").asDouble()).isPositive();
    assertThat(result.get("medianRatio").asDouble())
        .isEqualTo(result.get("medianDetector").asDouble()
            / result.get("medianPassThrough").asDouble());
    assertThat(result.get("medianRatioToJsonPassThrough").asDouble())
        .isEqualTo(result.get("medianDetector").asDouble()
            / result.get("medianJsonPassThrough").asDouble());
    assertThat(result.get("baselineDetectorEventsPerSecond").isNull()).isTrue();
    assertThat(result.get("medianRoundRatioToBaseline").isNull()).isTrue();
  }

  @Test
  void shouldRunTheBaselineDetectorInTheSameRoundsAndTakeTheRatioPerRound() throws Exception {
    JsonNode result = run("bench-throughput", "--events", "2000", "--rounds", "2",
        "--warmup-rounds", "0", "--dimension", "16", "--components", "3",
        "--score", "ensemble", "--baseline-score", "likelihood");
    assertThat(result.get("model").asText()).contains("complexity-corrected");
    assertThat(result.get("baselineModel").asText()).doesNotContain("complexity-corrected")
        .startsWith(result.get("model").asText().substring(0, 20));
    JsonNode detector = result.get("detectorEventsPerSecond");
    JsonNode baseline = result.get("baselineDetectorEventsPerSecond");
    assertThat(baseline).hasSize(2);
    double[] ratios = {detector.get(0).asDouble() / baseline.get(0).asDouble(),
        detector.get(1).asDouble() / baseline.get(1).asDouble()};
    assertThat(result.get("medianRoundRatioToBaseline").asDouble())
        .isCloseTo((ratios[0] + ratios[1]) / 2, org.assertj.core.data.Offset.offset(1e-12));
  }

  /** Runs the command and returns its last line of output, the result. */
  private static JsonNode run(String... args) throws Exception {
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    PrintStream original = System.out;
    int code;
    try {
      System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
      code = SurprisalCommand.commandLine().execute(args);
    } finally {
      System.setOut(original);
    }
    assertThat(code).isZero();
    String output = captured.toString(StandardCharsets.UTF_8).trim();
    return new ObjectMapper().readTree(output.substring(output.lastIndexOf('\n') + 1));
  }
}
