package io.surprisal.event;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import io.surprisal.model.BernoulliMixture;
import io.surprisal.model.Calibration;
import io.surprisal.model.LatentSummary;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The JSON Schemas in schemas/ are the wire contract: real messages, as the code reads and writes
 * them, must validate, and the parser and the event schema must agree on every sample that does not
 * depend on the configured dimension.
 */
class SchemaContractTest {
  private static final Path SCHEMAS = Path.of(System.getProperty("basedir", "."), "schemas");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int DIMENSION = 8;

  private static JsonSchema eventSchema;
  private static JsonSchema alertSchema;
  private static JsonSchema scoreSchema;

  private final EventParser parser = new EventParser(DIMENSION);

  @BeforeAll
  static void loadSchemas() throws IOException {
    eventSchema = load("event.schema.json");
    alertSchema = load("alert.schema.json");
    scoreSchema = load("score.schema.json");
  }

  private static JsonSchema load(String name) throws IOException {
    return Schemas.load(name);
  }

  private static Set<ValidationMessage> errors(JsonSchema schema, byte[] message) {
    return Schemas.errors(schema, message);
  }

  private static Set<ValidationMessage> errors(JsonSchema schema, String message) {
    return errors(schema, message.getBytes(StandardCharsets.UTF_8));
  }

  // Events that are valid for both the parser (L = 8) and the schema.
  private static final List<String> VALID_EVENTS =
      List.of(
          "{\"id\":\"e1\",\"features\":[0,1,0,0,1,0,0,1]}",
          "{\"id\":\"e1\",\"active\":[7,1,4]}",
          "{\"id\":\"e1\",\"bits\":\"01001001\"}",
          "{\"id\":\"e2\",\"active\":[]}",
          "{\"id\":\"e3\",\"timestamp\":1714564800123,\"active\":[0]}",
          "{\"id\":\"e3\",\"timestamp\":0,\"active\":[0]}",
          "{\"id\":\"e4\",\"timestamp\":\"2024-05-01T12:00:00Z\",\"bits\":\"11111111\"}",
          "{\"id\":\"e4\",\"timestamp\":\"2024-05-01T14:00:00.250+02:00\",\"bits\":\"00000000\"}",
          "{\"id\":\"e5\",\"timestamp\":null,\"attributes\":null,\"active\":[3]}",
          "{\"id\":\"e6\",\"attributes\":{\"merchant\":\"m-9\",\"amount\":12.5},\"active\":[3]}",
          "{\"id\":\"e7\",\"source\":\"pos\",\"schemaVersion\":2,\"active\":[3]}");

  // Events that break a rule the schema can state: both the parser and the schema refuse them.
  private static final List<String> INVALID_EVENTS =
      List.of(
          "[1,2,3]",
          "\"e1\"",
          "{\"active\":[1]}",
          "{\"id\":null,\"active\":[1]}",
          "{\"id\":42,\"active\":[1]}",
          "{\"id\":\"\",\"active\":[1]}",
          "{\"id\":\"a\"}",
          "{\"id\":\"a\",\"active\":[1],\"bits\":\"01000000\"}",
          "{\"id\":\"a\",\"features\":[0,0,0,0,0,0,0,0],\"active\":[1]}",
          "{\"id\":\"a\",\"features\":null}",
          "{\"id\":\"a\",\"features\":[]}",
          "{\"id\":\"a\",\"features\":[0,1,0,2,0,0,0,0]}",
          "{\"id\":\"a\",\"features\":[0,0,0.5,0,0,0,0,0]}",
          "{\"id\":\"a\",\"features\":[0,true,0,0,0,0,0,0]}",
          "{\"id\":\"a\",\"features\":\"01001001\"}",
          "{\"id\":\"a\",\"active\":[4,-1]}",
          "{\"id\":\"a\",\"active\":[5,2,5]}",
          "{\"id\":\"a\",\"active\":[1,2.5]}",
          "{\"id\":\"a\",\"active\":[\"3\"]}",
          "{\"id\":\"a\",\"active\":3}",
          "{\"id\":\"a\",\"bits\":\"0101x101\"}",
          "{\"id\":\"a\",\"bits\":\"\"}",
          "{\"id\":\"a\",\"bits\":[0,1]}",
          "{\"id\":\"a\",\"bits\":\"00000000\",\"attributes\":[\"x\"]}",
          "{\"id\":\"a\",\"bits\":\"00000000\",\"attributes\":\"shop=7\"}",
          "{\"id\":\"a\",\"timestamp\":-5,\"bits\":\"00000000\"}",
          "{\"id\":\"a\",\"timestamp\":1.5,\"bits\":\"00000000\"}",
          "{\"id\":\"a\",\"timestamp\":true,\"bits\":\"00000000\"}",
          "{\"id\":\"a\",\"timestamp\":99999999999999999999,\"bits\":\"00000000\"}",
          "{\"id\":\"a\",\"timestamp\":\"yesterday\",\"bits\":\"00000000\"}",
          "{\"id\":\"a\",\"timestamp\":\"2024-05-01\",\"bits\":\"00000000\"}",
          "{\"id\":\"a\",\"timestamp\":\"2024-05-01T12:00:00\",\"bits\":\"00000000\"}",
          "{\"id\":\"a\",\"timestamp\":\"2024-02-30T12:00:00Z\",\"bits\":\"00000000\"}");

