package io.surprisal.it;

import io.surprisal.generate.DetectionTally;
import io.surprisal.generate.EventGenerator;
import io.surprisal.generate.ScoresConsumer;
import io.surprisal.generate.TrafficProducer;
import io.surprisal.stream.DetectorConfig;
import io.surprisal.stream.DetectorService;
import java.time.Duration;
import java.util.Properties;

/**
 * Generated traffic through a running detector, in three equal parts: the first fills the window
 * for the first fit; each later part starts once the next model version is live, so every part is
 * scored by a newer model however slow the machine is. Scores are read back as a downstream user
 * reads them (read_committed) and checked against the generator's truth.
 */
final class RetrainingTraffic {
  private static final Duration MODEL_WAIT = Duration.ofSeconds(90);

  private RetrainingTraffic() {}

  static DetectionTally.Summary run(DetectorService detector, DetectorConfig config,
      String bootstrapServers, EventGenerator generator, int events) throws InterruptedException {
    Properties client = new Properties();
    client.setProperty("bootstrap.servers", bootstrapServers);
    DetectionTally tally = new DetectionTally();
    try (ScoresConsumer scores = new ScoresConsumer(client, config.topics().scores(), tally);
        TrafficProducer producer = new TrafficProducer(client, config.topics().events())) {
      Thread reader = new Thread(scores, "scores-reader");
      reader.start();
      for (int part = 0; part < 3; part++) {
        producer.run(generator, events / 3, 3_000, event -> {
          if (event.anomaly()) tally.recordAnomaly(event.id());
        });
        if (part < 2) awaitModelVersion(detector, part + 1);
      }
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (tally.seen() < events && System.nanoTime() < deadline) Thread.sleep(100);
      scores.close();
      reader.join();
    }
    return tally.summary();
  }

  static void awaitModelVersion(DetectorService detector, long version)
      throws InterruptedException {
    long deadline = System.nanoTime() + MODEL_WAIT.toNanos();
    while (System.nanoTime() < deadline) {
      var live = detector.registry().current();
      if (live != null && live.version() >= version) return;
      Thread.sleep(50);
    }
    throw new AssertionError("model version " + version + " was not live within " + MODEL_WAIT);
  }
}
