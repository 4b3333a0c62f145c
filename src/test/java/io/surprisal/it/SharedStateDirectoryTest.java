package io.surprisal.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.surprisal.kafka.DetectorTopics;
import io.surprisal.kafka.TopicAdmin;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Two {@code run} processes on one host with the same application.id and state.dir (e.g. both on
 * the default): Kafka Streams locks the state directory, so the second cannot start. It must say
 * so in one line that names the setting to change, and exit with 2 (a setting to fix), not with
 * a stack trace.
 */
class SharedStateDirectoryTest {
  /** slf4j-simple's prefix (src/main/resources/simplelogger.properties). */
  private static final Pattern LOG_LINE =
      Pattern.compile("\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}\\.\\d{3} \\[");

  @Test
  @Timeout(300)
  void shouldRefuseASecondRunOnTheSameStateDirectoryNamingStateDir() throws Exception {
    Path work = DetectorProcess.emptyDirectory(
        Path.of("target", "reliability", "shared-state-dir").toAbsolutePath());
    try (TestBroker broker = TestBroker.fromSystemProperty()) {
      Properties settings = FaultTestSettings.detector(
          broker.bootstrapServers(), "shared-state-dir-it", work.resolve("state"));
      try (TopicAdmin admin = new TopicAdmin(broker.bootstrapServers())) {
        DetectorTopics.ensure(admin, FaultTestSettings.topics(settings), 2, (short) 1);
      }
      Path config = DetectorProcess.writeConfig(work.resolve("detector.properties"), settings);
      List<String> arguments = List.of("--no-create-topics");
      try (DetectorProcess first = new DetectorProcess("first", config, work, arguments);
          DetectorProcess second = new DetectorProcess("second", config, work, arguments)) {
        first.start();
        first.awaitRunning(Duration.ofSeconds(120));
        second.start();
        int code = second.awaitExit(Duration.ofSeconds(120));
        String log = second.currentLog();
        System.out.printf("Second detector on the same state.dir: exit %d%n%s%n", code, log);

        assertThat(code).as(log).isEqualTo(2);
        // Log lines (Kafka's own ERROR about the lock among them) aside, one line and no trace.
        List<String> lines = log.lines().filter(line -> !LOG_LINE.matcher(line).lookingAt())
            .filter(line -> !line.isBlank()).toList();
        assertThat(lines).as(log).containsExactly("surprisal: state.dir " + work.resolve("state")
            + " is in use by another Kafka Streams instance with application.id"
            + " shared-state-dir-it on this host: give each instance on one host its own"
            + " state.dir");
        assertThat(first.isAlive()).as("the first detector keeps running").isTrue();
      }
    }
  }
}
