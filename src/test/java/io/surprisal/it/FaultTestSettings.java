package io.surprisal.it;

import io.surprisal.stream.DetectorConfig;
import io.surprisal.stream.DetectorConfigParser;
import java.nio.file.Path;
import java.util.Properties;

/**
 * Detector settings shared by the tests that break things: a small window and a short retrain
 * interval so that models are fitted and published while faults are injected, and group and
 * transaction timeouts short enough that a killed instance's partitions and open transaction are
 * taken over in seconds rather than the defaults' 45 s and 10 s.
 */
final class FaultTestSettings {
  /** Samples needed for the first fit; at a sample rate of 1 that many events. */
  static final int MIN_TRAINING = 1500;

  private FaultTestSettings() {}

  static Properties detector(String bootstrapServers, String applicationId, Path stateDirectory) {
    Properties properties = DetectorConfigParser.properties(
        "bootstrap.servers=" + bootstrapServers,
        "application.id=" + applicationId,
        "state.dir=" + stateDirectory,
        "surprisal.feature.dimension=" + BackgroundTraffic.DIMENSION,
        "surprisal.sample.rate=1.0",
        "surprisal.window.size=3000",
        "surprisal.min.training.size=" + MIN_TRAINING,
        "surprisal.holdout.fraction=0.5",
        "surprisal.retrain.interval=4s",
        "surprisal.trainer.check-interval=200ms",
        "surprisal.mixture.components=4,8,16",
        "surprisal.mixture.restarts=1",
        // These tests count every event once through faults; their check that coin-flip anomalies
        // alert is a sanity check, made on log p(x). On holdouts of 750 at q = 0.001 the default
        // ensemble's threshold is extrapolated, and Fisher's sum dilutes the mixture's evidence
        // with the independent-bits model's (coin flips look ordinary to it): 49-75% of them
        // alerted. The ensemble's own detection is measured in docs/quality.md.
        "surprisal.score=likelihood",
        "surprisal.metrics.port=0",
        // The broker's minimum: a SIGKILLed member is dropped from the group after 6 s.
        "session.timeout.ms=6000",
        "heartbeat.interval.ms=1000",
        // A killed instance's open transaction blocks read_committed readers until it is aborted.
        "transaction.timeout.ms=5000");
    // The detector's default, exactly_once_v2; -Dsurprisal.test.processing.guarantee=at_least_once
    // shows what these tests catch (docs/reliability.md).
    String guarantee = System.getProperty("surprisal.test.processing.guarantee");
    if (guarantee != null) properties.setProperty("processing.guarantee", guarantee);
    return properties;
  }

  static DetectorConfig.Topics topics(Properties detector) {
    return DetectorConfigParser.parse(detector).topics();
  }

  /** Plain client settings (bootstrap and any security keys) for producers and readers. */
  static Properties client(String bootstrapServers) {
    Properties client = new Properties();
    client.setProperty("bootstrap.servers", bootstrapServers);
    return client;
  }
}
