package io.surprisal.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.surprisal.avro.AvroSchemas;
import io.surprisal.avro.FramedAvro;
import io.surprisal.avro.InTestSchemaRegistry;
import io.surprisal.event.BitVector;
import io.surprisal.generate.SyntheticMixtures;
import io.surprisal.model.BernoulliMixture;
import io.surprisal.model.Calibration;
import io.surprisal.model.ModelCodec;
import io.surprisal.model.PublishedModel;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** surprisal.format=avro: events in, scores and alerts out in the registry framing. */
class AvroTopologyTest {
  private static final int DIMENSION = 16;

  private final BernoulliMixture truth = SyntheticMixtures.separated(2, DIMENSION, 3);
  private final ModelRegistry models = new ModelRegistry();
  private InTestSchemaRegistry registry;
  private TopologyTestDriver driver;
  private TestInputTopic<byte[], byte[]> events;
  private TestOutputTopic<byte[], byte[]> alerts;
  private TestOutputTopic<byte[], byte[]> scores;
  private TestOutputTopic<byte[], byte[]> deadLetters;
  private DetectorConfig config;
  private int eventSchema;

  @BeforeEach
  void start() {
    registry = InTestSchemaRegistry.start();
    eventSchema = registry.register("events-value", AvroSchemas.EVENT);
    config = DetectorConfigParser.parse(DetectorConfigParser.properties(
        "bootstrap.servers=unused:9092",
        "surprisal.feature.dimension=" + DIMENSION,
        "surprisal.format=avro",
        "surprisal.schema.registry.url=" + registry.url()));
    driver = new TopologyTestDriver(DetectorTopology.buildTopology(config, models),
        config.kafka(), Instant.ofEpochMilli(0));
    ByteArraySerializer bytes = new ByteArraySerializer();
    ByteArrayDeserializer fromBytes = new ByteArrayDeserializer();
    events = driver.createInputTopic("events", bytes, bytes);
    alerts = driver.createOutputTopic("alerts", fromBytes, fromBytes);
    scores = driver.createOutputTopic("scores", fromBytes, fromBytes);
    deadLetters = driver.createOutputTopic("dead-letters", fromBytes, fromBytes);
  }

  @AfterEach
  void stop() {
    driver.close();
    registry.close();
  }

  @Test
  void shouldRegisterTheScoreAndAlertSchemasUnderTheirTopicsValueSubjects() {
    assertThat(registry.versions("scores-value")).hasSize(1);
    assertThat(registry.versions("alerts-value")).hasSize(1);
    assertThat(registry.schema(registry.versions("scores-value").get(0)))
        .isEqualTo(AvroSchemas.SCORE);
    assertThat(registry.schema(registry.versions("alerts-value").get(0)))
        .isEqualTo(AvroSchemas.ALERT);
  }

  @Test
  void shouldWriteAnUnscoredScoreInAvroBeforeTheFirstModel() {
    send("k1", Map.of("id", "e1", "active", List.of(1, 2), "timestamp", 5L));

    GenericRecord score = decoded(scores.readValue(), "scores-value");
    assertThat(score.toString()).isEqualTo("{\"id\": \"e1\", \"key\": \"k1\", \"timestamp\": 5,"
        + " \"scored\": false, \"logLikelihood\": null, \"score\": null, \"threshold\": null,"
        + " \"percentile\": null, \"alert\": false, \"modelVersion\": null, \"samples\": null,"
        + " \"latent\": null}");
  }

  @Test
  void shouldWriteScoresAndAlertsInAvroWithTheLiveModel() {
    publish();
    BitVector x = BitVector.ofActive(DIMENSION, 0, 3);
    send("k1", Map.of("id", "e1", "bits", x.toBitString()));
    send("k2", Map.of("id", "a1", "features", improbable(), "attributes", "{\"card\":\"x\"}"));

    GenericRecord score = decoded(scores.readValue(), "scores-value");
    assertThat(score.get("scored")).isEqualTo(true);
    assertThat(score.get("modelVersion")).isEqualTo(1L);
    assertThat(score.get("logLikelihood")).isEqualTo(truth.logLikelihood(x));
    assertThat(((GenericRecord) score.get("latent")).get("state").toString())
        .isEqualTo(truth.latent(x).state());
    GenericRecord alert = decoded(alerts.readValue(), "alerts-value");
    assertThat(alert.get("id").toString()).isEqualTo("a1");
    assertThat(alert.get("key").toString()).isEqualTo("k2");
    assertThat(alert.get("attributes").toString()).isEqualTo("{\"card\":\"x\"}");
    assertThat((List<?>) alert.get("topFeatures")).hasSize(5);
    assertThat(decoded(scores.readValue(), "scores-value").get("alert")).isEqualTo(true);
  }

