package io.surprisal.event;

import java.util.function.Function;

/**
 * The bytes of scores and alerts in one wire format: JSON ({@link #JSON}, schemas/*.schema.json)
 * or Avro (io.surprisal.avro, schemas/*.avsc). Both functions are thread-safe.
 */
public record OutputWriter(Function<Score, byte[]> score, Function<Alert, byte[]> alert) {
  public static final OutputWriter JSON = new OutputWriter(MessageWriter::score, MessageWriter::alert);
}