  // Rules that depend on the configured dimension L, which no schema can know: schema-valid,
  // refused by the parser with L = 8.
  private static final List<String> DIMENSION_DEPENDENT_INVALID_EVENTS =
      List.of(
          "{\"id\":\"a\",\"features\":[0,1,1]}",
          "{\"id\":\"a\",\"active\":[3,8]}",
          "{\"id\":\"a\",\"active\":[0,1,2,3,4,5,6,7,812]}",
          "{\"id\":\"a\",\"bits\":\"0101\"}");

  // Integral values spelled as decimals: JSON Schema's "integer" and enum equality count 1.0 and
  // 1e3 as integers, the parser wants integer literals. Schema-valid, refused by the parser.
  private static final List<String> DECIMAL_SPELLED_INTEGER_EVENTS =
      List.of(
          "{\"id\":\"a\",\"features\":[0,0,0,0,0,1.0,0,0]}",
          "{\"id\":\"a\",\"active\":[1.0]}",
          "{\"id\":\"a\",\"timestamp\":1.0E3,\"active\":[1]}");

  @Test
  void shouldAcceptEveryValidEventShapeInSchemaAndParser() throws Exception {
    for (String event : VALID_EVENTS) {
      assertThat(errors(eventSchema, event)).as(event).isEmpty();
      assertThat(parser.parse(event.getBytes(StandardCharsets.UTF_8))).as(event).isNotNull();
    }
  }

  @Test
  void shouldRefuseEveryInvalidEventInSchemaAndParser() {
    for (String event : INVALID_EVENTS) {
      assertThat(errors(eventSchema, event)).as(event).isNotEmpty();
      assertThat(parsesOrNull(event)).as(event).isNull();
    }
  }

  @Test
  void shouldKeepParserAndSchemaInAgreementOnEverySample() {
    // Parser accepts ⇒ schema-valid; schema-invalid ⇒ parser refuses.
    List<String> all = new ArrayList<>();
    all.addAll(VALID_EVENTS);
    all.addAll(INVALID_EVENTS);
    all.addAll(DIMENSION_DEPENDENT_INVALID_EVENTS);
    all.addAll(DECIMAL_SPELLED_INTEGER_EVENTS);
    for (String event : all) {
      boolean schemaValid = errors(eventSchema, event).isEmpty();
      boolean parsed = parsesOrNull(event) != null;
      if (parsed) assertThat(schemaValid).as("parser accepts %s", event).isTrue();
      if (!schemaValid) assertThat(parsed).as("schema refuses %s", event).isFalse();
    }
  }

  @Test
  void shouldLeaveDimensionRulesToTheParser() {
    for (String event : DIMENSION_DEPENDENT_INVALID_EVENTS) {
      assertThat(errors(eventSchema, event)).as(event).isEmpty();
      assertThat(parsesOrNull(event)).as(event).isNull();
    }
  }

  @Test
  void shouldLeaveIntegerSpellingToTheParser() {
    for (String event : DECIMAL_SPELLED_INTEGER_EVENTS) {
      assertThat(errors(eventSchema, event)).as(event).isEmpty();
      assertThat(parsesOrNull(event)).as(event).isNull();
    }
  }

  private Event parsesOrNull(String event) {
    try {
      return parser.parse(event.getBytes(StandardCharsets.UTF_8));
    } catch (InvalidEventException e) {
      return null;
    }
  }

  private static BernoulliMixture model() {
    return BernoulliMixture.of(
        new double[] {0.6, 0.4},
        new double[][] {
          {0.9, 0.9, 0.9, 0.9, 0.1, 0.1, 0.1, 0.1}, {0.1, 0.1, 0.1, 0.1, 0.9, 0.9, 0.9, 0.9}
        });
  }