  @Test
  void shouldDeadLetterMalformedAvroWithItsReasonAndScoreTheNextValidEvent() {
    byte[] valid = FramedAvro.write(AvroSchemas.EVENT, eventSchema,
        Map.of("id", "ok", "active", List.of(3)));
    send("json", "{\"id\":\"m1\",\"active\":[1]}".getBytes(StandardCharsets.UTF_8));
    send("unknown", FramedAvro.write(AvroSchemas.EVENT, 777, Map.of("id", "m2")));
    send("truncated", java.util.Arrays.copyOf(valid, valid.length - 1));
    send("range", FramedAvro.write(AvroSchemas.EVENT, eventSchema,
        Map.of("id", "m4", "active", List.of(16))));
    send("good", valid);

    List<TestRecord<byte[], byte[]>> letters = deadLetters.readRecordsToList();
    assertThat(letters).extracting(l -> DeadLetterRecordsTest.header(l.headers(),
        DeadLetterRecords.MESSAGE)).satisfiesExactly(
            r -> assertThat(r).startsWith("avro frame must start with the magic byte 0x00"),
            r -> assertThat(r).isEqualTo("avro schema id 777 is unknown to the schema registry"),
            r -> assertThat(r).startsWith(
                "avro payload does not decode with schema id " + eventSchema + ": "),
            r -> assertThat(r).isEqualTo("active[0]=16 is outside 0..15"));
    // Replayable: the dead letter is the framed input itself.
    assertThat(letters.get(2).value()).containsExactly(java.util.Arrays.copyOf(valid, valid.length - 1));
    assertThat(decoded(scores.readValue(), "scores-value").get("id").toString()).isEqualTo("ok");
  }

  @Test
  void shouldRefuseToBuildWhenTheRegistryCannotBeReached() {
    registry.close();
    DetectorConfig unreachable = DetectorConfigParser.parse(DetectorConfigParser.properties(
        "bootstrap.servers=unused:9092",
        "surprisal.feature.dimension=" + DIMENSION,
        "surprisal.format=avro",
        "surprisal.schema.registry.url=" + registry.url()));

    assertThatThrownBy(() -> DetectorTopology.buildTopology(unreachable))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageStartingWith("surprisal.schema.registry.url: registering a schema under subject"
            + " alerts-value: registry " + registry.url() + " cannot be reached");
  }

  private GenericRecord decoded(byte[] framed, String subject) {
    int id = FramedAvro.schemaId(framed);
    assertThat(registry.versions(subject)).contains(id);
    return FramedAvro.read(framed, registry.schema(id));
  }

  private void send(String key, Map<String, Object> fields) {
    send(key, FramedAvro.write(AvroSchemas.EVENT, eventSchema, fields));
  }

  private void send(String key, byte[] value) {
    events.pipeInput(key.getBytes(StandardCharsets.UTF_8), value);
  }

  /** Every bit flips the truth's most likely value. */
  private List<Integer> improbable() {
    return IntStream.range(0, DIMENSION)
        .mapToObj(d -> truth.theta(0, d) + truth.theta(1, d) > 1 ? 0 : 1).toList();
  }

  private void publish() {
    Random random = new Random(1);
    double[] holdout = IntStream.range(0, 5000)
        .mapToDouble(i -> truth.logLikelihood(truth.sample(random))).sorted().toArray();
    Calibration calibration = new Calibration(holdout[4], 0.001, holdout.length, holdout);
    driver.createInputTopic(config.topics().models(), new StringSerializer(),
            new ByteArraySerializer())
        .pipeInput("model", ModelCodec.encode(
            new PublishedModel(1, 0L, 5000, -8.0, calibration, truth)));
    assertThat(models.current().version()).isEqualTo(1);
  }
}
