package io.surprisal.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The state directory is locked and created by the KafkaStreams constructor, so a detector that
 * cannot use it fails in the DetectorService constructor, with a message naming state.dir. No
 * broker is needed: nothing connects before start().
 */
class DetectorServiceStateDirectoryTest {
  private static DetectorConfig config(String applicationId, Path stateDir) {
    return DetectorConfigParser.parse(DetectorConfigParser.properties(
        "bootstrap.servers=localhost:9092", "surprisal.feature.dimension=8",
        "application.id=" + applicationId, "state.dir=" + stateDir));
  }

  @Test
  void shouldRefuseASecondInstanceOfTheApplicationOnTheSameStateDirNamingStateDir(
      @TempDir Path dir) {
    try (DetectorService first = new DetectorService(config("fraud", dir))) {
      assertThatThrownBy(() -> new DetectorService(config("fraud", dir)))
          .isInstanceOf(InvalidConfigException.class)
          .hasMessage("state.dir " + dir + " is in use by another Kafka Streams instance with"
              + " application.id fraud on this host: give each instance on one host its own"
              + " state.dir");
    }
  }

  @Test
  void shouldLetTwoApplicationsShareAStateDir(@TempDir Path dir) {
    // Kafka Streams keeps each application in its own subdirectory, with its own lock.
    try (DetectorService fraud = new DetectorService(config("fraud", dir));
        DetectorService market = new DetectorService(config("market", dir))) {
      assertThat(Files.isDirectory(dir.resolve("fraud"))).isTrue();
      assertThat(Files.isDirectory(dir.resolve("market"))).isTrue();
    }
  }

  @Test
  void shouldRefuseAStateDirThatCannotBeCreatedNamingStateDir(@TempDir Path dir)
      throws Exception {
    Path file = Files.writeString(dir.resolve("not-a-directory"), "x");

    assertThatThrownBy(() -> new DetectorService(config("fraud", file)))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessage("state.dir " + file + " cannot be used (state directory [" + file
            + "/fraud] doesn't exist and couldn't be created): set state.dir to a directory this"
            + " process can create and write");
  }
}
