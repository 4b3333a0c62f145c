package io.surprisal.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** fashion-likelihood on the installed Fashion-MNIST files, with small fits to stay quick. */
class FashionLikelihoodCommandTest {
  private static final Path IMAGES = Path.of("/usr/share/datasets/fashion-mnist");

  @BeforeAll
  static void requireDataset() {
    assumeTrue(Files.exists(IMAGES.resolve("t10k-images-idx3-ubyte.gz")),
        "Fashion-MNIST is not installed (apt-get install dataset-fashion-mnist)");
  }

  private static JsonNode run(String... args) throws Exception {
    StringWriter out = new StringWriter();
    CommandLine commandLine = SurprisalCommand.commandLine();
    commandLine.setOut(new PrintWriter(out, true));
    commandLine.setErr(new PrintWriter(new StringWriter(), true));
    assertThat(commandLine.execute(args)).isZero();
    return new ObjectMapper().readTree(out.toString());
  }

  @Test
  void shouldReportMeanTestLogLikelihoodAndExactScoringCostForMixture() throws Exception {
    JsonNode result = run("fashion-likelihood", "--model", "mixture", "--components", "2",
        "--restarts", "1", "--train-limit", "500");
    assertThat(result.get("trainImages").asInt()).isEqualTo(500);
    assertThat(result.get("testImages").asInt()).isEqualTo(10_000);
    // Between the all-coin-flips model (−784·log 2 = −543) and a perfect one (0).
    assertThat(result.get("meanTestLogLikelihood").asDouble()).isBetween(-543.0, -100.0);
    assertThat(result.get("scoringNanosPerEvent").get("exact").asDouble()).isPositive();
  }

  @Test
  void shouldReportVaeScoringCostAtEachTimingSampleCount() throws Exception {
    JsonNode result = run("fashion-likelihood", "--model", "vae", "--train-limit", "500",
        "--max-epochs", "1", "--evaluation-samples", "2", "--timing-samples", "1,4");
    assertThat(result.get("evaluationSamples").asInt()).isEqualTo(2);
    assertThat(result.get("meanTestLogLikelihood").asDouble()).isBetween(-543.0, -100.0);
    assertTimedAtEachSampleCount(result.get("scoringNanosPerEvent"));
  }

  @Test
  void shouldEstimateSampledBinaryLatentLikeTheVae() throws Exception {
    // K = 14 is above the enumeration limit (12): log p(x) is an IWAE estimate, as for the VAE.
    JsonNode result = run("fashion-likelihood", "--model", "binary-latent", "--latent-bits", "14",
        "--train-limit", "500", "--max-epochs", "1", "--evaluation-samples", "2",
        "--timing-samples", "1,4");
    assertThat(result.get("description").asText()).contains("K=14").doesNotContain("exact");
    assertThat(result.get("evaluationSamples").asInt()).isEqualTo(2);
    assertThat(result.get("meanTestLogLikelihood").asDouble()).isBetween(-543.0, -100.0);
    assertTimedAtEachSampleCount(result.get("scoringNanosPerEvent"));
  }

  /** One cost per --timing-samples value; how they compare is for benchmarks, not a unit test. */
  private static void assertTimedAtEachSampleCount(JsonNode cost) {
    assertThat(cost.has("exact")).isFalse();
    assertThat(cost.get("S=1").asDouble()).isPositive();
    assertThat(cost.get("S=4").asDouble()).isPositive();
  }
}
