package io.surprisal.stream;

import static io.surprisal.model.ForgedRecords.KIND_BINARY_LATENT;
import static io.surprisal.model.ForgedRecords.KIND_MIXTURE;
import static io.surprisal.model.ForgedRecords.KIND_VAE;
import static io.surprisal.stream.ModelRecords.encoded;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.surprisal.generate.SyntheticMixtures;
import io.surprisal.model.BernoulliMixture;
import io.surprisal.model.ForgedRecords;
import io.surprisal.model.ModelCodec;
import io.surprisal.model.VaeFixtures;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Poisoned and broken records on the models topic (issue 6, item 4), after a good live model
 * (version 5): each is refused by the scorer side, counted in the registry and by the observer,
 * logged once with its reason, and the next event is still scored by version 5. The global thread
 * that reads them also replays them at every restart, so a record that crashed it would crash
 * every restart: forged shapes, metadata and garbage are refused without allocating what they ask.
 */
class ModelRefusalTopologyTest {
  static final int DIMENSION = 16;
  private static final long LIVE = 5;
  private static final int MAX_INT = Integer.MAX_VALUE;
  private static final ObjectMapper JSON = new ObjectMapper();

  private final BernoulliMixture truth = SyntheticMixtures.separated(2, DIMENSION, 3);
  private final ModelRegistry registry = new ModelRegistry();
  private final RecordingObserver observer = new RecordingObserver();
  private CapturedLog log;
  private TopologyTestDriver driver;
  private TestInputTopic<byte[], byte[]> events;
  private TestInputTopic<String, byte[]> models;
  private TestOutputTopic<byte[], byte[]> scores;
  private byte[] liveRecord;

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
    liveRecord = encoded(LIVE, truth);
    models.pipeInput("model", liveRecord);
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
    int future = ModelCodec.FORMAT_VERSION + 1;
    assertRefusedAndLiveModelKeepsScoring(
        ModelRecords.withFormatVersion(encoded(6, truth), future),
        "unknown model format version " + future + ", this build supports at most "
            + ModelCodec.FORMAT_VERSION);
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

  @Test
  void shouldRefuseAMixtureWhoseShapeOverflowsByItsDimension() throws IOException {
    assertRefusedAndLiveModelKeepsScoring(
        ForgedRecords.record(KIND_MIXTURE, LIVE + 1, new int[] {MAX_INT, MAX_INT}, 2),
        "model dimension 2147483647 differs from surprisal.feature.dimension 16");
  }

  @Test
  void shouldRefuseAVaeWhoseEncoderShapeOverflowsALong() throws IOException {
    // L·G·8 wraps negative and (int) L·G is negative: NegativeArraySizeException on this thread.
    assertRefusedAndLiveModelKeepsScoring(
        ForgedRecords.record(KIND_VAE, LIVE + 1, new int[] {MAX_INT, MAX_INT - 1, 1, 1, 16}, 0),
        "model dimension 2147483647 differs from surprisal.feature.dimension 16");
  }

  @Test
  void shouldRefuseAnEnumerableBinaryLatentOfAHugeDimensionBeforeBuildingIt() throws IOException {
    // 960 kB holding every array of K = 16, L = 40,000, whose enumeration is 21 GB.
    int dimension = 40_000;
    byte[] record = ForgedRecords.record(KIND_BINARY_LATENT, LIVE + 1,
        new int[] {16, dimension, 1, 1, 16, 64}, 66 + 3 * dimension);
    assertRefusedAndLiveModelKeepsScoring(record,
        "model dimension 40000 differs from surprisal.feature.dimension 16");
  }

  @Test
  void shouldRefuseAVaeWhoseScoringSamplesEveryScoreWouldAllocate() throws IOException {
    byte[] vae = encoded(LIVE + 1, VaeFixtures.random(2, 4, DIMENSION, 1.0, 16, 7));
    int samplesAt = ForgedRecords.payloadAt(vae) + 4 * Integer.BYTES;
    assertThat(ByteBuffer.wrap(vae, samplesAt, 4).getInt()).isEqualTo(16);
    assertRefusedAndLiveModelKeepsScoring(ForgedRecords.withInt(vae, samplesAt, MAX_INT),
        "model parameters are invalid: scoringSamples must be in 1..4096, got 2147483647");
  }

  @Test
  void shouldRefuseNonFiniteThresholds() throws IOException {
    byte[] record = encoded(LIVE + 1, truth);
    for (double threshold :
        new double[] {Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.NaN}) {
      assertRefusedAndLiveModelKeepsScoring(
          ForgedRecords.withDouble(record, ForgedRecords.THRESHOLD_AT, threshold),
          "model parameters are invalid: threshold must be finite, got " + threshold);
    }
  }

