package io.surprisal.stream;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.surprisal.event.BitVector;
import io.surprisal.model.BinaryLatentFixtures;
import io.surprisal.model.BinaryLatentModel;
import io.surprisal.model.PublishedModel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Random;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The unchanged topology with surprisal.model.kind=binary-latent: fit, calibrate, publish, alert. */
class BinaryLatentTopologyTest {
  private static final int DIMENSION = 16;

  /** One tanh layer (kind code 2 on the models topic) and two (kind code 7). */
  @ParameterizedTest(name = "hidden-layers={0}")
  @ValueSource(ints = {1, 2})
  void shouldTrainBinaryLatentModelAndAlertWithItsVersionAndTopFeatures(int layers)
      throws Exception {
    BinaryLatentModel truth = BinaryLatentFixtures.random(3, 4, DIMENSION, 3.0, 12, 17);
    DetectorConfig config = DetectorConfigParser.parse(DetectorConfigParser.properties(
        "bootstrap.servers=unused:9092",
        "surprisal.feature.dimension=" + DIMENSION,
        "surprisal.sample.rate=1.0",
        // At q = 0.001 a holdout of 200 sets the threshold by extrapolation, and the default
        // ensemble's did not flag the event below (log p(x) 22 nats under the mean, combined score
        // −13.1 against a threshold of −14.3): q = 0.01 has a conformal rank here.
        "surprisal.alert.rate=0.01",
        "surprisal.window.size=2000",
        "surprisal.min.training.size=1000",
        "surprisal.retrain.interval=10s",
        "surprisal.trainer.check-interval=100ms",
        "surprisal.model.kind=binary-latent",
        "surprisal.binary-latent.latent-bits=3",
        "surprisal.binary-latent.hidden-width=8",
        "surprisal.binary-latent.hidden-layers=" + layers,
        "surprisal.binary-latent.max-epochs=20"));
    ModelRegistry registry = new ModelRegistry();
    try (TopologyTestDriver driver = new TopologyTestDriver(
        DetectorTopology.buildTopology(config, registry), config.kafka(), Instant.ofEpochMilli(0))) {
      TestInputTopic<byte[], byte[]> events =
          driver.createInputTopic("events", new ByteArraySerializer(), new ByteArraySerializer());
      TestOutputTopic<byte[], byte[]> alerts = driver.createOutputTopic(
          "alerts", new ByteArrayDeserializer(), new ByteArrayDeserializer());
      Random random = new Random(18);
      int[] ones = new int[DIMENSION];
      for (int i = 0; i < 1000; i++) {
        BitVector x = truth.sample(random);
        for (int d = 0; d < DIMENSION; d++) ones[d] += x.get(d) ? 1 : 0;
        send(events, "k" + i, "{\"id\":\"t" + i + "\",\"bits\":\"" + x.toBitString() + "\"}");
      }
      driver.advanceWallClockTime(Duration.ofMillis(100)); // starts the fit
      for (int i = 0; i < 600 && registry.current() == null; i++) {
        Thread.sleep(50);
        driver.advanceWallClockTime(Duration.ofMillis(100)); // publishes it once finished
      }
      PublishedModel live = registry.current();
      assertThat(live).isNotNull();
      assertThat(live.model().kind()).isEqualTo("binary-latent");
      assertThat(live.model().toString())
          .contains(layers == 1 ? "H=8, exact" : "H=8x" + layers + ", exact");
      alerts.readRecordsToList();

      // Every bit set against its majority value: far below any normal event's likelihood.
      StringBuilder bits = new StringBuilder();
      for (int d = 0; d < DIMENSION; d++) bits.append(ones[d] > 500 ? '0' : '1');
      send(events, "odd", "{\"id\":\"odd\",\"bits\":\"" + bits + "\"}");
      JsonNode alert = new ObjectMapper().readTree(alerts.readValue());
      assertThat(alert.get("id").asText()).isEqualTo("odd");
      assertThat(alert.get("modelVersion").asLong()).isEqualTo(live.version());
      assertThat(alert.get("topFeatures")).hasSize(5);
    }
  }

  private static void send(TestInputTopic<byte[], byte[]> events, String key, String json) {
    events.pipeInput(key.getBytes(StandardCharsets.UTF_8), json.getBytes(StandardCharsets.UTF_8));
  }
}
