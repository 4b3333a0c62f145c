package io.surprisal.avro;

import io.surprisal.event.OutputWriter;

/**
 * Scores and alerts in Avro: registers schemas/score.avsc and schemas/alert.avsc with the registry
 * under their topics' value subjects ({@code <topic>-value}, the subject registry-aware consumers
 * and Kafka Connect look up by default) and writes each record framed with the id it got.
 */
public final class AvroOutputs {
  private AvroOutputs() {}

  /**
   * @param scoresTopic null when scores are not written: its schema is then not registered
   * @throws RegistryException when the registry refuses a schema or cannot be reached
   */
  public static OutputWriter register(RegistryClient registry, String alertsTopic,
      String scoresTopic) throws RegistryException {
    AvroAlertWriter alerts =
        new AvroAlertWriter(registry.register(subject(alertsTopic), AvroSchemas.ALERT));
    if (scoresTopic == null) {
      return new OutputWriter(score -> {
        throw new IllegalStateException("scores are disabled; no score schema is registered");
      }, alerts::write);
    }
    AvroScoreWriter scores =
        new AvroScoreWriter(registry.register(subject(scoresTopic), AvroSchemas.SCORE));
    return new OutputWriter(scores::write, alerts::write);
  }

  /** The value subject of a topic under the registry's default TopicNameStrategy. */
  public static String subject(String topic) {
    return topic + "-value";
  }
}
