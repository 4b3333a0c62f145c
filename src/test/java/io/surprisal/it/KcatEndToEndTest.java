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
import java.util.Properties;
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

  @Test
  @Timeout(180)
  void shouldRunFromAnEnvironmentReferenceAndKeepHeadersAndPrefixItsOwnTopics(@TempDir Path work)
      throws Exception {
    assumeTrue(kcatAvailable(), "kcat is not installed (apt-get install kcat)");
    try (TestBroker broker = startBroker()) {
      String bootstrap = broker.bootstrapServers();
      String applicationId = "surprisal-kcat-run";
      // The dimension comes from the environment through Kafka's config provider, as an operator
      // would pass it from a Secret or a ConfigMap.
      Properties settings = new Properties();
      settings.setProperty("bootstrap.servers", bootstrap);
      settings.setProperty("application.id", applicationId);
      settings.setProperty("state.dir", work.resolve("state").toString());
      settings.setProperty("commit.interval.ms", "100");
      settings.setProperty("config.providers", "env");
      settings.setProperty("config.providers.env.class",
          "org.apache.kafka.common.config.provider.EnvVarConfigProvider");
      settings.setProperty("surprisal.feature.dimension", "${env:SURPRISAL_TEST_DIMENSION}");
      Path config = DetectorProcess.writeConfig(work.resolve("detector.properties"), settings);
      try (DetectorProcess detector = new DetectorProcess("kcat-run", config,
          Path.of("target", "reliability", "kcat").toAbsolutePath(),
          List.of("--replication", "1", "--partitions", "1"))
          .withEnvironment("SURPRISAL_TEST_DIMENSION", "784")) {
        detector.start();
        detector.awaitRunning(Duration.ofSeconds(120));

        // The dimension has no default: the detector is running only because the reference
        // resolved, and bit 783 is valid only at 784.
        String traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
        kcat(bootstrap, List.of("-P", "-t", "events", "-K", "|", "-H", "traceparent=" + traceparent),
            "card-8|{\"id\":\"tx-2\",\"active\":[3,17,783]}\n");
        String score = kcat(bootstrap, List.of("-C", "-t", "scores", "-o", "beginning",
            "-c", "1", "-f", "%k|%h|%s\\n"), null);
        assertThat(score).startsWith("card-8|").contains("traceparent=" + traceparent)
            .contains("\"id\":\"tx-2\"");

        // Every topic the detector made for itself carries its application id; the rest are the
        // user's (configured by name) and the broker's own.
        List<String> userTopics = List.of("events", "scores", "alerts", "dead-letters");
        List<String> topics = kcat(bootstrap, List.of("-L"), null).lines()
            .map(String::trim)
            .filter(line -> line.startsWith("topic \""))
            .map(line -> line.substring("topic \"".length(), line.indexOf('"', 7)))
            .toList();
        assertThat(topics).contains(applicationId + "-samples", applicationId + "-models");
        assertThat(topics)
            .filteredOn(topic -> !userTopics.contains(topic) && !topic.startsWith("__"))
            .isNotEmpty()
            .allSatisfy(topic -> assertThat(topic).startsWith(applicationId + "-"));
        detector.stop(Duration.ofSeconds(60));
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
