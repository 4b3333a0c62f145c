package io.surprisal.stream;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.surprisal.event.BitVector;
import io.surprisal.event.Schemas;
import io.surprisal.model.BinaryLatentFixtures;
import io.surprisal.model.BinaryLatentModel;
import io.surprisal.model.PublishedModel;
import io.surprisal.model.VaeModel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.Test;

/**
 * The unchanged topology with surprisal.model.kind=vae: fit, calibrate, publish, alert with the
 * model's version, top features and posterior mean, and a retrain that replaces the model while
 * events go on being scored.
 */
class VaeTopologyTest {
  private static final int DIMENSION = 16;
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void shouldTrainVaeAlertWithItsVersionAndReplaceItOnRetrain() throws Exception {
    BinaryLatentModel truth = BinaryLatentFixtures.random(3, 4, DIMENSION, 3.0, 12, 17);
    DetectorConfig config = DetectorConfigParser.parse(DetectorConfigParser.properties(
        "bootstrap.servers=unused:9092",
        "surprisal.feature.dimension=" + DIMENSION,
        "surprisal.sample.rate=1.0",
        "surprisal.window.size=2000",
        "surprisal.min.training.size=1000",
        // A conformal rank on the first fit's 200-event holdout. At q = 0.001 the threshold would be
        // extrapolated below the holdout (to −31.9 nats), past this 16-bit model's least probable
        // vector (−28.5): a model of few bits has a bounded log-likelihood that no tail fit knows.
        "surprisal.alert.rate=0.01",
        "surprisal.retrain.interval=10s",
        "surprisal.trainer.check-interval=100ms",
        "surprisal.model.kind=vae",
        "surprisal.vae.latent-dimension=2",
        "surprisal.vae.hidden-width=8",
        "surprisal.vae.learning-rate=0.01",
        "surprisal.vae.max-epochs=15"));
    ModelRegistry registry = new ModelRegistry();
    try (TopologyTestDriver driver = new TopologyTestDriver(
        // Wall clock starts now: the retrain schedule compares it with the model's real trainedAt.
        DetectorTopology.buildTopology(config, registry), config.kafka(), Instant.now())) {
      TestInputTopic<byte[], byte[]> events =
          driver.createInputTopic("events", new ByteArraySerializer(), new ByteArraySerializer());
      TestOutputTopic<byte[], byte[]> alerts = driver.createOutputTopic(
          "alerts", new ByteArrayDeserializer(), new ByteArrayDeserializer());
      TestOutputTopic<byte[], byte[]> scores = driver.createOutputTopic(
          "scores", new ByteArrayDeserializer(), new ByteArrayDeserializer());
      Random random = new Random(18);
      int[] ones = new int[DIMENSION];
      for (int i = 0; i < 1000; i++) {
        BitVector x = truth.sample(random);
        for (int d = 0; d < DIMENSION; d++) ones[d] += x.get(d) ? 1 : 0;
        send(events, "k" + i, "{\"id\":\"t" + i + "\",\"bits\":\"" + x.toBitString() + "\"}");
      }
      PublishedModel first = awaitVersion(driver, registry, 1);
      assertThat(first.model().kind()).isEqualTo(VaeModel.KIND);
      alerts.readRecordsToList();
      scores.readRecordsToList();

      // Every bit set against its majority value: far below any normal event's likelihood.
      StringBuilder bits = new StringBuilder();
      for (int d = 0; d < DIMENSION; d++) bits.append(ones[d] > 500 ? '0' : '1');
      send(events, "odd", "{\"id\":\"odd\",\"bits\":\"" + bits + "\"}");
      byte[] alertRecord = alerts.readValue();
      JsonNode alert = JSON.readTree(alertRecord);
      assertThat(alert.get("id").asText()).isEqualTo("odd");
      assertThat(alert.get("modelVersion").asLong()).isEqualTo(1);
      assertThat(alert.get("topFeatures")).hasSize(5);
      assertThat(alert.get("latent").get("mean")).hasSize(2);
      assertThat(alert.get("latent").get("state").isNull()).isTrue();
      assertThat(Schemas.errors(Schemas.load("alert.schema.json"), alertRecord)).isEmpty();
      byte[] scoreRecord = scores.readValue();
      assertThat(Schemas.errors(Schemas.load("score.schema.json"), scoreRecord)).isEmpty();

      // More traffic, then the retrain interval passes: a second fit runs while events are scored.
      for (int i = 0; i < 500; i++) {
        send(events, "m" + i,
            "{\"id\":\"m" + i + "\",\"bits\":\"" + truth.sample(random).toBitString() + "\"}");
      }
      // Past the interval whatever real time the first fit took (trainedAt is the real clock).
      driver.advanceWallClockTime(Duration.ofMinutes(1));
      send(events, "during", "{\"id\":\"during\",\"bits\":\""
          + truth.sample(random).toBitString() + "\"}");
      List<byte[]> scored = scores.readValuesToList();
      JsonNode last = JSON.readTree(scored.get(scored.size() - 1));
      assertThat(last.get("id").asText()).isEqualTo("during");
      assertThat(last.get("scored").asBoolean()).isTrue();
      PublishedModel second = awaitVersion(driver, registry, 2);
      assertThat(second.model().kind()).isEqualTo(VaeModel.KIND);
      assertThat(second.model()).isNotSameAs(first.model());

      alerts.readRecordsToList(); // false alerts among the normal traffic, at about the rate q
      send(events, "odd2", "{\"id\":\"odd2\",\"bits\":\"" + bits + "\"}");
      JsonNode secondAlert = JSON.readTree(alerts.readValuesToList().get(0));
      assertThat(secondAlert.get("id").asText()).isEqualTo("odd2");
      assertThat(secondAlert.get("modelVersion").asLong()).isEqualTo(2);
    }
  }

  /** Advances wall-clock time until the registry holds {@code version} (the fit runs off-thread). */
  private static PublishedModel awaitVersion(
      TopologyTestDriver driver, ModelRegistry registry, long version) throws InterruptedException {
    driver.advanceWallClockTime(Duration.ofMillis(100)); // starts the fit when due
    for (int i = 0; i < 1200 && (registry.current() == null
        || registry.current().version() < version); i++) {
      Thread.sleep(50);
      driver.advanceWallClockTime(Duration.ofMillis(100)); // publishes it once finished
    }
    assertThat(registry.current()).isNotNull();
    assertThat(registry.current().version()).isEqualTo(version);
    return registry.current();
  }

  private static void send(TestInputTopic<byte[], byte[]> events, String key, String json) {
    events.pipeInput(key.getBytes(StandardCharsets.UTF_8), json.getBytes(StandardCharsets.UTF_8));
  }
}
