package io.surprisal.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.surprisal.event.EventParser;
import io.surprisal.kafka.EmbeddedKafkaBroker;
import io.surprisal.kafka.TopicAdmin;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

class SurprisalCommandTest {
  private final StringWriter err = new StringWriter();
  private final StringWriter out = new StringWriter();

  private int execute(String... args) {
    CommandLine commandLine = SurprisalCommand.commandLine();
    commandLine.setErr(new PrintWriter(err, true));
    commandLine.setOut(new PrintWriter(out, true));
    return commandLine.execute(args);
  }

  @ParameterizedTest
  @ValueSource(strings = {"demo", "run", "generate"})
  void shouldPrintHelpForEveryCommand(String command) {
    assertThat(execute(command, "--help")).isZero();
    assertThat(out.toString()).contains("Usage: surprisal " + command);
  }

  @Test
  void shouldCreateTopicsAtStartUnlessGivenNoCreateTopics() {
    assertThat(parsedRun().createTopics).isTrue();
    assertThat(parsedRun("--create-topics").createTopics).isTrue();
    assertThat(parsedRun("--no-create-topics").createTopics).isFalse();
  }

  private static RunCommand parsedRun(String... options) {
    List<String> args = new java.util.ArrayList<>(List.of("run"));
    args.addAll(List.of(options));
    CommandLine.ParseResult parsed =
        SurprisalCommand.commandLine().parseArgs(args.toArray(String[]::new));
    return (RunCommand) parsed.subcommand().commandSpec().userObject();
  }

  @Test
  void shouldFailAtStartNamingTheInvalidSetting() {
    int code = execute("run", "--bootstrap-servers", "127.0.0.1:1",
        "-p", "surprisal.feature.dimension=64", "-p", "surprisal.alert.rate=2");
    assertThat(code).isEqualTo(2);
    assertThat(err.toString().trim())
        .isEqualTo("surprisal: surprisal.alert.rate must be inside (0, 1), got 2");
  }

  @Test
  void shouldFailAtStartNamingTheMissingSetting(@TempDir Path dir) throws Exception {
    Path config = Files.writeString(dir.resolve("detector.properties"),
        "bootstrap.servers=127.0.0.1:1\n");
    assertThat(execute("run", "-c", config.toString())).isEqualTo(2);
    assertThat(err.toString()).contains("surprisal.feature.dimension is missing");
  }

  @Test
  void shouldGenerateValidEventsAndWriteTheTruth(@TempDir Path dir) throws Exception {
    Path truth = dir.resolve("anomalies.txt");
    try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
      try (TopicAdmin admin = new TopicAdmin(broker.bootstrapServers())) {
        admin.ensureTopic("events", 1, (short) 1, Map.of());
      }
      int code = execute("generate", "--bootstrap-servers", broker.bootstrapServers(),
          "--count", "2000", "--rate", "100000", "--anomaly-rate", "0.05", "--dimension", "32",
          "--truth", truth.toString());
      assertThat(code).isZero();

      EventParser parser = new EventParser(32);
      Properties p = new Properties();
      p.setProperty("bootstrap.servers", broker.bootstrapServers());
      p.setProperty("group.id", "check");
      p.setProperty("auto.offset.reset", "earliest");
      int received = 0;
      try (KafkaConsumer<byte[], byte[]> consumer =
          new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
        consumer.subscribe(List.of("events"));
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (received < 2000 && System.nanoTime() < deadline) {
          for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
            parser.parse(record.value()); // throws if the generator wrote an invalid event
            received++;
          }
        }
      }
      assertThat(received).isEqualTo(2000);
    }
    // 5% of 2,000: 100 expected, well inside 60..140 for this seed-fixed binomial draw.
    assertThat(Files.readAllLines(truth)).hasSizeBetween(60, 140).allMatch(id -> id.startsWith("gen-"));
  }
}
