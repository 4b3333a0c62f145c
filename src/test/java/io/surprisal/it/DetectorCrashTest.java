package io.surprisal.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.surprisal.kafka.DetectorTopics;
import io.surprisal.kafka.TopicAdmin;
import io.surprisal.stream.DetectorConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 6, item 1: the detector, a child JVM, is killed with SIGKILL at seeded random moments while
 * events flow, and restarted each time. Afterwards the topics, read as a downstream user reads them,
 * hold one score per event and at most one alert per event, the alerts being exactly the events
 * whose score says alert; and every restart found the trainer's window in its changelogged store.
 *
 * <p>3 kills by default; {@code -Dsurprisal.test.crash.kills=10} (or {@code -Plong-reliability})
 * for the long run.
 */
class DetectorCrashTest {
  private static final long SEED = 20261126L;
  private static final double RATE = 600;

  @Test
  @Timeout(900)
  void shouldScoreEveryEventExactlyOnceThroughRepeatedSigkills() throws Exception {
    int killCount = Integer.getInteger("surprisal.test.crash.kills", 3);
    Path work = DetectorProcess.emptyDirectory(
        Path.of("target", "reliability", "crash").toAbsolutePath());
    Random random = new Random(SEED);
    try (TestBroker broker = TestBroker.fromSystemProperty()) {
      Properties settings = FaultTestSettings.detector(
          broker.bootstrapServers(), "crash-it", work.resolve("state"));
      DetectorConfig.Topics topics = FaultTestSettings.topics(settings);
      try (TopicAdmin admin = new TopicAdmin(broker.bootstrapServers())) {
        DetectorTopics.ensure(admin, topics, 2, (short) 1);
      }
      Path config = DetectorProcess.writeConfig(work.resolve("detector.properties"), settings);
      Properties client = FaultTestSettings.client(broker.bootstrapServers());
      List<String> kills = new ArrayList<>();
      ExactlyOnceAccount account;
      try (DetectorProcess detector = new DetectorProcess(
              "detector", config, work, List.of("--replication", "1", "--partitions", "2"));
          BackgroundTraffic traffic =
              new BackgroundTraffic(client, topics.events(), RATE, 0.01, SEED, "crash-")) {
        traffic.start();
        detector.start();
        detector.awaitRunning(Duration.ofSeconds(120));
        // The first kill waits for the first model, so that the window has been filled (and
        // changelogged) once; from then on every restart must find it.
        detector.awaitLog("Model version 1 is live", Duration.ofSeconds(120));
        for (int kill = 0; kill < killCount; kill++) {
          // Kills 2, 6, 10 land at a random moment of start-up (JVM, topic check, state
          // restoration); the others at a random moment of processing (scoring, sampling,
          // fitting, publishing), the first soon after the first model.
          boolean duringStartUp = kill % 4 == 1;
          if (!duringStartUp && kill > 0) detector.awaitRunning(Duration.ofSeconds(120));
          long delay = duringStartUp ? random.nextInt(5_000) : 500 + random.nextInt(7_500);
          Thread.sleep(delay);
          detector.kill();
          kills.add((duringStartUp ? "start-up+" : "running+") + delay + "ms");
          detector.start();
        }
        detector.awaitRunning(Duration.ofSeconds(120));
        Thread.sleep(3_000);
        traffic.stop();
        awaitAllScored(client, topics, traffic, detector);
        detector.stop(Duration.ofSeconds(60));
        // The books once the detector is gone: nothing can be written after this read.
        account = ExactlyOnceAccount.read(client, topics, traffic.anomalies());

        List<Integer> windows = detector.windowSizesAtTrainerStart();
        System.out.printf("Crash test: %d kills (%s), %d events sent, %s;"
                + " training window at each trainer start: %s%n",
            killCount, kills, traffic.sent(), account, windows);
        // A kill during start-up can come before the trainer task starts: fewer entries then.
        assertThat(windows).as("window at each trainer start").hasSizeGreaterThan(1);
        assertThat(windows.get(0)).as("window of the first start, on an empty state").isZero();
        assertThat(windows.subList(1, windows.size()))
            .as("the window after each restart (changelogged store)")
            .allSatisfy(size -> assertThat(size).isGreaterThanOrEqualTo(
                FaultTestSettings.MIN_TRAINING));
      }
      assertBalanced(account);
    }
  }

  static void assertBalanced(ExactlyOnceAccount account) {
    assertThat(account.events()).as("events in the topic").isGreaterThan(5_000);
    assertThat(account.lostEvents()).as("events with no score").isZero();
    assertThat(account.duplicateScores()).as("duplicated scores").isZero();
    assertThat(account.unknownScores()).as("scores of unknown events").isZero();
    assertThat(account.duplicateAlerts()).as("duplicated alerts").isZero();
    assertThat(account.alertsWithoutAlertScore()).as("alerts whose score says no alert").isZero();
    assertThat(account.alertScoresWithoutAlert()).as("alert scores with no alert").isZero();
    assertThat(account.deadLetters()).as("dead letters").isZero();
    assertThat(account.anomaliesScored()).as("anomalies scored by a model").isGreaterThan(10);
    // Not a statement about recall under faults, only that alerting kept working through them.
    assertThat(account.anomaliesAlerted()).as("anomalies alerted")
        .isGreaterThanOrEqualTo(account.anomaliesScored() * 8 / 10);
    assertThat(account.balanced()).isTrue();
  }

  /**
   * Polls the topics until every event in the events topic has a score, or the time is up (the
   * books then show what is missing).
   */
  static void awaitAllScored(Properties client, DetectorConfig.Topics topics,
      BackgroundTraffic traffic, DetectorProcess detector) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
    while (true) {
      ExactlyOnceAccount account = ExactlyOnceAccount.read(client, topics, traffic.anomalies());
      if (account.lostEvents() == 0 || System.nanoTime() > deadline) return;
      if (!detector.isAlive()) throw new AssertionError("detector died:\n" + detector.tail());
      Thread.sleep(2_000);
    }
  }
}