  private static final Calibration CALIBRATION =
      new Calibration(-6.0, 0.001, 5000, new double[] {-9.0, -6.0, -4.5, -3.0, -1.8});

  @Test
  void shouldWriteAlertWithTopFeaturesAndAttributesThatMatchesTheAlertSchema() throws Exception {
    Event event =
        parser.parse(
            ("{\"id\":\"e-42\",\"timestamp\":\"2024-05-01T12:00:00Z\",\"active\":[0,2,5,7],"
                    + "\"attributes\":{\"merchant\":\"m-9\",\"amount\":12.5,\"tags\":[\"a\"]}}")
                .getBytes(StandardCharsets.UTF_8));
    BernoulliMixture model = model();
    double logLikelihood = model.logLikelihood(event.features());
    assertThat(CALIBRATION.isAlert(logLikelihood)).isTrue();
    LatentSummary latent = model.latent(event.features());
    Alert alert =
        new Alert(event.id(), "card-17", event.timestamp(), logLikelihood, CALIBRATION.threshold(),
            CALIBRATION.percentile(logLikelihood), 3, model.explain(event.features(), 3),
            event.attributes(), new Latent(latent.state(), latent.probability()));

    byte[] json = MessageJson.write(alert);

    assertThat(errors(alertSchema, json)).isEmpty();
    JsonNode node = JSON.readTree(json);
    assertThat(node.get("topFeatures")).hasSize(3);
    assertThat(node.get("attributes").get("merchant").asText()).isEqualTo("m-9");
    assertThat(node.get("timestamp").asLong()).isEqualTo(1_714_564_800_000L);
    assertThat(node.get("latent").get("state").asText()).isEqualTo(latent.state());
  }

  @Test
  void shouldWriteAlertWithoutKeyOrAttributesThatMatchesTheAlertSchema() {
    Alert alert =
        new Alert("e-1", null, 5L, -7.25, -6.0, 0.0, 1,
            List.of(new FeatureContribution(6, 1, -2.3)), null, null);
    assertThat(errors(alertSchema, MessageJson.write(alert))).isEmpty();
  }

  @Test
  void shouldWriteUnscoredAndScoredScoresThatMatchTheScoreSchema() {
    Score unscored = Score.unscored("e-1", "card-17", 1_714_564_800_000L);
    BernoulliMixture model = model();
    double logLikelihood = model.logLikelihood(BitVector.ofActive(8, 0, 1, 2, 3));
    Score scored =
        new Score("e-2", null, 1_714_564_800_001L, true, logLikelihood, CALIBRATION.threshold(),
            CALIBRATION.percentile(logLikelihood), CALIBRATION.isAlert(logLikelihood), 4L,
            new Latent("0", 0.875));

    assertThat(errors(scoreSchema, MessageJson.write(unscored))).isEmpty();
    assertThat(errors(scoreSchema, MessageJson.write(scored))).isEmpty();
    assertThat(MessageJson.read(MessageJson.write(scored), Score.class)).isEqualTo(scored);
  }

  @Test
  void shouldAcceptAScoresSamplesWhenScoredAndAScoreWrittenBeforeSamplesExisted()
      throws Exception {
    Score sampled = new Score("e-2", "k", 1L, true, -7.0, -7.0, -6.0, 0.5, false, 1L,
        new Latent("0110", 0.5), 16);
    assertThat(errors(scoreSchema, MessageWriter.score(sampled))).isEmpty();
    assertThat(MessageJson.read(MessageWriter.score(sampled), Score.class)).isEqualTo(sampled);
    ObjectNode older = (ObjectNode) JSON.readTree(MessageWriter.score(sampled));
    older.remove("samples");
    assertThat(scoreSchema.validate(older)).isEmpty();
    assertThat(JSON.treeToValue(older, Score.class).samples()).isNull();

    ObjectNode none = (ObjectNode) JSON.readTree(MessageWriter.score(sampled));
    none.put("samples", 0);
    assertThat(scoreSchema.validate(none)).isNotEmpty();
    ObjectNode unscored =
        (ObjectNode) JSON.readTree(MessageWriter.score(Score.unscored("e-1", "k", 1L)));
    unscored.put("samples", 8);
    assertThat(scoreSchema.validate(unscored)).isNotEmpty();
  }

