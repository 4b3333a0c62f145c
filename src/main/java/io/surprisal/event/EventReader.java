package io.surprisal.event;

/**
 * Reads one event record's value into a validated {@link Event}, or refuses it with the precise
 * reason that goes to the dead letter. One per wire format: {@link EventParser} for JSON,
 * io.surprisal.avro.AvroEventReader for Avro in the schema-registry framing.
 */
public interface EventReader {
  /** @throws InvalidEventException naming the field, the rule and the value, never another way */
  Event parse(byte[] payload) throws InvalidEventException;
}
