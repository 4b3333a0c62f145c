package io.surprisal.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.surprisal.generate.DetectionTally;
import io.surprisal.generate.EventGenerator;
import io.surprisal.generate.SyntheticMixtures;
import io.surprisal.kafka.DetectorTopics;
import io.surprisal.kafka.TopicAdmin;
import io.surprisal.stream.DetectorConfig;
import io.surprisal.stream.DetectorConfigParser;
import io.surprisal.stream.DetectorService;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole path on a real broker: generator → events → detector (real Kafka Streams) → scores.
 * Runs on the in-process broker; {@link DetectorOnKafkaContainerTest} runs the same tests on a
 * container where Docker answers.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DetectorIntegrationTest {
  private static final int EVENTS = 30_000;
  private TestBroker broker;

  /** The broker these tests run against; subclasses choose another. */
  TestBroker startBroker() {
    return TestBroker.fromSystemProperty();
  }

  @BeforeAll
  void startTheBroker() {
    broker = startBroker();
  }

  @AfterAll
  void stopTheBroker() {
    if (broker != null) broker.close();
  }

  @Test
  @Timeout(240)
  void shouldDetectInjectedAnomaliesAtTheCalibratedFalseAlertRateWhileRetraining(@TempDir Path state)
      throws Exception {
    Properties properties = DetectorConfigParser.properties(
        "bootstrap.servers=" + broker.bootstrapServers(),
        "application.id=surprisal-it",
        "state.dir=" + Files.createDirectories(state.resolve("streams")),
        "surprisal.feature.dimension=64",
        "surprisal.sample.rate=1.0",
        "surprisal.min.training.size=10000",
        "surprisal.holdout.fraction=0.5",
        "surprisal.retrain.interval=3s",
        "surprisal.trainer.check-interval=200ms",
        // Recall of at least 0.9 on coin flips, which only the mixture finds odd, on log p(x). At
        // the default ensemble score recall was 1.0 in most runs, but 0.54 in one where a regime
        // shift brought an early refit on 1,503 samples: on a holdout of 300 at q = 0.001 both the
        // references' tails and the threshold are extrapolated, and Fisher's sum dilutes the
        // mixture's evidence with the independent bits' (see FaultTestSettings, issue 13).
        "surprisal.score=likelihood",
        // Periodic retraining is what this test follows. A false regime shift (about one run in
        // fifty on this traffic before the surprise was capped; RegimeMonitorTest) brought an
        // early refit on 1,533 samples whose holdout of 766, 0.5% coin flips in it, set a
        // tail-fitted threshold below most of them: recall 0.31. Regime shifts and their refit
        // have their own tests (RegimeShiftTopologyTest, RegimeMonitorTest).
        "surprisal.regime.enabled=false");
    DetectorConfig config = DetectorConfigParser.parse(properties);
    try (TopicAdmin admin = new TopicAdmin(broker.bootstrapServers())) {
      DetectorTopics.ensure(admin, config.topics(), 3, (short) 1);
    }
    EventGenerator generator = new EventGenerator(
        SyntheticMixtures.separated(8, 64, 0.02, 0.1, 2024), 0.005, 7, "it-");

    DetectionTally.Summary summary;
    long liveVersion;
    try (DetectorService detector = new DetectorService(config)) {
      detector.start(Duration.ofSeconds(60));
      summary = RetrainingTraffic.run(detector, config, broker.bootstrapServers(), generator, EVENTS);
      liveVersion = detector.registry().current().version();
    }

    System.out.println("Integration summary: " + summary);
    assertThat(summary.events() + summary.unscoredEvents()).isEqualTo(EVENTS);
    assertThat(summary.events()).as("events scored after the first model").isGreaterThanOrEqualTo(2 * EVENTS / 3);
    assertThat(summary.injectedAnomalies()).isGreaterThan(30);
    assertThat(summary.recall()).isGreaterThanOrEqualTo(0.9);
    assertThat(summary.falseAlertRate()).isLessThanOrEqualTo(2 * config.alertRate());
    assertThat(summary.modelVersions()).isGreaterThanOrEqualTo(2);

    // A restarted instance reads the models topic back through the same checks and scores with
    // the model that was live when the last one stopped, without waiting for a new fit.
    try (DetectorService restarted = new DetectorService(config)) {
      restarted.start(Duration.ofSeconds(60));
      RetrainingTraffic.awaitModelVersion(restarted, liveVersion);
      assertThat(restarted.registry().current().version()).isEqualTo(liveVersion);
    }
  }
}
