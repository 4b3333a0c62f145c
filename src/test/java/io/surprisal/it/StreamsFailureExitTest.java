package io.surprisal.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.surprisal.kafka.DetectorTopics;
import io.surprisal.kafka.TopicAdmin;
import io.surprisal.stream.DetectorConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code run} exits, with code 1 and one line naming the cause, when Kafka Streams stops for good
 * after it was RUNNING, instead of staying up with nothing scored (its /health answering 503) until
 * a liveness probe notices. The fault: the events topic is deleted under the running detector,
 * which Streams answers with a MissingSourceTopicException once its metadata is refreshed.
 */
class StreamsFailureExitTest {
  @Test
  @Timeout(300)
  void runExitsWithCodeOneWhenStreamsStopsAfterRunning() throws Exception {
    Path work = DetectorProcess.emptyDirectory(
        Path.of("target", "reliability", "streams-failure").toAbsolutePath());
    try (TestBroker broker = TestBroker.fromSystemProperty()) {
      Properties settings = FaultTestSettings.detector(
          broker.bootstrapServers(), "streams-failure-it", work.resolve("state"));
      // Metadata refreshed every 2 s, so the deleted topic is seen in seconds, not in 5 minutes.
      settings.setProperty("metadata.max.age.ms", "2000");
      DetectorConfig.Topics topics = FaultTestSettings.topics(settings);
      try (TopicAdmin admin = new TopicAdmin(broker.bootstrapServers())) {
        DetectorTopics.ensure(admin, topics, 2, (short) 1);
      }
      Path config = DetectorProcess.writeConfig(work.resolve("detector.properties"), settings);
      try (DetectorProcess detector = new DetectorProcess("detector", config, work,
          List.of("--replication", "1", "--partitions", "2", "--no-create-topics"))) {
        detector.start();
        detector.awaitRunning(Duration.ofSeconds(120));
        long deleted = System.nanoTime();
        try (Admin admin = Admin.create(FaultTestSettings.client(broker.bootstrapServers()))) {
          admin.deleteTopics(List.of(topics.events())).all().get();
        }
        int code = detector.awaitExit(Duration.ofSeconds(120));
        long seconds = (System.nanoTime() - deleted) / 1_000_000_000;
        String log = detector.currentLog();
        String message = log.lines().filter(line -> line.startsWith("surprisal: ")).findFirst()
            .orElseThrow(() -> new AssertionError("no surprisal: line in the log:\n" + log));
        System.out.printf("Streams failure: exit %d %d s after the events topic was deleted: %s%n",
            code, seconds, message);
        assertThat(code).as("exit code").isEqualTo(1);
        assertThat(message).contains("Kafka Streams stopped with an error");
      }
    }
  }
}
