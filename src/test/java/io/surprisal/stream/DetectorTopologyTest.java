package io.surprisal.stream;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.surprisal.event.BitVector;
import io.surprisal.event.Schemas;
import io.surprisal.generate.SyntheticMixtures;
import io.surprisal.model.BernoulliMixture;
import io.surprisal.model.BinaryLatentFixtures;
import io.surprisal.model.BinaryLatentModel;
import io.surprisal.model.Calibration;
import io.surprisal.model.ModelCodec;
import io.surprisal.model.PublishedModel;
import io.surprisal.model.Scored;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import java.util.Random;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.test.TestRecord;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class DetectorTopologyTest {
  private static final int DIMENSION = 16;
  private static final ObjectMapper JSON = new ObjectMapper();

  private final BernoulliMixture truth = SyntheticMixtures.separated(2, DIMENSION, 3);
  private final ModelRegistry registry = new ModelRegistry();
  private TopologyTestDriver driver;
  private TestInputTopic<byte[], byte[]> events;
  private TestInputTopic<String, byte[]> models;
  private TestOutputTopic<byte[], byte[]> alerts;
  private TestOutputTopic<byte[], byte[]> scores;
  private TestOutputTopic<byte[], byte[]> deadLetters;

  @BeforeEach
  void start() {
    Properties properties = DetectorConfigParser.properties(
        "bootstrap.servers=unused:9092",
        "surprisal.feature.dimension=" + DIMENSION,
        "surprisal.sample.rate=1.0",
        "surprisal.window.size=2000",
        "surprisal.min.training.size=1000",
        "surprisal.retrain.interval=10s",
        "surprisal.trainer.check-interval=100ms",
        "surprisal.mixture.components=1,2,3");
    DetectorConfig config = DetectorConfigParser.parse(properties);
    driver = new TopologyTestDriver(DetectorTopology.buildTopology(config, registry), config.kafka(),
        Instant.ofEpochMilli(0));
    ByteArraySerializer bytes = new ByteArraySerializer();
    ByteArrayDeserializer fromBytes = new ByteArrayDeserializer();
    events = driver.createInputTopic("events", bytes, bytes);
    models = driver.createInputTopic(config.topics().models(), new StringSerializer(), bytes);
    alerts = driver.createOutputTopic("alerts", fromBytes, fromBytes);
    scores = driver.createOutputTopic("scores", fromBytes, fromBytes);
    deadLetters = driver.createOutputTopic("dead-letters", fromBytes, fromBytes);
  }

  @AfterEach
  void stop() {
    driver.close();
  }

  @Test
  void shouldReportEventsAsUnscoredBeforeTheFirstModel() throws IOException {
    send("k1", "{\"id\":\"e1\",\"active\":[1,2]}");
    JsonNode score = read(scores);
    assertThat(score.get("id").asText()).isEqualTo("e1");
    assertThat(score.get("scored").asBoolean()).isFalse();
    assertThat(alerts.isEmpty()).isTrue();
  }

  @Test
  void shouldScoreValidEventWithTheLiveModel() throws IOException {
    publish(1, truth);
    BitVector x = BitVector.ofActive(DIMENSION, 0, 3);
    send("k1", "{\"id\":\"e1\",\"bits\":\"" + x.toBitString() + "\"}");
    JsonNode score = read(scores);
    assertThat(score.get("scored").asBoolean()).isTrue();
    assertThat(score.get("modelVersion").asLong()).isEqualTo(1);
    assertThat(score.get("logLikelihood").asDouble()).isEqualTo(truth.logLikelihood(x));
    assertThat(score.get("latent").get("state").asText()).isEqualTo(truth.latent(x).state());
    assertThat(score.get("latent").get("probability").asDouble())
        .isEqualTo(truth.latent(x).probability());
    // A mixture computes log p(x) without sampling.
    assertThat(score.get("samples").isNull()).isTrue();
  }

  @Test
  void shouldScoreASampledModelAgainstTheLiveThresholdAndReportItsSamples() throws IOException {
    BinaryLatentModel model = BinaryLatentFixtures.withEnumerationLimit(
        BinaryLatentFixtures.random(6, 8, DIMENSION, 1.5, 12, 35), 3);
    Random random = new Random(36);
    double[] holdout = IntStream.range(0, 500)
        .mapToDouble(i -> model.logLikelihood(model.sample(random))).sorted().toArray();
    Calibration calibration = new Calibration(holdout[4], 0.01, holdout.length, holdout);
    models.pipeInput("model", ModelCodec.encode(
        new PublishedModel(1, 0L, 500, -8.0, calibration, model)));
    List<Integer> samples = new java.util.ArrayList<>();
    for (int i = 0; i < 40; i++) {
      BitVector x = model.sample(random);
      send("k" + i, "{\"id\":\"s" + i + "\",\"bits\":\"" + x.toBitString() + "\"}");
      byte[] record = scores.readValue();
      conform("score.schema.json", List.of(record));
      JsonNode score = JSON.readTree(record);
      Scored expected = model.score(x, calibration.threshold());
      assertThat(score.get("samples").asInt()).isEqualTo(expected.samples());
      assertThat(score.get("logLikelihood").asDouble()).isEqualTo(expected.logLikelihood());
      assertThat(score.get("alert").asBoolean())
          .isEqualTo(calibration.isAlert(model.score(x).logLikelihood()));
      samples.add(expected.samples());
    }
    // Most events are far above the threshold: one round of 8 of the 64.
    assertThat(samples).contains(8).allMatch(n -> n >= 8 && n <= 64);
  }

  @Test
  void shouldDeadLetterEachMalformedEventWithItsReasonAndScoreTheNextValidOne() throws IOException {
    publish(1, truth);
    send("bad1", "{\"id\":\"m1\",\"active\":[1,");
    send("bad2", "{\"id\":\"m2\",\"features\":[0,1]}");
    send("bad3", "{\"id\":\"m3\",\"features\":" + dense(2) + "}");
    send("bad4", "{\"id\":\"m4\",\"active\":[3,16]}");
    send("good", "{\"id\":\"ok\",\"active\":[3]}");

    List<TestRecord<byte[], byte[]>> letters = deadLetters.readRecordsToList();
    assertThat(letters).extracting(l -> header(l, DeadLetterRecords.MESSAGE))
        .satisfiesExactly(
            r -> assertThat(r).startsWith("malformed JSON"),
            r -> assertThat(r).isEqualTo("features has 2 values, expected 16"),
            r -> assertThat(r).isEqualTo("features[2]=2 is not 0 or 1"),
            r -> assertThat(r).isEqualTo("active[1]=16 is outside 0..15"));
    // Replayable: the dead letter is the input record itself.
    assertThat(new String(letters.get(0).value(), StandardCharsets.UTF_8))
        .isEqualTo("{\"id\":\"m1\",\"active\":[1,");
    assertThat(letters).extracting(l -> header(l, DeadLetterRecords.TOPIC))
        .containsOnly("events");
    assertThat(letters).extracting(l -> header(l, DeadLetterRecords.OFFSET))
        .containsExactly("0", "1", "2", "3");
    assertThat(letters).extracting(l -> new String(l.key(), StandardCharsets.UTF_8))
        .containsExactly("bad1", "bad2", "bad3", "bad4");

    JsonNode score = read(scores);
    assertThat(score.get("id").asText()).isEqualTo("ok");
    assertThat(score.get("scored").asBoolean()).isTrue();
  }

  @Test
  void shouldNameTheNewModelVersionOnAlertsAfterAPublish() throws IOException {
    publish(1, truth);
    String improbable = "{\"id\":\"a1\",\"features\":" + dense(-1) + ",\"attributes\":{\"card\":\"x\"}}";
    send("k", improbable);
    JsonNode first = read(alerts);
    assertThat(first.get("modelVersion").asLong()).isEqualTo(1);
    assertThat(first.get("attributes").get("card").asText()).isEqualTo("x");
    assertThat(first.get("topFeatures")).hasSize(5);
    assertThat(first.get("key").asText()).isEqualTo("k");
    assertThat(first.get("latent").get("state").asText()).matches("[01]");
    assertThat(first.get("latent").get("probability").asDouble()).isBetween(0.5, 1.0);

    publish(2, truth);
    send("k", improbable.replace("a1", "a2"));
    JsonNode second = read(alerts);
    assertThat(second.get("id").asText()).isEqualTo("a2");
    assertThat(second.get("modelVersion").asLong()).isEqualTo(2);
  }

  @Test
  void shouldWriteScoresAlertsAndDeadLettersThatConformToTheSchemas() throws IOException {
    send("k0", "{\"id\":\"before\",\"active\":[1]}");
    publish(1, truth);
    send("k1", "{\"id\":\"s1\",\"active\":[1,2],\"timestamp\":\"2026-11-25T21:00:00Z\"}");
    send("k2", "{\"id\":\"a1\",\"features\":" + dense(-1) + ",\"attributes\":{\"c\":1}}");
    send("k3", "{\"id\":\"d1\",\"active\":[99]}");
    events.pipeInput(null, new byte[] {(byte) 0xC3, (byte) 0x28});

    List<byte[]> scoreRecords = scores.readValuesToList();
    List<byte[]> alertRecords = alerts.readValuesToList();
    List<TestRecord<byte[], byte[]>> deadLetterRecords = deadLetters.readRecordsToList();
    assertThat(scoreRecords).hasSize(3);
    assertThat(alertRecords).hasSize(1);
    assertThat(deadLetterRecords).hasSize(2);
    conform("score.schema.json", scoreRecords);
    conform("alert.schema.json", alertRecords);
    var deadLetterSchema = Schemas.load("dead-letter.schema.json");
    for (TestRecord<byte[], byte[]> letter : deadLetterRecords) {
      assertThat(deadLetterSchema.validate(
          DeadLetterRecordsTest.headersAsJson(letter.headers()))).isEmpty();
    }
  }

  private static String header(TestRecord<byte[], byte[]> record, String key) {
    return DeadLetterRecordsTest.header(record.headers(), key);
  }

  private static void conform(String schemaName, List<byte[]> messages) throws IOException {
    var schema = Schemas.load(schemaName);
    for (byte[] message : messages) {
      assertThat(Schemas.errors(schema, message))
          .as(schemaName + " for " + new String(message, StandardCharsets.UTF_8))
          .isEmpty();
    }
  }

  @Test
  void shouldRefuseCorruptModelRecordAndKeepScoringWithTheLiveModel() throws IOException {
    publish(1, truth);
    byte[] corrupt = ModelCodec.encode(published(2, truth));
    corrupt[corrupt.length / 2] ^= 0x10;
    models.pipeInput("model", corrupt);
    assertThat(registry.refusedCount()).isEqualTo(1);
    send("k", "{\"id\":\"e\",\"active\":[]}");
    assertThat(read(scores).get("modelVersion").asLong()).isEqualTo(1);
  }

  @Test
  void shouldTrainFirstModelOffThreadAndPublishItOnceEnoughSamplesArrived() throws Exception {
    Random random = new Random(5);
    for (int i = 0; i < 1000; i++) {
      send("k" + i, "{\"id\":\"t" + i + "\",\"bits\":\"" + truth.sample(random).toBitString() + "\"}");
    }
    assertThat(registry.current()).isNull();
    driver.advanceWallClockTime(Duration.ofMillis(100)); // starts the fit
    for (int i = 0; i < 600 && registry.current() == null; i++) {
      Thread.sleep(50);
      driver.advanceWallClockTime(Duration.ofMillis(100)); // publishes it once finished
    }
    PublishedModel live = registry.current();
    assertThat(live).isNotNull();
    assertThat(live.version()).isEqualTo(1);
    assertThat(live.windowSize()).isEqualTo(1000);
    scores.readRecordsToList();
    send("after", "{\"id\":\"after\",\"active\":[1]}");
    assertThat(read(scores).get("modelVersion").asLong()).isEqualTo(1);
  }

  private PublishedModel published(long version, BernoulliMixture model) {
    Random random = new Random(version);
    double[] holdout = IntStream.range(0, 5000)
        .mapToDouble(i -> model.logLikelihood(model.sample(random))).sorted().toArray();
    Calibration calibration = new Calibration(holdout[4], 0.001, holdout.length, holdout);
    return new PublishedModel(version, 0L, 5000, -8.0, calibration, model);
  }

  private void publish(long version, BernoulliMixture model) {
    models.pipeInput("model", ModelCodec.encode(published(version, model)));
    assertThat(registry.current().version()).isEqualTo(version);
  }

  /** A dense feature array: the bit at {@code special} is {@code 2}; with -1, every bit flips the truth's most likely value. */
  private String dense(int special) {
    return IntStream.range(0, DIMENSION)
        .mapToObj(d -> special >= 0 ? (d == special ? "2" : "0")
            : (truth.theta(0, d) + truth.theta(1, d) > 1 ? "0" : "1"))
        .collect(Collectors.joining(",", "[", "]"));
  }

  private void send(String key, String json) {
    events.pipeInput(key.getBytes(StandardCharsets.UTF_8), json.getBytes(StandardCharsets.UTF_8));
  }

  private static JsonNode read(TestOutputTopic<byte[], byte[]> topic) throws IOException {
    return JSON.readTree(topic.readValue());
  }

  private static List<JsonNode> readAll(TestOutputTopic<byte[], byte[]> topic) throws IOException {
    List<JsonNode> nodes = new java.util.ArrayList<>();
    while (!topic.isEmpty()) nodes.add(read(topic));
    return nodes;
  }
}
