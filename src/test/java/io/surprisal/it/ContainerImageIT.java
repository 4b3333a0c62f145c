package io.surprisal.it;

import static io.surprisal.it.DeployFiles.ROOT;
import static io.surprisal.it.DeployFiles.dockerfile;
import static io.surprisal.it.DeployFiles.dockerfileArray;
import static io.surprisal.it.DeployFiles.dockerfileInstruction;
import static io.surprisal.it.DeployFiles.strings;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The image Jib builds, opened without a Docker engine: the tar that verify's image-check execution
 * writes (pom.xml; the same image as {@code jib:buildTar}'s on an empty base) is a docker-archive:
 * manifest.json, the config, and one tar.gz per layer. Its container is deploy/Dockerfile's, and
 * it ships the jar and target/lib/'s jars only: no broker.
 */
class ContainerImageIT {
  private static final Path TAR = ROOT.resolve("target/jib-scratch/image.tar");
  private static final ObjectMapper JSON = new ObjectMapper();
  /** Small files (the JVM argument files) are kept whole; the jars by digest only. */
  private static final long SMALL = 64 * 1024;
  /** The image's configuration (config.json). */
  private static JsonNode config;
  /** Every regular file the layers hold, by path, with its SHA-256. */
  private static final Map<String, String> files = new HashMap<>();
  /** The content of the layers' small files, by path. */
  private static final Map<String, byte[]> smallFiles = new HashMap<>();

  @BeforeAll
  static void openTheImage() throws IOException {
    assertThat(TAR).as("mvn verify builds the image tar before the integration tests")
        .isRegularFile();
    JsonNode manifest = JSON.readTree(entry("manifest.json"));
    assertThat(manifest).as("images in the tar").hasSize(1);
    config = JSON.readTree(entry(manifest.get(0).get("Config").asText()));
    for (JsonNode layer : manifest.get(0).get("Layers")) {
      readLayer(layer.asText());
    }
  }

  @Test
  void shouldRunTheJarWithTheDockerfilesFlagsCommandEnvironmentUserAndPort() throws IOException {
    List<String[]> dockerfile = dockerfile();
    JsonNode container = config.get("config");
    // The Dockerfile runs java <flags> -jar /app/surprisal.jar; Jib puts the same jar and the
    // same libraries on an explicit class path instead.
    List<String> dockerEntrypoint = dockerfileArray(dockerfile, "ENTRYPOINT");
    int jar = dockerEntrypoint.indexOf("-jar");
    List<String> expected = new ArrayList<>(dockerEntrypoint.subList(0, jar));
    expected.addAll(List.of("-cp", "@/app/jib-classpath-file", "io.surprisal.cli.SurprisalCommand"));
    assertThat(strings(container.get("Entrypoint"))).isEqualTo(expected);
    assertThat(strings(container.get("Cmd"))).isEqualTo(dockerfileArray(dockerfile, "CMD"));

    // ENV KEY=VALUE KEY="VALUE" (no spaces inside values) as the image's KEY=VALUE list.
    List<String> dockerEnvironment = List.of(dockerfileInstruction(dockerfile, "ENV")
        .replace("\"", "").trim().split("\\s+"));
    assertThat(dockerEnvironment)
        .containsExactly("OMP_NUM_THREADS=1", "JAVA_TOOL_OPTIONS=-XX:MaxRAMPercentage=50");
    assertThat(strings(container.get("Env"))).containsExactlyInAnyOrderElementsOf(dockerEnvironment);
    assertThat(container.get("User").asText()).isEqualTo("10001:10001")
        .isEqualTo(dockerfileInstruction(dockerfile, "USER"));
    assertThat(container.get("ExposedPorts").fieldNames()).toIterable()
        .containsExactly(dockerfileInstruction(dockerfile, "EXPOSE") + "/tcp");
  }

  @Test
  void shouldShipTheJarAsBuiltAndExactlyTheLibrariesOfTargetLib() throws Exception {
    assertThat(files.get("app/classpath/surprisal.jar")).as("the jar in the image")
        .isEqualTo(sha256(ROOT.resolve("target/surprisal.jar")));
    Map<String, String> libraries = new HashMap<>();
    files.forEach((path, digest) -> {
      if (path.startsWith("app/libs/")) libraries.put(path.substring("app/libs/".length()), digest);
    });
    Map<String, String> targetLib = new HashMap<>();
    try (Stream<Path> jars = Files.list(ROOT.resolve("target/lib"))) {
      for (Path jar : jars.toList()) {
        targetLib.put(jar.getFileName().toString(), sha256(jar));
      }
    }
    assertThat(libraries).isEqualTo(targetLib);
  }

  @Test
  void shouldLeaveTheBrokerOut() throws IOException {
    assertThat(files.keySet())
        .noneMatch(path -> path.matches(".*/(kafka_2\\.13|scala-library|scala-reflect|log4j-core"
            + "|kafka-server|kafka-raft|kafka-metadata)-[^/]*\\.jar"))
        .noneMatch(path -> path.contains("demo-lib") || path.contains("demo-broker"));
    String classPath =
        new String(smallFiles.get("app/jib-classpath-file"), StandardCharsets.UTF_8);
    assertThat(classPath).startsWith("/app/classpath/*:/app/libs/")
        .doesNotContain("kafka_2.13", "scala-library", "log4j-core");
  }

  /** A file of the image's top-level tar. */
  private static byte[] entry(String name) throws IOException {
    byte[][] found = new byte[1][];
    try (InputStream in = new BufferedInputStream(Files.newInputStream(TAR))) {
      TarReader.read(in, (entry, content) -> {
        if (!entry.name().equals(name)) return true;
        found[0] = content.readAllBytes();
        return false;
      });
    }
    if (found[0] == null) throw new AssertionError(TAR + " has no " + name);
    return found[0];
  }

  /** Records the regular files of one layer (a tar.gz inside the image's tar). */
  private static void readLayer(String layer) throws IOException {
    boolean[] found = new boolean[1];
    try (InputStream in = new BufferedInputStream(Files.newInputStream(TAR))) {
      TarReader.read(in, (entry, content) -> {
        if (!entry.name().equals(layer)) return true;
        found[0] = true;
        TarReader.read(new BufferedInputStream(new GZIPInputStream(content, 1 << 16)),
            (file, bytes) -> {
              if (!file.isFile()) return true;
              if (file.size() <= SMALL) {
                byte[] whole = bytes.readAllBytes();
                smallFiles.put(file.name(), whole);
                files.put(file.name(), sha256(new ByteArrayInputStream(whole)));
              } else {
                files.put(file.name(), sha256(bytes));
              }
              return true;
            });
        return false;
      });
    }
    if (!found[0]) throw new AssertionError(TAR + " has no layer " + layer);
  }

  private static String sha256(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return sha256(in);
    }
  }

  /** Reads {@code in} to its end (not closing it) and returns its SHA-256 in hex. */
  private static String sha256(InputStream in) throws IOException {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      byte[] buffer = new byte[1 << 16];
      for (int n; (n = in.read(buffer)) > 0; ) digest.update(buffer, 0, n);
      return HexFormat.of().formatHex(digest.digest());
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
