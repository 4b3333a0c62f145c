package io.surprisal.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.surprisal.generate.DetectionTally;
import io.surprisal.generate.EventGenerator;
import io.surprisal.generate.ScoresConsumer;
import io.surprisal.generate.TrafficProducer;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * surprisal.model.kind=binary-latent on the in-process broker: the unchanged detector fits the
 * binary-latent model off-thread, publishes it through the models topic (codec kind 2), replaces it
 * with a refit while scoring goes on, and alerts on injected coin-flip events.
 */
class BinaryLatentIntegrationTest {
  private static final int EVENTS = 12_000;

  @Test
  @Timeout(240)
  void shouldFitPublishAndHotSwapBinaryLatentModelsWhileScoring(@TempDir Path state)
      throws Exception {
    try (TestBroker broker = TestBroker.embedded()) {
      Properties properties = DetectorConfigParser.properties(
          "bootstrap.servers=" + broker.bootstrapServers(),
          "application.id=surprisal-binary-latent-it",
          "state.dir=" + Files.createDirectories(state.resolve("streams")),
          "surprisal.feature.dimension=64",
          "surprisal.sample.rate=1.0",
          "surprisal.min.training.size=4000",
          "surprisal.holdout.fraction=0.5",
          "surprisal.retrain.interval=3s",
          "surprisal.trainer.check-interval=200ms",
          "surprisal.model.kind=binary-latent",
          "surprisal.binary-latent.latent-bits=4",
          "surprisal.binary-latent.hidden-width=16",
          "surprisal.binary-latent.max-epochs=15");
      DetectorConfig config = DetectorConfigParser.parse(properties);
      try (TopicAdmin admin = new TopicAdmin(broker.bootstrapServers())) {
        DetectorTopics.ensure(admin, config.topics(), 3, (short) 1);
      }
      Properties client = new Properties();
      client.setProperty("bootstrap.servers", broker.bootstrapServers());
      DetectionTally tally = new DetectionTally();
      EventGenerator generator = new EventGenerator(
          BinaryLatentFixtures.random(4, 8, 64, 3.0, 12, 2024), 0.005, 7, "bl-");

      try (DetectorService detector = new DetectorService(config);
          ScoresConsumer scores = new ScoresConsumer(client, config.topics().scores(), tally);
          TrafficProducer producer = new TrafficProducer(client, config.topics().events())) {
        detector.start(Duration.ofSeconds(60));
        Thread reader = new Thread(scores, "scores-reader");
        reader.start();
        for (int third = 0; third < 3; third++) {
          producer.run(generator, EVENTS / 3, 3_000, event -> {
            if (event.anomaly()) tally.recordAnomaly(event.id());
          });
          if (third < 2) awaitModelVersion(detector, third + 1);
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (tally.seen() < EVENTS && System.nanoTime() < deadline) Thread.sleep(100);
        scores.close();
        reader.join();
        assertThat(detector.registry().current().model().kind()).isEqualTo("binary-latent");
      }

      DetectionTally.Summary summary = tally.summary();
      System.out.println("Binary-latent integration summary: " + summary);
      assertThat(summary.events() + summary.unscoredEvents()).isEqualTo(EVENTS);
      assertThat(summary.modelVersions()).isGreaterThanOrEqualTo(2);
      assertThat(summary.injectedAnomalies()).isGreaterThan(10);
      assertThat(summary.recall()).isGreaterThanOrEqualTo(0.9);
      assertThat(summary.falseAlertRate()).isLessThanOrEqualTo(0.01);
    }
  }

  private static void awaitModelVersion(DetectorService detector, long version)
      throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    while (System.nanoTime() < deadline) {
      var live = detector.registry().current();
      if (live != null && live.version() >= version) return;
      Thread.sleep(50);
    }
    throw new AssertionError("model version " + version + " was not live within 90 s");
  }
}