  @Test
  void shouldWriteNullLogLikelihoodAlertedWithPercentileZeroWhenTheModelGivesNoFiniteValue()
      throws IOException {
    for (double notFinite : new double[] {Double.NEGATIVE_INFINITY, Double.NaN}) {
      Score score = new Score("e-3", "k", 1L, true, notFinite, CALIBRATION.threshold(),
          CALIBRATION.percentile(notFinite), CALIBRATION.isAlert(notFinite), 4L, null);
      Alert alert = new Alert("e-3", "k", 1L, notFinite, CALIBRATION.threshold(),
          CALIBRATION.percentile(notFinite), 4L,
          List.of(new FeatureContribution(2, 1, Double.NEGATIVE_INFINITY)), null, null);

      assertThat(score.alert()).as("fail closed for %s", notFinite).isTrue();
      assertThat(errors(scoreSchema, MessageWriter.score(score))).as("%s", notFinite).isEmpty();
      assertThat(errors(alertSchema, MessageWriter.alert(alert))).as("%s", notFinite).isEmpty();
      assertThat(JSON.readTree(MessageWriter.score(score)).get("logLikelihood").isNull()).isTrue();
    }
  }

  private static String parserReason(EventParser parser, String event) {
    try {
      parser.parse(event.getBytes(StandardCharsets.UTF_8));
      throw new AssertionError("parser accepted " + event);
    } catch (InvalidEventException e) {
      return e.getMessage();
    }
  }

  @Test
  void shouldRefuseOutputMessagesThatBreakTheirContract() throws Exception {
    Score unscored = Score.unscored("e-1", "k", 1L);
    ObjectNode withScore = (ObjectNode) JSON.readTree(MessageJson.write(unscored));
    withScore.put("logLikelihood", -3.0);
    assertThat(scoreSchema.validate(withScore)).isNotEmpty();

    Score scored = new Score("e-2", "k", 1L, true, null, -6.0, 0.5, false, 1L, null);
    assertThat(errors(scoreSchema, MessageJson.write(scored))).isNotEmpty();
    Score notFiniteNotAlerted =
        new Score("e-2", "k", 1L, true, Double.NaN, -6.0, 0.0, false, 1L, null);
    assertThat(errors(scoreSchema, MessageWriter.score(notFiniteNotAlerted))).isNotEmpty();

    Alert alert =
        new Alert("e-1", "k", 1L, -7.0, -6.0, 0.0, 1, List.of(new FeatureContribution(2, 1, -2)),
            null, new Latent("1", 0.5));
    ObjectNode badPercentile = (ObjectNode) JSON.readTree(MessageJson.write(alert));
    badPercentile.put("percentile", 1.5);
    assertThat(alertSchema.validate(badPercentile)).isNotEmpty();
    ObjectNode extraField = (ObjectNode) JSON.readTree(MessageJson.write(alert));
    extraField.put("severity", "high");
    assertThat(alertSchema.validate(extraField)).isNotEmpty();
    ObjectNode missingField = (ObjectNode) JSON.readTree(MessageJson.write(alert));
    missingField.remove("modelVersion");
    assertThat(alertSchema.validate(missingField)).isNotEmpty();
    ObjectNode badLatent = (ObjectNode) JSON.readTree(MessageJson.write(alert));
    ((ObjectNode) badLatent.get("latent")).put("probability", 1.5);
    assertThat(alertSchema.validate(badLatent)).isNotEmpty();
  }

  @Test
  void shouldKeepEverySchemaAValidDraft202012DocumentWithTitleAndFieldDescriptions()
      throws IOException {
    JsonSchema metaSchema =
        JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012)
            .getSchema(SchemaLocation.of("https://json-schema.org/draft/2020-12/schema"));
    for (String name :
        List.of("event.schema.json", "alert.schema.json", "score.schema.json",
            "dead-letter.schema.json")) {
      JsonNode schema = JSON.readTree(SCHEMAS.resolve(name).toFile());
      assertThat(metaSchema.validate(schema)).as(name).isEmpty();
      assertThat(schema.path("$schema").asText())
          .isEqualTo("https://json-schema.org/draft/2020-12/schema");
      assertThat(schema.path("title").asText()).as(name).isNotBlank();
      assertThat(schema.path("description").asText()).as(name).isNotBlank();
      Iterator<Map.Entry<String, JsonNode>> fields = schema.get("properties").fields();
      while (fields.hasNext()) {
        Map.Entry<String, JsonNode> field = fields.next();
        assertThat(field.getValue().path("description").asText())
            .as("%s: description of %s", name, field.getKey())
            .isNotBlank();
      }
    }
  }
}
