package io.surprisal.stream;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.surprisal.generate.SyntheticMixtures;
import io.surprisal.model.BernoulliMixture;
import io.surprisal.model.Calibration;
import io.surprisal.model.ModelCodec;
import io.surprisal.model.PublishedModel;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.test.TestRecord;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * 100,000 generated hostile payloads through the real topology: random bytes, invalid UTF-8,
 * truncated JSON, deep nesting, huge arrays, payloads near the size limit, NaN and Infinity,
 * fractional, negative, duplicate and out-of-range values, wrong types, nulls, empty keys. For each
 * one, no exception escapes, the payload is either scored or dead-lettered with a reason, and the
 * valid event sent right after it is scored.
 */
class HostileInputPropertyTest {
  private static final int PAYLOADS = 100_000;
  private static final int DIMENSION = 32;
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Map<String, Integer> OUTCOMES = new TreeMap<>();

  private static TopologyTestDriver driver;
  private static TestInputTopic<byte[], byte[]> events;
  private static TestOutputTopic<byte[], byte[]> scores;
  private static TestOutputTopic<byte[], byte[]> deadLetters;
  private static long sequence;

  @BeforeAll
  static void startTopology() {
    DetectorConfig config = DetectorConfigParser.parse(DetectorConfigParser.properties(
        "bootstrap.servers=unused:9092", "surprisal.feature.dimension=" + DIMENSION,
        "surprisal.sample.rate=0.01"));
    driver = new TopologyTestDriver(DetectorTopology.buildTopology(config), config.kafka(),
        Instant.ofEpochMilli(0));
    ByteArraySerializer bytes = new ByteArraySerializer();
    events = driver.createInputTopic("events", bytes, bytes);
    scores = driver.createOutputTopic("scores", new ByteArrayDeserializer(),
        new ByteArrayDeserializer());
    deadLetters = driver.createOutputTopic("dead-letters", new ByteArrayDeserializer(),
        new ByteArrayDeserializer());
    BernoulliMixture model = SyntheticMixtures.separated(2, DIMENSION, 1);
    driver.createInputTopic(config.topics().models(), new StringSerializer(), bytes).pipeInput("model",
        ModelCodec.encode(new PublishedModel(1, 0, 100, -10.0,
            new Calibration(-40, 0.001, 1, new double[] {-40}), model)));
  }

  @AfterAll
  static void stopTopology() {
    System.out.println("Hostile payloads by outcome: " + OUTCOMES);
    driver.close();
  }

  @Test
  void shouldScoreOrDeadLetterEveryPayloadAndKeepScoring() throws IOException {
    HostilePayloads payloads = new HostilePayloads(20261125L, DIMENSION);
    for (int i = 0; i < PAYLOADS; i++) {
      byte[] key = payloads.nextKey();
      byte[] payload = payloads.nextPayload();
      try {
        sendAndCheck(key, payload);
      } catch (AssertionError | RuntimeException e) {
        throw new AssertionError("payload " + i + " (seed 20261125): "
            + new String(payload, 0, Math.min(payload.length, 200), StandardCharsets.UTF_8), e);
      }
    }
    assertThat(OUTCOMES.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(PAYLOADS);
  }

  private void sendAndCheck(byte[] key, byte[] payload) throws IOException {
    events.pipeInput(key, payload);
    List<byte[]> scored = scores.readValuesToList();
    List<TestRecord<byte[], byte[]>> dead = deadLetters.readRecordsToList();
    assertThat(scored.size() + dead.size()).as("one outcome per payload").isEqualTo(1);
    if (dead.isEmpty()) {
      count("scored");
    } else {
      // Replayable: the dead letter is the payload itself, with the reason in a header; one
      // larger than the detector's producer may write is cut, with its size and hash.
      Headers headers = dead.get(0).headers();
      String cutFrom = DeadLetterRecordsTest.header(headers, DeadLetterRecords.VALUE_BYTES);
      if (cutFrom == null) {
        assertThat(dead.get(0).value()).isEqualTo(payload);
      } else {
        assertThat(cutFrom).isEqualTo(Integer.toString(payload.length));
        assertThat(DeadLetterRecordsTest.header(headers, DeadLetterRecords.VALUE_SHA256))
            .isEqualTo(DeadLetterRecords.sha256(payload));
        assertThat(payload).startsWith(dead.get(0).value());
      }
      assertThat(dead.get(0).key()).isEqualTo(key);
      String reason = DeadLetterRecordsTest.header(dead.get(0).headers(), DeadLetterRecords.MESSAGE);
      assertThat(reason).isNotBlank();
      count(reasonClass(reason));
    }

    String id = "valid-" + sequence++;
    events.pipeInput("k".getBytes(StandardCharsets.UTF_8),
        ("{\"id\":\"" + id + "\",\"active\":[1,2]}").getBytes(StandardCharsets.UTF_8));
    JsonNode next = JSON.readTree(scores.readValue());
    assertThat(next.get("id").asText()).isEqualTo(id);
    assertThat(next.get("scored").asBoolean()).isTrue();
  }

  private static void count(String outcome) {
    OUTCOMES.merge(outcome, 1, Integer::sum);
  }

  /** The reason up to its first digit or quote: "features[3]=2 is not 0 or 1" → "features[". */
  private static String reasonClass(String reason) {
    String prefix = reason.split("[0-9\"'=:]", 2)[0].trim();
    return prefix.length() > 40 ? prefix.substring(0, 40) : prefix;
  }
}
