package io.surprisal.stream;

import io.surprisal.avro.AvroEventReader;
import io.surprisal.avro.AvroOutputs;
import io.surprisal.avro.RegistryClient;
import io.surprisal.avro.RegistryException;
import io.surprisal.event.EventParser;
import io.surprisal.event.EventReader;
import io.surprisal.event.OutputWriter;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * The wire format of the scoring path (surprisal.format): how event values are read and how scores
 * and alerts are written. Dead letters stay the input record as it came, in either format.
 *
 * @param events a reader per stream task
 */
record MessageFormats(Supplier<EventReader> events, OutputWriter outputs) {
  /** How long a registry call may block: a new writer schema id stalls its stream thread. */
  static final Duration REGISTRY_TIMEOUT = Duration.ofSeconds(10);

  /**
   * For Avro, registers the score and alert schemas before the topology exists, so that a
   * registry that is down or refuses them stops the start with one line rather than a stream thread
   * at the first record.
   */
  static MessageFormats of(DetectorConfig config) {
    DetectorConfig.WireFormat format = config.wireFormat();
    if (!format.avro()) {
      EventParser parser = new EventParser(config.dimension());
      return new MessageFormats(() -> parser, OutputWriter.JSON);
    }
    RegistryClient registry = new RegistryClient(format.schemaRegistry(), REGISTRY_TIMEOUT);
    DetectorConfig.Topics topics = config.topics();
    OutputWriter outputs;
    try {
      outputs = AvroOutputs.register(
          registry, topics.alerts(), config.scoresEnabled() ? topics.scores() : null);
    } catch (RegistryException e) {
      // The user's to fix (the URL, the registry, its compatibility level): one line, exit 2.
      throw new InvalidConfigException("surprisal.schema.registry.url: " + e.getMessage(), e);
    }
    return new MessageFormats(
        () -> new AvroEventReader(registry, config.dimension()), outputs);
  }
}
