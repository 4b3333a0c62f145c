package io.surprisal.event;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.UncheckedIOException;

/** JSON for the records this service writes (alerts, scores, dead letters) and reads back in tests. */
public final class MessageJson {
  /**
   * Also {@link MessageWriter}'s, so both write the same bytes. Doubles are written by Jackson's
   * Schubfach writer (documented by Jackson as faster than Java 17's Double.toString, which the
   * profile of bench-throughput showed on every score): the shortest text that reads back to the
   * same double, so no value changes.
   */
  static final ObjectMapper MAPPER =
      JsonMapper.builder().enable(StreamWriteFeature.USE_FAST_DOUBLE_WRITER).build();

  private MessageJson() {}

  public static byte[] write(Object message) {
    try {
      return MAPPER.writeValueAsBytes(message);
    } catch (JsonProcessingException e) {
      // Our own records always serialize; reaching this is a programming error.
      throw new IllegalStateException("cannot serialize " + message.getClass().getSimpleName(), e);
    }
  }

  public static <T> T read(byte[] json, Class<T> type) {
    try {
      return MAPPER.readValue(json, type);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + type.getSimpleName(), e);
    }
  }
}
