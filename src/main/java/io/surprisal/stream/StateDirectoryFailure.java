package io.surprisal.stream;

import java.util.Optional;
import java.util.Properties;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.ProcessorStateException;
import org.apache.kafka.streams.errors.StreamsException;

/**
 * One line, naming state.dir, for a Kafka Streams client that cannot be built because of its
 * state directory: another instance of the same application on this host holds the directory's
 * lock (two detectors left on the default state.dir), or the directory cannot be created. Both
 * are the user's to fix in the properties, so they are reported as {@link InvalidConfigException}
 * rather than as a stack trace.
 */
final class StateDirectoryFailure {
  /**
   * Kafka Streams gives the lock clash no exception type of its own, only this message
   * (StateDirectory.initializeProcessId, Kafka 4.4); SharedStateDirectoryTest and
   * DetectorServiceStateDirectoryTest notice if a new version words it differently.
   */
  private static final String LOCKED = "multiple instances of Kafka Streams are running in the same"
      + " state directory";

  private StateDirectoryFailure() {}

  /** The description of {@code failure}, thrown by the KafkaStreams constructor, if it is one. */
  static Optional<String> describe(StreamsException failure, Properties kafka) {
    String directory = effectiveStateDir(kafka);
    if (failure.getMessage() != null && failure.getMessage().contains(LOCKED)) {
      return Optional.of("state.dir " + directory + " is in use by another Kafka Streams instance"
          + " with application.id " + kafka.getProperty(StreamsConfig.APPLICATION_ID_CONFIG)
          + " on this host: give each instance on one host its own state.dir");
    }
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof ProcessorStateException) {
        return Optional.of("state.dir " + directory + " cannot be used (" + t.getMessage()
            + "): set state.dir to a directory this process can create and write");
      }
    }
    return Optional.empty();
  }

  /** The configured state.dir, or the default Kafka Streams uses when it is not set. */
  private static String effectiveStateDir(Properties kafka) {
    String configured = kafka.getProperty(StreamsConfig.STATE_DIR_CONFIG);
    if (configured != null) return configured;
    return new StreamsConfig(kafka).getString(StreamsConfig.STATE_DIR_CONFIG);
  }
}
