package io.surprisal.stream;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/**
 * Dead letters in the form Kafka Streams' own dead-letter queue writes (KIP-1034): the input
 * record's key, value, timestamp and headers unchanged, so that a dead letter can be replayed to the
 * events topic as it is once the cause is fixed, with the reason and the source in headers of the
 * same names ({@code __streams.errors.*}, UTF-8 text). schemas/dead-letter.schema.json lists them.
 *
 * <p>A dead letter is the size of its input plus a few hundred bytes of headers, so it fits
 * wherever its input did, unless the events topic accepts larger records than this detector's
 * producer may write; then the value (and if need be the key) is cut to fit, and the original size
 * and SHA-256 of what was cut go into headers, so the loss is visible and checkable.
 */
final class DeadLetterRecords {
  static final String EXCEPTION = "__streams.errors.exception";
  static final String MESSAGE = "__streams.errors.message";
  static final String TOPIC = "__streams.errors.topic";
  static final String PARTITION = "__streams.errors.partition";
  static final String OFFSET = "__streams.errors.offset";
  static final String VALUE_BYTES = "surprisal.errors.value.bytes";
  static final String VALUE_SHA256 = "surprisal.errors.value.sha256";
  static final String KEY_BYTES = "surprisal.errors.key.bytes";
  static final String KEY_SHA256 = "surprisal.errors.key.sha256";

  /** Reasons name a field and abbreviate its value; this bounds one that does not. */
  static final int MAX_REASON_CHARS = 1000;

  private DeadLetterRecords() {}

  /**
   * The dead letter of an event this topology refuses.
   *
   * @param source where the input was read, or null when unknown (a punctuation, a test)
   * @param exception the class of the problem, e.g. InvalidEventException's name
   * @param reason the precise reason, naming the field, the rule and the value
   */
  static Record<byte[], byte[]> of(Record<byte[], byte[]> input, RecordMetadata source,
      String exception, String reason, OutputLimits limits) {
    Letter letter = letter(input.key(), input.value(), input.headers(),
        source == null ? null : source.topic(), source == null ? -1 : source.partition(),
        source == null ? -1 : source.offset(), exception, reason, limits);
    return new Record<>(letter.key, letter.value, input.timestamp(), letter.headers);
  }

  private record Letter(byte[] key, byte[] value, Headers headers) {}

  private static Letter letter(byte[] key, byte[] value, Headers input, String topic,
      int partition, long offset, String exception, String reason, OutputLimits limits) {
    Headers headers = new RecordHeaders(OutputLimits.copyable(input).toArray());
    add(headers, EXCEPTION, exception);
    add(headers, MESSAGE, reason.length() <= MAX_REASON_CHARS
        ? reason : reason.substring(0, MAX_REASON_CHARS - 3) + "...");
    if (topic != null) {
      add(headers, TOPIC, topic);
      add(headers, PARTITION, Integer.toString(partition));
      add(headers, OFFSET, Long.toString(offset));
    }
    if (!limits.fits(key, value, headers)) {
      // Room for the two pairs of size and hash headers this may add.
      int room = limits.maxRecordBytes() - OutputLimits.size(headers) - 256;
      value = cut(value, Math.max(0, room - (key == null ? 0 : key.length)), headers, VALUE_BYTES,
          VALUE_SHA256);
      key = cut(key, Math.max(0, room - (value == null ? 0 : value.length)), headers, KEY_BYTES,
          KEY_SHA256);
    }
    return new Letter(key, value, headers);
  }

  private static byte[] cut(byte[] bytes, int room, Headers headers, String sizeHeader,
      String hashHeader) {
    if (bytes == null || bytes.length <= room) return bytes;
    add(headers, sizeHeader, Integer.toString(bytes.length));
    add(headers, hashHeader, sha256(bytes));
    return Arrays.copyOf(bytes, room);
  }

  private static void add(Headers headers, String key, String value) {
    headers.add(key, value.getBytes(StandardCharsets.UTF_8));
  }

  static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  }
}
