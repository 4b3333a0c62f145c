package io.surprisal.stream;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.surprisal.event.BitVector;
import io.surprisal.generate.SyntheticMixtures;
import io.surprisal.model.BernoulliMixture;
import io.surprisal.model.EnsembleModel;
import io.surprisal.model.PublishedModel;
import io.surprisal.model.Scored;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Properties;
import java.util.Random;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.Test;

/**
 * surprisal.score=ensemble through the stream: the trainer publishes an ensemble through the models
 * topic, and every score carries the model's log-likelihood beside the combined score that the
 * threshold, the percentile and the alert decision refer to.
 */
class EnsembleTopologyTest {
  private static final int DIMENSION = 16;
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void shouldFitPublishAndScoreWithTheEnsembleWhenTheScoreIsEnsemble() throws Exception {
    BernoulliMixture truth = SyntheticMixtures.separated(2, DIMENSION, 3);
    ModelRegistry registry = new ModelRegistry();
    Properties properties = DetectorConfigParser.properties(
        "bootstrap.servers=unused:9092",
        "surprisal.feature.dimension=" + DIMENSION,
        "surprisal.sample.rate=1.0",
        "surprisal.alert.rate=0.01",
        "surprisal.window.size=2000",
        "surprisal.min.training.size=1000",
        "surprisal.retrain.interval=10s",
        "surprisal.trainer.check-interval=100ms",
        "surprisal.score=ensemble");
    DetectorConfig config = DetectorConfigParser.parse(properties);
    try (TopologyTestDriver driver = new TopologyTestDriver(
        DetectorTopology.buildTopology(config, registry), config.kafka(), Instant.ofEpochMilli(0))) {
      TestInputTopic<byte[], byte[]> events =
          driver.createInputTopic("events", new ByteArraySerializer(), new ByteArraySerializer());
      TestOutputTopic<byte[], byte[]> scores = driver.createOutputTopic(
          "scores", new ByteArrayDeserializer(), new ByteArrayDeserializer());
      Random random = new Random(5);
      for (int i = 0; i < 1000; i++) {
        send(events, "{\"id\":\"t" + i + "\",\"bits\":\"" + truth.sample(random).toBitString()
            + "\"}");
      }
      for (int i = 0; i < 600 && registry.current() == null; i++) {
        driver.advanceWallClockTime(Duration.ofMillis(100)); // starts the fit, then publishes it
        Thread.sleep(50);
      }
      PublishedModel live = registry.current();
      assertThat(live).isNotNull();
      assertThat(live.model()).isInstanceOf(EnsembleModel.class);
      scores.readRecordsToList();

      BitVector x = BitVector.ofActive(DIMENSION, 0, 3, 9);
      send(events, "{\"id\":\"e1\",\"bits\":\"" + x.toBitString() + "\"}");
      JsonNode score = JSON.readTree(scores.readValue());

      Scored expected = live.model().score(x);
      EnsembleModel ensemble = (EnsembleModel) live.model();
      assertThat(score.get("logLikelihood").asDouble())
          .isEqualTo(ensemble.model().logLikelihood(x));
      assertThat(score.get("score").asDouble()).isEqualTo(expected.score())
          .isNotEqualTo(expected.logLikelihood());
      assertThat(score.get("threshold").asDouble()).isEqualTo(live.calibration().threshold());
      assertThat(score.get("percentile").asDouble())
          .isEqualTo(live.calibration().percentile(expected.score()));
      assertThat(score.get("alert").asBoolean())
          .isEqualTo(live.calibration().isAlert(expected.score()));
    }
  }

  private static void send(TestInputTopic<byte[], byte[]> events, String json) {
    events.pipeInput("k".getBytes(StandardCharsets.UTF_8), json.getBytes(StandardCharsets.UTF_8));
  }
}
