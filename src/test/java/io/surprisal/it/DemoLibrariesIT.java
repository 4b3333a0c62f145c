package io.surprisal.it;

import static io.surprisal.it.DeployFiles.ROOT;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs after {@code mvn package} (failsafe, in {@code verify}): the Kafka broker (kafka_2.13, Scala,
 * the server modules, log4j-core) is not on the class path of {@code run} or of the image, which
 * copies target/lib/ and the jar; {@code demo} still runs from the packaged jar, with the broker
 * from target/demo-lib/, and says what it misses where demo-lib/ is absent.
 */
class DemoLibrariesIT {
  private static final Path JAR = ROOT.resolve("target/surprisal.jar");
  private static final Path LIB = ROOT.resolve("target/lib");
  /** Jars only the broker needs; none may reach lib/. */
  private static final List<String> BROKER_ONLY = List.of("kafka_2.13-", "scala-library-",
      "scala-reflect-", "kafka-server-", "kafka-metadata-", "kafka-raft-", "kafka-storage-",
      "kafka-group-coordinator-", "log4j-core-");

  @Test
  void shouldKeepTheBrokerOutOfTheJarAndItsLibraries() throws IOException {
    List<String> libraries = fileNames(LIB);
    assertThat(libraries).as("target/lib")
        .anyMatch(name -> name.startsWith("kafka-streams-"))
        .noneMatch(name -> BROKER_ONLY.stream().anyMatch(name::startsWith));
    try (JarFile jar = new JarFile(JAR.toFile())) {
      assertThat(jar.getEntry("io/surprisal/kafka/EmbeddedKafkaBroker.class")).isNull();
      assertThat(jar.getEntry("io/surprisal/kafka/TopicAdmin.class")).isNotNull();
      String classPath = jar.getManifest().getMainAttributes().getValue("Class-Path");
      assertThat(classPath).doesNotContain("kafka_2.13", "scala-library", "log4j-core");
    }
  }

  @Test
  void shouldShipTheBrokerInDemoLibWithoutRepeatingALibrary() throws IOException {
    List<String> demoLibraries = fileNames(ROOT.resolve("target/demo-lib"));
    assertThat(demoLibraries).contains("surprisal-demo-broker.jar")
        .anyMatch(name -> name.startsWith("kafka_2.13-"))
        .anyMatch(name -> name.startsWith("scala-library-"))
        .doesNotContainAnyElementsOf(fileNames(LIB));
  }

  @Test
  void shouldRunTheDemoFromThePackagedJar() throws Exception {
    Run run = java(JAR, "demo", "--duration", "3s", "--status-interval", "1s",
        "--metrics-port", "0");

    assertThat(run.code()).as(run.err()).isZero();
    assertThat(run.err()).contains("Kafka broker listening on 127.0.0.1:");
    JsonNode summary = new ObjectMapper().readTree(run.lastOutLine());
    // Three seconds are too short for a first model: the detector's records are unscored then.
    assertThat(summary.get("events").asLong() + summary.get("unscoredEvents").asLong())
        .as("events through the detector").isPositive();
    assertThat(summary.get("detector").get("state").asText()).isEqualTo("RUNNING");
  }

  @Test
  void shouldSayTheDemoNeedsDemoLibWhenOnlyTheJarAndLibShip(@TempDir Path image)
      throws Exception {
    // What the image holds: the jar and lib/ beside it, no demo-lib/.
    Path jar = Files.copy(JAR, image.resolve("surprisal.jar"));
    Path lib = Files.createSymbolicLink(image.resolve("lib"), LIB.toAbsolutePath());

    Run run;
    try {
      run = java(jar, "demo", "--duration", "3s", "--metrics-port", "0");
    } finally {
      Files.delete(lib); // the link, not target/lib
    }

    assertThat(run.code()).isEqualTo(1);
    assertThat(run.err().strip()).isEqualTo("surprisal: the demo's Kafka broker is not part of"
        + " this installation: it needs the broker's libraries in "
        + image.resolve("demo-lib") + " (mvn package puts them in target/demo-lib/"
        + " beside target/surprisal.jar; the container image ships lib/ only)");
  }

  private record Run(int code, String out, String err) {
    String lastOutLine() {
      List<String> lines = out.strip().lines().toList();
      assertThat(lines).as(err).isNotEmpty();
      return lines.get(lines.size() - 1);
    }
  }

  private static Run java(Path jar, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Dorg.bytedeco.javacpp.maxPhysicalBytes=0", "-jar", jar.toString()));
    command.addAll(List.of(args));
    Path out = Files.createTempFile("surprisal-it-", ".out");
    Path err = Files.createTempFile("surprisal-it-", ".err");
    try {
      ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(out.toFile())
          .redirectError(err.toFile());
      builder.environment().put("OMP_NUM_THREADS", "1");
      Process process = builder.start();
      if (!process.waitFor(120, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor();
        throw new AssertionError(String.join(" ", command) + " ran over 120 s: "
            + Files.readString(err, StandardCharsets.UTF_8));
      }
      return new Run(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
          Files.readString(err, StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }

  private static List<String> fileNames(Path directory) throws IOException {
    assertThat(directory).as("mvn package builds " + ROOT.relativize(directory)).isDirectory();
    try (Stream<Path> files = Files.list(directory)) {
      return files.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }
}