  @Test
  void shouldRefuseATrainedAtInTheFutureThatWouldStopRetraining() throws IOException {
    long year2100 = 4_102_444_800_000L;
    assertRefusedAndLiveModelKeepsScoring(
        ForgedRecords.withLong(encoded(LIVE + 1, truth), ForgedRecords.TRAINED_AT_AT, year2100),
        "trainedAt 4102444800000 is more than 5 minutes ahead of this instance's clock: a clock"
            + " far ahead or a forged record");
  }

  @Test
  void shouldAcceptATrainedAtWithinTheAllowedClockSkew() {
    long oneMinuteAhead = System.currentTimeMillis() + 60_000;
    models.pipeInput("model",
        ForgedRecords.withLong(encoded(LIVE + 1, truth), ForgedRecords.TRAINED_AT_AT,
            oneMinuteAhead));
    assertThat(registry.refusedCount()).isZero();
    assertThat(registry.current().trainedAt()).isEqualTo(oneMinuteAhead);
  }

  @Test
  void shouldRefuseAVersionWhoseSuccessorOverflows() throws IOException {
    assertRefusedAndLiveModelKeepsScoring(
        ForgedRecords.withLong(encoded(LIVE + 1, truth), ForgedRecords.VERSION_AT, Long.MAX_VALUE),
        "model parameters are invalid: version must be in 1..9007199254740992 (2^53), got "
            + Long.MAX_VALUE);
  }

  @Test
  void shouldRefuseATombstoneAndKeepTheLiveModelsBytesInTheStore() throws IOException {
    assertRefusedAndLiveModelKeepsScoring(null,
        "model record has no value (a tombstone): a model is only ever replaced by a newer"
            + " version, never deleted");
    KeyValueStore<String, byte[]> store = driver.getKeyValueStore(DetectorTopology.MODEL_STORE);
    assertThat(store.get("model")).isEqualTo(liveRecord);
  }

  @Test
  void shouldRefuseSeededGarbageWithAndWithoutAValidChecksumAndKeepScoring() throws IOException {
    SplittableRandom random = new SplittableRandom(20261126L);
    int[] shapeValues = {
      0, 1, -1, 2, DIMENSION, 1 << 16, 1 << 30, MAX_INT - 1, MAX_INT, Integer.MIN_VALUE
    };
    int records = 600;
    for (int i = 0; i < records; i++) {
      byte[] record = switch (random.nextInt(3)) {
        case 0 -> randomBytes(random, 300);
        case 1 -> {
          // A valid header start (magic, format 1, a known kind) and random bytes from the version
          // on, under a valid checksum: random shapes, counts and metadata.
          byte[] bytes = randomBytes(random, 400);
          byte[] head = {'S', 'R', 'P', 'L', 0, 1, (byte) (1 + random.nextInt(3))};
          byte[] forged = Arrays.copyOf(head, head.length + bytes.length + 4);
          System.arraycopy(bytes, 0, forged, head.length, bytes.length);
          yield ForgedRecords.withValidChecksum(forged);
        }
        default -> {
          // A valid header and a shape of edge values and large ones, with a few parameters: at
          // version LIVE, so that even a record that decodes is refused as not newer.
          int kind = 1 + random.nextInt(3);
          int[] shape = new int[kind == KIND_MIXTURE ? 2 : kind == KIND_BINARY_LATENT ? 6 : 5];
          for (int j = 0; j < shape.length; j++) {
            shape[j] = random.nextBoolean()
                ? shapeValues[random.nextInt(shapeValues.length)]
                : random.nextInt(MAX_INT);
          }
          yield ForgedRecords.record(kind, LIVE, shape, random.nextInt(64));
        }
      };
      long refusedBefore = registry.refusedCount();
      models.pipeInput("model", record);
      assertThat(registry.refusedCount()).as("refusals after record %d", i)
          .isEqualTo(refusedBefore + 1);
      assertThat(nextScoreModelVersion()).as("model scoring after record %d", i).isEqualTo(LIVE);
    }
    assertThat(observer.liveVersions).containsExactly(LIVE);
    assertThat(observer.refusedReasons).hasSize(records)
        .as("every refusal foreseen by a check, none by the last-resort catch")
        .noneMatch(reason -> reason.startsWith("model record could not be decoded"));
    assertThat(log.lines("Refused model record surprisal-models-0@", "the live model stays"))
        .isEqualTo(records);
    assertThat(driver.<String, byte[]>getKeyValueStore(DetectorTopology.MODEL_STORE).get("model"))
        .isEqualTo(liveRecord);
  }

  private static byte[] randomBytes(SplittableRandom random, int maxLength) {
    byte[] bytes = new byte[random.nextInt(maxLength + 1)];
    random.nextBytes(bytes);
    return bytes;
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
