package io.surprisal.it;

import static io.surprisal.it.DeployFiles.CONFIG_PATH;
import static io.surprisal.it.DeployFiles.DEPLOY;
import static io.surprisal.it.DeployFiles.METRICS_PORT;
import static io.surprisal.it.DeployFiles.ROOT;
import static io.surprisal.it.DeployFiles.assertCommandLineAccepts;
import static io.surprisal.it.DeployFiles.dockerfile;
import static io.surprisal.it.DeployFiles.dockerfileArray;
import static io.surprisal.it.DeployFiles.dockerfileInstruction;
import static io.surprisal.it.DeployFiles.pom;
import static io.surprisal.it.DeployFiles.text;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * deploy/Dockerfile, checked without a Docker engine: it copies what {@code mvn package} builds
 * (the thin jar and its lib/ beside it), runs that jar with a command the CLI accepts, on a glibc
 * Temurin 17 JRE as a non-root user.
 */
class DockerImageFilesTest {
  @Test
  void shouldCopyWhatMavenPackageBuildsAndRunTheCopiedJar() throws Exception {
    List<String[]> instructions = dockerfile();
    Document pom = pom();
    String jar = "target/" + text(pom, "finalName") + ".jar";
    String libraries = copyDependenciesOutput(pom).replace("${project.build.directory}", "target");
    assertThat(jar).isEqualTo("target/surprisal.jar");
    assertThat(libraries).isEqualTo("target/lib");

    Map<String, String> copies = new LinkedHashMap<>();
    for (String[] instruction : instructions) {
      if (instruction[0].equals("COPY")) {
        String[] words = instruction[1].trim().split("\\s+");
        assertThat(words).as("COPY " + instruction[1]).hasSize(2);
        copies.put(words[0].replaceAll("/$", ""), words[1]);
      }
    }
    assertThat(copies).containsOnlyKeys(jar, libraries);
    // The build context sends nothing else; each copied path is let through by name.
    List<String> ignore = Files.readAllLines(DEPLOY.resolve("Dockerfile.dockerignore")).stream()
        .filter(line -> !line.isBlank() && !line.startsWith("#")).toList();
    assertThat(ignore).containsExactlyInAnyOrder("*", "!" + jar, "!" + libraries + "/");
    String jarInImage = copies.get(jar);
    // The manifest names its libraries as lib/NAME, relative to the jar: lib/ must sit beside it.
    assertThat(Path.of(copies.get(libraries)))
        .isEqualTo(Path.of(jarInImage).resolveSibling("lib"));

    assertThat(dockerfileArray(instructions, "ENTRYPOINT")).containsExactly(
        "java", "-Dorg.bytedeco.javacpp.maxPhysicalBytes=0", "-jar", jarInImage);
    List<String> command = dockerfileArray(instructions, "CMD");
    assertThat(command).containsExactly(
        "run", "-c", CONFIG_PATH, "--metrics-bind", "0.0.0.0");
    assertCommandLineAccepts(command);
  }

  @Test
  void shouldRunOnATemurin17GlibcImageAsANonRootUserWithOneBlasThread() throws IOException {
    List<String[]> instructions = dockerfile();
    String from = dockerfileInstruction(instructions, "FROM");
    assertThat(from).startsWith("eclipse-temurin:17-jre").doesNotContain("alpine");
    String user = dockerfileInstruction(instructions, "USER");
    assertThat(user).isNotIn("root", "0").doesNotStartWith("0:");
    assertThat(dockerfileInstruction(instructions, "EXPOSE")).isEqualTo(Integer.toString(METRICS_PORT));
    assertThat(dockerfileInstruction(instructions, "ENV")).contains("OMP_NUM_THREADS=1");
  }

  /** Where the copy-libraries execution puts the jar's libraries (demo-lib/ is another one's). */
  private static String copyDependenciesOutput(Document pom) {
    var executions = pom.getElementsByTagName("execution");
    for (int i = 0; i < executions.getLength(); i++) {
      Element execution = (Element) executions.item(i);
      var id = execution.getElementsByTagName("id").item(0);
      if (id != null && id.getTextContent().trim().equals("copy-libraries")) {
        return execution.getElementsByTagName("outputDirectory").item(0).getTextContent().trim();
      }
    }
    throw new AssertionError("pom.xml has no copy-libraries execution");
  }
}
