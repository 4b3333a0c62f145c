package io.surprisal.kafka;

import java.nio.file.Path;

/**
 * The demo's broker is not installed beside the jar: the message says where its libraries belong.
 * An installation's shape, not a fault of the run, so the command line prints the message alone.
 */
public final class BrokerLibrariesMissingException extends IllegalStateException {
  public BrokerLibrariesMissingException(Path directory) {
    super("the demo's Kafka broker is not part of this installation: it needs the broker's"
        + " libraries in " + directory + " (mvn package puts them in target/demo-lib/ beside"
        + " target/surprisal.jar; the container image ships lib/ only)");
  }
}
