package io.surprisal.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.surprisal.generate.DetectionTally;
import io.surprisal.generate.EventGenerator;
import io.surprisal.kafka.DetectorTopics;
import io.surprisal.kafka.TopicAdmin;
import io.surprisal.model.BinaryLatentFixtures;
import io.surprisal.stream.DetectorConfig;
import io.surprisal.stream.DetectorConfigParser;
import io.surprisal.stream.DetectorService;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The neural kinds on the in-process broker (surprisal.model.kind=binary-latent or vae): the
 * unchanged detector fits the model off-thread, publishes it through the models topic (codec kinds
 * 2 and 3), replaces it with a refit while scoring goes on, and alerts on injected coin-flip events.
 * The traffic comes from a binary-latent model with 4 latent bits over 64 observed ones.
 *
 * <p>The alert rate is 1%, above the 0.5% of anomalies in the training window, so the threshold
 * comes from the normal tail whatever the contamination fence finds in a holdout of 2,000 (under
 * these smooth models it finds the whole cluster in about a third of them, see ContaminationFence;
 * the mixture's detector test covers q below the contamination).
 */
class NeuralKindsIntegrationTest {
  private static final int EVENTS = 12_000;

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"binary-latent", "vae"})
  @Timeout(240)
  void shouldFitPublishAndHotSwapModelsOfTheKindWhileScoring(String kind, @TempDir Path state)
      throws Exception {
    try (TestBroker broker = TestBroker.embedded()) {
      Properties properties = DetectorConfigParser.properties(
          "bootstrap.servers=" + broker.bootstrapServers(),
          "application.id=surprisal-" + kind + "-it",
          "state.dir=" + Files.createDirectories(state.resolve("streams")),
          "surprisal.feature.dimension=64",
          "surprisal.sample.rate=1.0",
          "surprisal.min.training.size=4000",
          "surprisal.holdout.fraction=0.5",
          "surprisal.alert.rate=0.01",
          "surprisal.retrain.interval=3s",
          "surprisal.trainer.check-interval=200ms",
          "surprisal.model.kind=" + kind,
          "surprisal.binary-latent.latent-bits=4",
          "surprisal.binary-latent.hidden-width=16",
          "surprisal.binary-latent.max-epochs=15",
          "surprisal.vae.latent-dimension=4",
          "surprisal.vae.hidden-width=32",
          "surprisal.vae.max-epochs=15");
      DetectorConfig config = DetectorConfigParser.parse(properties);
      try (TopicAdmin admin = new TopicAdmin(broker.bootstrapServers())) {
        DetectorTopics.ensure(admin, config.topics(), 3, (short) 1);
      }
      EventGenerator generator = new EventGenerator(
          BinaryLatentFixtures.random(4, 8, 64, 3.0, 12, 2024), 0.005, 7, "bl-");

      DetectionTally.Summary summary;
      try (DetectorService detector = new DetectorService(config)) {
        detector.start(Duration.ofSeconds(60));
        summary = RetrainingTraffic.run(
            detector, config, broker.bootstrapServers(), generator, EVENTS);
        assertThat(detector.registry().current().model().kind()).isEqualTo(kind);
      }

      System.out.println(kind + " integration summary: " + summary);
      assertThat(summary.events() + summary.unscoredEvents()).isEqualTo(EVENTS);
      assertThat(summary.modelVersions()).isGreaterThanOrEqualTo(2);
      assertThat(summary.injectedAnomalies()).isGreaterThan(10);
      assertThat(summary.recall()).isGreaterThanOrEqualTo(0.9);
      assertThat(summary.falseAlertRate()).isLessThanOrEqualTo(2 * config.alertRate());
    }
  }
}
