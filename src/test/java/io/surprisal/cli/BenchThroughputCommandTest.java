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
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    PrintStream original = System.out;
    int code;
    try {
      System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
      code = SurprisalCommand.commandLine().execute(
          "bench-throughput", "--events", "3000", "--rounds", "1", "--warmup-rounds", "0",
          "--dimension", "16", "--components", "3", "-p", "producer.linger.ms=7");
    } finally {
      System.setOut(original);
    }
    assertThat(code).isZero();
    String output = captured.toString(StandardCharsets.UTF_8).trim();
    JsonNode result = new ObjectMapper().readTree(output.substring(output.lastIndexOf('\n') + 1));
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
  }
}
