package io.surprisal.stream;

import static io.surprisal.stream.ModelRecords.encoded;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.surprisal.generate.SyntheticMixtures;
import io.surprisal.model.BernoulliMixture;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Poisoned and broken records on the models topic (issue 6, item 4), after a good live model
 * (version 5): each is refused by the scorer side, counted in the registry and by the observer,
 * logged once with its reason, and the next event is still scored by version 5.
 */
class ModelRefusalTopologyTest {
  static final int DIMENSION = 16;
  private static final long LIVE = 5;
  private static final ObjectMapper JSON = new ObjectMapper();

  private final BernoulliMixture truth = SyntheticMixtures.separated(2, DIMENSION, 3);
  private final ModelRegistry registry = new ModelRegistry();
  private final RecordingObserver observer = new RecordingObserver();
  private CapturedLog log;
  private TopologyTestDriver driver;
  private TestInputTopic<byte[], byte[]> events;
  private TestInputTopic<String, byte[]> models;
  private TestOutputTopic<byte[], byte[]> scores;

  @BeforeEach
  void start() {
    log = new CapturedLog();
    DetectorConfig config = DetectorConfigParser.parse(DetectorConfigParser.properties(
        "bootstrap.servers=unused:9092", "surprisal.feature.dimension=" + DIMENSION));
    driver = new TopologyTestDriver(DetectorTopology.buildTopology(config, registry, observer),
        config.kafka(), Instant.ofEpochMilli(0));
    ByteArraySerializer bytes = new ByteArraySerializer();
    events = driver.createInputTopic("events", bytes, bytes);
    models = driver.createInputTopic(config.topics().models(), new StringSerializer(), bytes);
    scores = driver.createOutputTopic("scores", new ByteArrayDeserializer(),
        new ByteArrayDeserializer());
    models.pipeInput("model", encoded(LIVE, truth));
    assertThat(registry.current().version()).isEqualTo(LIVE);
  }

  @AfterEach
  void stop() {
    driver.close();
    log.close();
  }

  @Test
  void shouldRefuseNaNParametersEvenWithAValidChecksum() throws IOException {
    assertRefusedAndLiveModelKeepsScoring(ModelRecords.withNaNTheta(encoded(6, truth)),
        "model parameters are invalid: theta[1][15] must be inside (0, 1), got NaN");
  }

  @Test
  void shouldRefuseModelOfTheWrongDimension() throws IOException {
    assertRefusedAndLiveModelKeepsScoring(
        encoded(6, SyntheticMixtures.separated(2, DIMENSION / 2, 3)),
        "model dimension 8 differs from surprisal.feature.dimension 16");
  }

  @Test
  void shouldRefuseRecordWithABadChecksum() throws IOException {
    byte[] corrupt = encoded(6, truth);
    corrupt[corrupt.length / 2] ^= 0x01;
    assertRefusedAndLiveModelKeepsScoring(corrupt,
        "model checksum mismatch: the record is corrupt or truncated (" + corrupt.length
            + " bytes)");
  }

  @Test
  void shouldRefuseTruncatedRecords() throws IOException {
    byte[] whole = encoded(6, truth);
    byte[] half = Arrays.copyOf(whole, whole.length / 2);
    assertRefusedAndLiveModelKeepsScoring(half,
        "model checksum mismatch: the record is corrupt or truncated (" + half.length + " bytes)");
    assertRefusedAndLiveModelKeepsScoring(Arrays.copyOf(whole, 6),
        "model record is truncated: 6 bytes");
  }

  @Test
  void shouldRefuseAFutureFormatVersion() throws IOException {
    assertRefusedAndLiveModelKeepsScoring(ModelRecords.withFormatVersion(encoded(6, truth), 2),
        "unknown model format version 2, this build supports at most 1");
  }

  @Test
  void shouldRefuseOlderAndEqualVersions() throws IOException {
    assertRefusedAndLiveModelKeepsScoring(encoded(LIVE - 1, truth),
        "version 4 is not newer than the live version 5");
    assertRefusedAndLiveModelKeepsScoring(encoded(LIVE, truth),
        "version 5 is not newer than the live version 5");
  }

  @Test
  void shouldAcceptAFarWorseButValidModelWrittenToTheTopicWhenUnsigned() throws IOException {
    // The acceptance gate runs in the trainer; a writer who goes around it reaches the scorers
    // with any well-formed model. This is the gap surprisal.model.signing-key closes
    // (ModelSigningTopologyTest).
    models.pipeInput("model", encoded(LIVE + 1, ModelRecords.coinFlips(DIMENSION)));
    assertThat(registry.refusedCount()).isZero();
    assertThat(nextScoreModelVersion()).isEqualTo(LIVE + 1);
  }

  private void assertRefusedAndLiveModelKeepsScoring(byte[] record, String reason)
      throws IOException {
    long refusedBefore = registry.refusedCount();
    int reasonsBefore = observer.refusedReasons.size();
    models.pipeInput("model", record);
    assertThat(registry.refusedCount()).isEqualTo(refusedBefore + 1);
    assertThat(observer.refusedReasons.subList(reasonsBefore, observer.refusedReasons.size()))
        .containsExactly(reason);
    assertThat(log.lines("Refused model record", reason, "the live model stays"))
        .as("log lines with the reason").isEqualTo(1);
    assertThat(registry.current().version()).isEqualTo(LIVE);
    assertThat(observer.liveVersions).containsExactly(LIVE);
    assertThat(nextScoreModelVersion()).isEqualTo(LIVE);
  }

  private long nextScoreModelVersion() throws IOException {
    scores.readRecordsToList();
    events.pipeInput("k".getBytes(StandardCharsets.UTF_8),
        "{\"id\":\"e\",\"active\":[1,4]}".getBytes(StandardCharsets.UTF_8));
    JsonNode score = JSON.readTree(scores.readValue());
    assertThat(score.get("scored").asBoolean()).isTrue();
    return score.get("modelVersion").asLong();
  }
}
