package io.surprisal.stream;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.surprisal.event.MessageJson;
import io.surprisal.generate.SyntheticMixtures;
import io.surprisal.model.BernoulliMixture;
import io.surprisal.model.Calibration;
import io.surprisal.model.ModelCodec;
import io.surprisal.model.PublishedModel;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.common.header.internals.RecordHeaders;
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

/**
 * What the scoring path copies from an event into its outputs, and which timestamps it writes, are
 * bounded to what the broker accepts (see {@link OutputLimits}, {@link RecordTimestamps}). The
 * broker's own limits are exercised in it/HostileTrafficTest; this checks the rules one by one.
 */
class ScoringPathLimitsTest {
  private static final int DIMENSION = 8;
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long RECORD_TIME = 1_700_000_000_000L;

  private final BernoulliMixture truth = SyntheticMixtures.separated(2, DIMENSION, 3);
  private final ModelRegistry registry = new ModelRegistry();
  private DetectorConfig config;
  private TopologyTestDriver driver;
  private TestInputTopic<byte[], byte[]> events;
  private TestOutputTopic<byte[], byte[]> alerts;
  private TestOutputTopic<byte[], byte[]> scores;
  private TestOutputTopic<byte[], byte[]> samples;
  private TestOutputTopic<byte[], byte[]> deadLetters;

  @BeforeEach
  void start() {
    config = DetectorConfigParser.parse(DetectorConfigParser.properties(
        "bootstrap.servers=unused:9092",
        "surprisal.feature.dimension=" + DIMENSION,
        "surprisal.sample.rate=1.0",
        "surprisal.regime.enabled=false"));
    driver = new TopologyTestDriver(DetectorTopology.buildTopology(config, registry),
        config.kafka(), Instant.ofEpochMilli(RECORD_TIME));
    ByteArraySerializer bytes = new ByteArraySerializer();
    ByteArrayDeserializer fromBytes = new ByteArrayDeserializer();
    DetectorConfig.Topics topics = config.topics();
    events = driver.createInputTopic(topics.events(), bytes, bytes);
    alerts = driver.createOutputTopic(topics.alerts(), fromBytes, fromBytes);
    scores = driver.createOutputTopic(topics.scores(), fromBytes, fromBytes);
    samples = driver.createOutputTopic(topics.samples(), fromBytes, fromBytes);
    deadLetters = driver.createOutputTopic(topics.deadLetters(), fromBytes, fromBytes);
    // A model whose threshold alerts on everything finite, so every event yields an alert.
    double[] holdout = {-1.0};
    driver.createInputTopic(topics.models(), new StringSerializer(), bytes).pipeInput("model",
        ModelCodec.encode(new PublishedModel(1, 0L, 100, -5.0,
            new Calibration(0.0, 0.01, 1, holdout), truth)));
    assertThat(registry.current()).isNotNull();
  }

  @AfterEach
  void stop() {
    driver.close();
  }

  private void send(byte[] key, String json, RecordHeaders headers) {
    events.pipeInput(new TestRecord<>(key, json.getBytes(StandardCharsets.UTF_8), headers,
        RECORD_TIME));
  }

  private void send(String key, String json) {
    send(key.getBytes(StandardCharsets.UTF_8), json, new RecordHeaders());
  }

  private String reason() {
    List<TestRecord<byte[], byte[]>> letters = deadLetters.readRecordsToList();
    assertThat(letters).hasSize(1);
    assertThat(scores.isEmpty()).as("a refused event is not scored").isTrue();
    return DeadLetterRecordsTest.header(letters.get(0).headers(), DeadLetterRecords.MESSAGE);
  }

  @Test
  void shouldDeadLetterAnIsoTimestampBefore1970AsEpochNumbersBelowZeroAre() {
    send("k", "{\"id\":\"old\",\"timestamp\":\"1969-12-31T23:59:59Z\",\"active\":[1]}");
    assertThat(reason()).isEqualTo(
        "timestamp \"1969-12-31T23:59:59Z\" is before 1970-01-01T00:00:00Z");
  }

  @Test
  void shouldCarryAFutureEventTimeInTheScoreButWriteEveryRecordAtTheRecordsOwnTime()
      throws IOException {
    send("k", "{\"id\":\"ahead\",\"timestamp\":\"2100-01-01T00:00:00Z\",\"active\":[1]}");

    TestRecord<byte[], byte[]> score = scores.readRecord();
    assertThat(JSON.readTree(score.value()).get("timestamp").asLong())
        .isEqualTo(Instant.parse("2100-01-01T00:00:00Z").toEpochMilli());
    assertThat(score.timestamp()).isEqualTo(RECORD_TIME);
    assertThat(alerts.readRecord().timestamp()).isEqualTo(RECORD_TIME);
    assertThat(samples.readRecord().timestamp()).isEqualTo(RECORD_TIME);
  }

