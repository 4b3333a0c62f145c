package io.surprisal.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Where the broker is found. Loading it from demo-lib/ beside the packaged jar is DemoLibrariesIT's
 * (after {@code mvn package}); here, what the tests' class path and a missing demo-lib/ do.
 */
class LocalBrokerLauncherTest {
  @Test
  void shouldStartTheBrokerOnTheClassPathWhenItIsThere() {
    try (LocalBroker broker = LocalBrokerLauncher.start()) {
      assertThat(broker).isInstanceOf(EmbeddedKafkaBroker.class);
      assertThat(broker.bootstrapServers()).startsWith("127.0.0.1:");
    }
  }

  @Test
  void shouldNameTheDirectoryWhenDemoLibIsMissing(@TempDir Path installation) {
    Path demoLib = installation.resolve("demo-lib");

    assertThatThrownBy(() -> LocalBrokerLauncher.startFrom(demoLib))
        .isInstanceOf(BrokerLibrariesMissingException.class)
        .hasMessage("the demo's Kafka broker is not part of this installation: it needs the"
            + " broker's libraries in " + demoLib + " (mvn package puts them in target/demo-lib/"
            + " beside target/surprisal.jar; the container image ships lib/ only)");
  }

  @Test
  void shouldNameTheDirectoryWhenDemoLibHoldsNoJar(@TempDir Path installation) throws Exception {
    Path demoLib = Files.createDirectory(installation.resolve("demo-lib"));
    Files.writeString(demoLib.resolve("README"), "not a jar");

    assertThatThrownBy(() -> LocalBrokerLauncher.startFrom(demoLib))
        .isInstanceOf(BrokerLibrariesMissingException.class)
        .hasMessageContaining("libraries in " + demoLib + " (");
  }
}
