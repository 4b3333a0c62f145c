package io.surprisal.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** bench-em on the installed Fashion-MNIST training images, cut down to stay quick. */
class BenchEmCommandTest {
  private static final Path IMAGES = Path.of("/usr/share/datasets/fashion-mnist");

  @Test
  void shouldPrintOneJsonLineForTheFixedIterationsAndProgressPerIterationOnStderr()
      throws Exception {
    assumeTrue(Files.exists(IMAGES.resolve("train-images-idx3-ubyte.gz")),
        "Fashion-MNIST is not installed (apt-get install dataset-fashion-mnist)");
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine commandLine = SurprisalCommand.commandLine();
    commandLine.setOut(new PrintWriter(out, true));
    commandLine.setErr(new PrintWriter(err, true));

    assertThat(commandLine.execute("bench-em", "--limit", "500", "--components", "4",
        "--iterations", "3")).isZero();

    assertThat(out.toString().strip()).doesNotContain("\n");
    JsonNode result = new ObjectMapper().readTree(out.toString());
    assertThat(result.get("rows").asInt()).isEqualTo(500);
    assertThat(result.get("dimension").asInt()).isEqualTo(784);
    assertThat(result.get("components").asInt()).isEqualTo(4);
    assertThat(result.get("iterations").asInt()).isEqualTo(3);
    assertThat(result.get("secondsPerIteration").asDouble()).isPositive();
    assertThat(result.get("secondsTotal").asDouble())
        .isGreaterThan(result.get("secondsPerIteration").asDouble());
    // Between the all-coin-flips model (−784·log 2 = −543) and a perfect one (0).
    assertThat(result.get("finalMeanLogLikelihood").asDouble()).isBetween(-543.0, -100.0);
    assertThat(err.toString()).contains("iteration 1/3:", "iteration 2/3:", "iteration 3/3:");
  }

  @Test
  void shouldRefuseZeroIterationsBeforeReadingAnyImage() {
    StringWriter err = new StringWriter();
    CommandLine commandLine = SurprisalCommand.commandLine();
    commandLine.setOut(new PrintWriter(new StringWriter(), true));
    commandLine.setErr(new PrintWriter(err, true));

    assertThat(commandLine.execute("bench-em", "--iterations", "0", "--images-dir",
        "/nonexistent")).isEqualTo(2);
    assertThat(err.toString()).contains("surprisal: iterations must be >= 1, got 0");
  }
}
