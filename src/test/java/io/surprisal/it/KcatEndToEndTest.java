package io.surprisal.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.surprisal.kafka.DetectorTopics;
import io.surprisal.kafka.TopicAdmin;
import io.surprisal.stream.DetectorConfig;
import io.surprisal.stream.DetectorConfigParser;
import io.surprisal.stream.DetectorService;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * An independent client written in C (kcat) talks to the detector: what it writes to the events
 * topic is dead-lettered with its reason, and it reads the result back. .ci/run installs kcat; on a
 * machine without it the test is skipped, saying why.
 */
class KcatEndToEndTest {

  /** The broker this test runs against; {@link KcatOnKafkaContainerTest} chooses a container. */
  TestBroker startBroker() {
    return TestBroker.fromSystemProperty();
  }

  @Test
  @Timeout(120)
  void shouldDeadLetterMalformedEventSentByKcatWithItsReason(@TempDir Path state) throws Exception {
    assumeTrue(kcatAvailable(), "kcat is not installed (apt-get install kcat)");
    try (TestBroker broker = startBroker()) {
      String bootstrap = broker.bootstrapServers();
      DetectorConfig config = DetectorConfigParser.parse(DetectorConfigParser.properties(
          "bootstrap.servers=" + bootstrap,
          "application.id=surprisal-kcat",
          "state.dir=" + state,
          "surprisal.feature.dimension=784"));
      try (TopicAdmin admin = new TopicAdmin(bootstrap)) {
        DetectorTopics.ensure(admin, config.topics(), 1, (short) 1);
      }
      try (DetectorService detector = new DetectorService(config)) {
        detector.start(Duration.ofSeconds(60));
        kcat(bootstrap, List.of("-P", "-t", "events", "-K", "|"),
            "card-7|{\"id\":\"tx-1\",\"active\":[3,17,812]}\n");

        // A dead letter is the input itself (key, payload), with the reason in its headers.
        String line = kcat(bootstrap, List.of("-C", "-t", "dead-letters", "-o", "beginning",
            "-c", "1", "-f", "%k|%s|%h\\n"), null);
        String[] parts = line.split("\\|", 3);
        assertThat(parts[0]).isEqualTo("card-7");
        assertThat(parts[1]).isEqualTo("{\"id\":\"tx-1\",\"active\":[3,17,812]}");
        assertThat(parts[2])
            .contains("__streams.errors.message=active[2]=812 is outside 0..783")
            .contains("__streams.errors.topic=events");
      }
    }
  }

  private static boolean kcatAvailable() {
    try {
      return new ProcessBuilder("kcat", "-V").redirectErrorStream(true).start()
          .waitFor(10, TimeUnit.SECONDS);
    } catch (IOException | InterruptedException e) {
      return false;
    }
  }

  /** Runs kcat against the broker with {@code input} on stdin; returns its stdout. */
  private static String kcat(String bootstrap, List<String> args, String input)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("kcat", "-b", bootstrap, "-q"));
    command.addAll(args);
    Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    if (input != null) process.getOutputStream().write(input.getBytes(StandardCharsets.UTF_8));
    process.getOutputStream().close();
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("kcat finished").isTrue();
    assertThat(process.exitValue()).as("kcat exit code").isZero();
    return new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
  }
}
