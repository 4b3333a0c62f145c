package io.surprisal.event;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * A payload that could not be scored, with where it came from and why. The payload is kept whole:
 * as text when it is valid UTF-8, otherwise base64, so nothing is lost. Wire form:
 * schemas/dead-letter.schema.json.
 *
 * @param encoding "utf8" or "base64", how {@code payload} is written
 * @param key the record key as text, or null
 */
public record DeadLetter(
    String payload,
    String encoding,
    String key,
    String topic,
    int partition,
    long offset,
    String reason,
    long receivedAt) {

  public static DeadLetter of(
      byte[] raw, String key, String topic, int partition, long offset, String reason, long now) {
    byte[] bytes = raw == null ? new byte[0] : raw;
    String text = decodeUtf8(bytes);
    return text != null
        ? new DeadLetter(text, "utf8", key, topic, partition, offset, reason, now)
        : new DeadLetter(
            Base64.getEncoder().encodeToString(bytes), "base64", key, topic, partition, offset,
            reason, now);
  }

  private static String decodeUtf8(byte[] bytes) {
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }
}
