package io.surprisal.it;

import static io.surprisal.it.DeployFiles.ROOT;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;

/**
 * Runs after {@code mvn package} (failsafe, in {@code verify}): the thin jar the Dockerfile copies
 * exists, finds every library its manifest names in target/lib, and names the project version
 * surprisal_build_info reports.
 */
class PackagedJarIT {
  @Test
  void shouldFindEveryLibraryTheJarManifestNamesAfterPackage() throws IOException {
    Path jar = ROOT.resolve("target/surprisal.jar");
    assertThat(jar).as("mvn package builds the thin jar").isRegularFile();
    try (JarFile file = new JarFile(jar.toFile())) {
      String classPath = file.getManifest().getMainAttributes().getValue("Class-Path");
      assertThat(classPath).isNotBlank();
      List<String> missing = new ArrayList<>();
      for (String entry : classPath.trim().split("\\s+")) {
        if (!Files.isRegularFile(ROOT.resolve("target").resolve(entry))) missing.add(entry);
      }
      assertThat(missing).as("Class-Path entries missing from target/").isEmpty();
    }
  }

  @Test
  void shouldNameTheProjectVersionInTheJarManifestForBuildInfo() throws Exception {
    try (JarFile file = new JarFile(ROOT.resolve("target/surprisal.jar").toFile())) {
      assertThat(file.getManifest().getMainAttributes().getValue("Implementation-Version"))
          .isEqualTo(DeployFiles.text(DeployFiles.pom(), "version"));
    }
  }
}
