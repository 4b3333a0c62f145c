package io.surprisal.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import io.surprisal.event.BitVector;
import io.surprisal.generate.SyntheticMixtures;
import io.surprisal.model.BernoulliMixture;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * schemas/model-info.schema.json is the contract of the line the train command prints: a real
 * train run's output validates, and the schema is strict enough to refuse a line with a field
 * missing or added.
 */
class ModelInfoSchemaTest {
  private static final Path SCHEMA =
      Path.of(System.getProperty("basedir", "."), "schemas", "model-info.schema.json");
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path dir;
  private static JsonSchema schema;
  private static JsonNode info;

  @BeforeAll
  static void trainAndLoadSchema() throws IOException {
    try (InputStream in = Files.newInputStream(SCHEMA)) {
      schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(in);
    }
    BernoulliMixture truth = SyntheticMixtures.separated(3, 16, 0.02, 0.1, 5);
    SplittableRandom random = new SplittableRandom(11);
    StringBuilder csv = new StringBuilder();
    for (int d = 0; d < 16; d++) csv.append(d == 0 ? "" : ",").append("f").append(d);
    csv.append('\n');
    for (int r = 0; r < 2000; r++) {
      BitVector x = truth.sample(random);
      for (int d = 0; d < 16; d++) csv.append(d == 0 ? "" : ",").append(x.get(d) ? '1' : '0');
      csv.append('\n');
    }
    Path input = Files.writeString(dir.resolve("train.csv"), csv);
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine commandLine = SurprisalCommand.commandLine();
    commandLine.setOut(new PrintWriter(out, true));
    commandLine.setErr(new PrintWriter(err, true));
    int code = commandLine.execute("train", "--input", input.toString(), "--model-out",
        dir.resolve("model.bin").toString(), "--components", "1,2,4", "--restarts", "2",
        "--seed", "3");
    assertThat(code).as(err.toString()).isZero();
    String[] lines = out.toString().strip().split("\n");
    assertThat(lines).as("train prints exactly one line on stdout").hasSize(1);
    info = JSON.readTree(lines[0]);
  }

  @Test
  void shouldValidateTheLineThatTrainPrints() {
    assertThat(schema.validate(info)).isEmpty();
    assertThat(info.get("kind").asText()).isEqualTo(BernoulliMixture.KIND);
    assertThat(info.get("dimension").asInt()).isEqualTo(16);
    assertThat(info.get("windowSize").asInt()).isEqualTo(2000);
    // A holdout of 400 rows is smaller than 1/q − 1 = 999: the threshold is extrapolated.
    assertThat(info.get("thresholdMethod").asText()).isEqualTo("tail-fit");
    JsonNode rate = info.get("alertRateInterval");
    assertThat(rate.get("low").asDouble()).isLessThan(0.001);
    assertThat(rate.get("high").asDouble()).isGreaterThan(0.001).isLessThan(1.0);
  }

  @Test
  void shouldAcceptAnUnknownAlertRateIntervalAsNullOnly() {
    ObjectNode unknown = info.deepCopy();
    unknown.putNull("alertRateInterval");
    assertThat(schema.validate(unknown)).isEmpty();

    ObjectNode halfKnown = info.deepCopy();
    halfKnown.putObject("alertRateInterval").put("low", 0.0005);
    assertThat(schema.validate(halfKnown)).isNotEmpty();

    ObjectNode unknownMethod = info.deepCopy();
    unknownMethod.put("thresholdMethod", "guess");
    assertThat(schema.validate(unknownMethod)).isNotEmpty();
  }

  @Test
  void shouldRejectModelInfoWithAMissingOrUnknownField() {
    ObjectNode missing = info.deepCopy();
    missing.remove("threshold");
    assertThat(schema.validate(missing)).isNotEmpty();

    ObjectNode missingMethod = info.deepCopy();
    missingMethod.remove("thresholdMethod");
    assertThat(schema.validate(missingMethod)).isNotEmpty();

    ObjectNode extra = info.deepCopy();
    extra.put("thresold", -12.0);
    assertThat(schema.validate(extra)).isNotEmpty();
  }
}