  @Test
  void shouldDeadLetterAnIdLongerThanTheLimitAndScoreOneAtTheLimit() {
    send("k", "{\"id\":\"" + "i".repeat(1025) + "\",\"active\":[1]}");
    assertThat(reason()).isEqualTo("id has 1025 characters, more than the 1024 allowed");

    send("k", "{\"id\":\"" + "i".repeat(1024) + "\",\"active\":[1]}");
    assertThat(scores.readRecordsToList()).hasSize(1);
  }

  @Test
  void shouldDeadLetterARecordKeyLongerThanTheLimitWithTheKeyKept() {
    byte[] key = new byte[OutputLimits.MAX_KEY_BYTES + 1];
    send(key, "{\"id\":\"k\",\"active\":[1]}", new RecordHeaders());

    List<TestRecord<byte[], byte[]>> letters = deadLetters.readRecordsToList();
    assertThat(letters).hasSize(1);
    assertThat(letters.get(0).key()).isEqualTo(key);
    assertThat(DeadLetterRecordsTest.header(letters.get(0).headers(), DeadLetterRecords.MESSAGE))
        .isEqualTo("key has 4097 bytes, more than the 4096 allowed");
    assertThat(scores.isEmpty()).isTrue();
  }

  @Test
  void shouldKeepTheInputHeadersOnScoresAndAlertsButNotOnSamples() {
    RecordHeaders headers = new RecordHeaders();
    headers.add("traceparent", "00-4bf92f3577b34da6-00f067aa0ba902b7-01".getBytes(StandardCharsets.UTF_8));
    send("k".getBytes(StandardCharsets.UTF_8), "{\"id\":\"t\",\"active\":[1]}", headers);

    assertThat(DeadLetterRecordsTest.header(scores.readRecord().headers(), "traceparent"))
        .isEqualTo("00-4bf92f3577b34da6-00f067aa0ba902b7-01");
    assertThat(DeadLetterRecordsTest.header(alerts.readRecord().headers(), "traceparent"))
        .isEqualTo("00-4bf92f3577b34da6-00f067aa0ba902b7-01");
    assertThat(samples.readRecord().headers().toArray()).isEmpty();
  }

  @Test
  void shouldNoteTheSizeOfInputHeadersTooLargeToCopyInsteadOfCopyingThem() {
    RecordHeaders headers = new RecordHeaders();
    headers.add("blob", new byte[OutputLimits.MAX_COPIED_HEADER_BYTES]);
    send("k".getBytes(StandardCharsets.UTF_8), "{\"id\":\"t\",\"active\":[1]}", headers);

    TestRecord<byte[], byte[]> score = scores.readRecord();
    assertThat(score.headers().lastHeader("blob")).isNull();
    assertThat(DeadLetterRecordsTest.header(score.headers(), OutputLimits.HEADERS_DROPPED))
        .isEqualTo(Integer.toString(4 + OutputLimits.MAX_COPIED_HEADER_BYTES));
  }

  @Test
  void shouldReplaceAttributesThatWouldNotFitInTheAlertRecordByTheirSizeAndHash()
      throws IOException {
    String big = "x".repeat(config.outputLimits().maxRecordBytes());
    String attributes = "{\"note\":\"" + big + "\"}";
    send("k", "{\"id\":\"big\",\"active\":[1],\"attributes\":" + attributes + "}");

    JsonNode alert = JSON.readTree(alerts.readValue());
    byte[] written = MessageJson.write(JSON.readTree(attributes));
    assertThat(alert.get("attributes").get("truncated").asBoolean()).isTrue();
    assertThat(alert.get("attributes").get("bytes").asInt()).isEqualTo(written.length);
    assertThat(alert.get("attributes").get("sha256").asText())
        .isEqualTo(DeadLetterRecords.sha256(written));
    // Small attributes are carried whole.
    send("k", "{\"id\":\"small\",\"active\":[1],\"attributes\":{\"card\":\"c-1\"}}");
    assertThat(JSON.readTree(alerts.readValue()).get("attributes").get("card").asText())
        .isEqualTo("c-1");
  }
}
