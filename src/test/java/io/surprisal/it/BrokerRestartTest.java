package io.surprisal.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.surprisal.kafka.DetectorTopics;
import io.surprisal.kafka.EmbeddedKafkaBroker;
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
 * Issue 6, item 2: the broker is shut down and started again (same log directory, same ports)
 * while events flow and the detector, a child JVM, runs; nobody touches the detector. Afterwards
 * the same exactly-once books as the crash test must balance.
 *
 * <p>2 restarts by default; {@code -Dsurprisal.test.broker.restarts=N} for more. On the in-process
 * broker only: restarting needs its log directory.
 */
class BrokerRestartTest {
  private static final long SEED = 62L;
  private static final double RATE = 600;

  @Test
  @Timeout(600)
  void shouldRecoverWithoutHelpAndScoreEveryEventOnceWhenTheBrokerRestarts() throws Exception {
    int restarts = Integer.getInteger("surprisal.test.broker.restarts", 2);
    Path work = DetectorProcess.emptyDirectory(
        Path.of("target", "reliability", "broker-restart").toAbsolutePath());
    Random random = new Random(SEED);
    try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
      Properties settings = FaultTestSettings.detector(broker.bootstrapServers(),
          "broker-restart-it", work.resolve("state"));
      DetectorConfig.Topics topics = FaultTestSettings.topics(settings);
      try (TopicAdmin admin = new TopicAdmin(broker.bootstrapServers())) {
        DetectorTopics.ensure(admin, topics, 2, (short) 1);
      }
      Path config = DetectorProcess.writeConfig(work.resolve("detector.properties"), settings);
      Properties client = FaultTestSettings.client(broker.bootstrapServers());
      List<Long> downMillis = new ArrayList<>();
      ExactlyOnceAccount account;
      try (DetectorProcess detector = new DetectorProcess(
              "detector", config, work, List.of("--replication", "1", "--partitions", "2"));
          BackgroundTraffic traffic =
              new BackgroundTraffic(client, topics.events(), RATE, 0.01, SEED, "restart-")) {
        traffic.start();
        detector.start();
        detector.awaitRunning(Duration.ofSeconds(120));
        detector.awaitLog("Model version 1 is live", Duration.ofSeconds(120));
        for (int restart = 0; restart < restarts; restart++) {
          Thread.sleep(2_000 + random.nextInt(4_000));
          long stoppedAt = System.nanoTime();
          broker.stop();
          Thread.sleep(2_000 + random.nextInt(4_000));
          broker.restart();
          downMillis.add((System.nanoTime() - stoppedAt) / 1_000_000);
        }
        Thread.sleep(5_000);
        traffic.stop();
        DetectorCrashTest.awaitAllScored(client, topics, traffic, detector);
        assertThat(detector.isAlive()).as("detector still running").isTrue();
        assertThat(detector.starts()).as("detector never restarted by hand").isEqualTo(1);
        detector.stop(Duration.ofSeconds(60));
        account = ExactlyOnceAccount.read(client, topics, traffic.anomalies());
        System.out.printf("Broker restart test: %d restarts (broker down for ms: %s), %d events"
            + " sent, %s%n", restarts, downMillis, traffic.sent(), account);
      }
      DetectorCrashTest.assertBalanced(account);
    }
  }
}
