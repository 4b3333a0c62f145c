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
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * surprisal.model.signing-key on the scorer side: with a secret, only records signed with it
 * become live, so a writer without it cannot replace the model, not even with a well-formed one.
 */
class ModelSigningTopologyTest {
  private static final int DIMENSION = ModelRefusalTopologyTest.DIMENSION;
  private static final String SECRET = "correct horse battery staple, 2026-11";
  private static final String OTHER_SECRET = "another team's secret of enough length!";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final BernoulliMixture truth = SyntheticMixtures.separated(2, DIMENSION, 3);
  private final ModelSignature signature = ModelSignature.withSecret(SECRET);
  private final ModelRegistry registry = new ModelRegistry();
  private final RecordingObserver observer = new RecordingObserver();
  private final CapturedLog log = new CapturedLog();
  private TopologyTestDriver driver;
  private TestInputTopic<byte[], byte[]> events;
  private TestInputTopic<String, byte[]> models;
  private TestOutputTopic<byte[], byte[]> scores;

  private void start(String secret) {
    DetectorConfig config = DetectorConfigParser.parse(DetectorConfigParser.properties(
        "bootstrap.servers=unused:9092", "surprisal.feature.dimension=" + DIMENSION,
        "surprisal.model.signing-key=" + secret));
    driver = new TopologyTestDriver(DetectorTopology.buildTopology(config, registry, observer),
        config.kafka(), Instant.ofEpochMilli(0));
    ByteArraySerializer bytes = new ByteArraySerializer();
    events = driver.createInputTopic("events", bytes, bytes);
    models = driver.createInputTopic(config.topics().models(), new StringSerializer(), bytes);
    scores = driver.createOutputTopic("scores", new ByteArrayDeserializer(),
        new ByteArrayDeserializer());
  }

  @AfterEach
  void stop() {
    if (driver != null) driver.close();
    log.close();
  }

  @Test
  void shouldAcceptAModelSignedWithTheSharedSecret() throws IOException {
    start(SECRET);
    models.pipeInput("model", signature.sign(encoded(1, truth)));
    assertThat(registry.current().version()).isEqualTo(1);
    assertThat(registry.refusedCount()).isZero();
    assertThat(nextScoreModelVersion()).isEqualTo(1);
  }

  @Test
  void shouldRefuseAnUnsignedModelAndKeepTheLiveOne() throws IOException {
    start(SECRET);
    models.pipeInput("model", signature.sign(encoded(1, truth)));
    models.pipeInput("model", encoded(2, truth));
    assertRefused("model record is not signed, and surprisal.model.signing-key is set: only models"
        + " signed with the shared secret are accepted");
  }

  @Test
  void shouldRefuseAModelSignedWithAnotherSecretAndKeepTheLiveOne() throws IOException {
    start(SECRET);
    models.pipeInput("model", signature.sign(encoded(1, truth)));
    models.pipeInput("model", ModelSignature.withSecret(OTHER_SECRET).sign(encoded(2, truth)));
    assertRefused("model signature does not verify: the record was signed with another secret or"
        + " altered after signing");
  }

  @Test
  void shouldRefuseAFarWorseModelForgedWithoutTheSecret() throws IOException {
    // Well-formed, newer and far worse than the live model: only the signature can stop it, since
    // the acceptance gate never sees a record written straight to the topic.
    start(SECRET);
    models.pipeInput("model", signature.sign(encoded(1, truth)));
    byte[] forged = encoded(2, ModelRecords.coinFlips(DIMENSION));
    models.pipeInput("model", forged);
    assertRefused("model record is not signed");
    // Nor can the forger reuse the header of a signed record: the MAC covers the payload.
    byte[] signedGood = signature.sign(encoded(3, truth));
    byte[] spliced = new byte[5 + forged.length + 32];
    System.arraycopy(signedGood, 0, spliced, 0, 5);
    System.arraycopy(forged, 0, spliced, 5, forged.length);
    System.arraycopy(signedGood, signedGood.length - 32, spliced, spliced.length - 32, 32);
    models.pipeInput("model", spliced);
    assertThat(registry.refusedCount()).isEqualTo(2);
    assertThat(observer.refusedReasons.get(1)).startsWith("model signature does not verify");
    assertThat(nextScoreModelVersion()).isEqualTo(1);
  }

  @Test
  void shouldAcceptSignedRecordsUncheckedWhenNoSecretIsSet() throws IOException {
    // Lets instances be given the secret one at a time while the trainer already signs.
    start("");
    models.pipeInput("model", signature.sign(encoded(1, truth)));
    models.pipeInput("model", encoded(2, truth));
    assertThat(registry.refusedCount()).isZero();
    assertThat(nextScoreModelVersion()).isEqualTo(2);
  }

  private void assertRefused(String reasonStart) throws IOException {
    assertThat(registry.refusedCount()).isEqualTo(1);
    assertThat(observer.refusedReasons).singleElement().asString().startsWith(reasonStart);
    assertThat(log.lines("Refused model record", reasonStart)).isEqualTo(1);
    assertThat(registry.current().version()).isEqualTo(1);
    assertThat(nextScoreModelVersion()).isEqualTo(1);
  }

  private long nextScoreModelVersion() throws IOException {
    scores.readRecordsToList();
    events.pipeInput("k".getBytes(StandardCharsets.UTF_8),
        "{\"id\":\"e\",\"active\":[1,4]}".getBytes(StandardCharsets.UTF_8));
    JsonNode score = JSON.readTree(scores.readValue());
    return score.get("modelVersion").asLong();
  }
}
