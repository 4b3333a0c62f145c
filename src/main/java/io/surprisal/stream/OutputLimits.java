package io.surprisal.stream;

import java.nio.charset.StandardCharsets;
import java.util.function.Function;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * How large a record the topology may write, and what it copies from its input to stay below that.
 *
 * <p>Under exactly-once, one record the producer or the broker refuses (RecordTooLargeException)
 * aborts the stream thread's whole transaction, and the same input then fails again on every retry:
 * no exception handler can skip it. So every output is kept below the producer's {@code
 * max.request.size} by construction: event ids and record keys have a length limit (longer ones are
 * dead-lettered), input headers are copied only up to {@link #MAX_COPIED_HEADER_BYTES}, and the
 * one field of unbounded size, an alert's attributes, is replaced by its size and hash when the
 * alert would not fit. A dead letter is the input itself, cut short only if it would not fit.
 *
 * @param maxRecordBytes the most bytes of key, value and headers one output record may hold
 */
record OutputLimits(int maxRecordBytes) {
  /** The longest record key accepted (bytes); scores and alerts repeat it, escaped, in their body. */
  static final int MAX_KEY_BYTES = 4096;

  /** Input headers (trace ids, correlation ids) are copied to outputs up to this many bytes. */
  static final int MAX_COPIED_HEADER_BYTES = 16 * 1024;

  /** Set on outputs instead of the input headers when those were larger: their size in bytes. */
  static final String HEADERS_DROPPED = "surprisal.headers.dropped.bytes";

  /**
   * Room left for the batch and record framing that the producer counts against max.request.size
   * beside key, value and headers (61 bytes of batch header and a few varints per record).
   */
  static final int FRAMING_BYTES = 512;

  private static final int DEFAULT_MAX_REQUEST_SIZE = 1024 * 1024;

  /**
   * The least room the outputs need: a score or alert with the longest key, id and copied headers
   * the limits allow, escaped, and a thousand top features, fits in it.
   */
  static final int MIN_RECORD_BYTES = 128 * 1024;

  OutputLimits {
    if (maxRecordBytes < MIN_RECORD_BYTES) {
      throw new IllegalArgumentException("records must be allowed at least " + MIN_RECORD_BYTES
          + " bytes, got " + maxRecordBytes);
    }
  }

  /**
   * From the Streams properties: the producer's max.request.size ("producer." prefixed or not, as
   * Kafka Streams reads it), less the framing. Each setting is read through {@code lookup}: the
   * parser passes one that resolves config-provider references, as the producer itself will.
   *
   * @param lookup a setting's value, or null when unset
   * @throws InvalidConfigException when it leaves less than {@link #MIN_RECORD_BYTES}
   */
  static OutputLimits from(Function<String, String> lookup) {
    String key = ProducerConfig.MAX_REQUEST_SIZE_CONFIG;
    String setting = lookup.apply("producer." + key) != null ? "producer." + key : key;
    Object value = lookup.apply(setting);
    long maxRequestSize;
    try {
      maxRequestSize = value == null ? DEFAULT_MAX_REQUEST_SIZE : Long.parseLong(value.toString().trim());
    } catch (NumberFormatException e) {
      throw new InvalidConfigException(setting + " must be a number of bytes, got " + value);
    }
    if (maxRequestSize - FRAMING_BYTES < MIN_RECORD_BYTES || maxRequestSize > Integer.MAX_VALUE) {
      throw new InvalidConfigException(setting + " must be in " + (MIN_RECORD_BYTES + FRAMING_BYTES)
          + ".." + Integer.MAX_VALUE + " bytes: the detector's scores and alerts need that room,"
          + " got " + value);
    }
    return new OutputLimits((int) maxRequestSize - FRAMING_BYTES);
  }

  static int size(Headers headers) {
    int bytes = 0;
    for (Header header : headers) {
      bytes += header.key().getBytes(StandardCharsets.UTF_8).length
          + (header.value() == null ? 0 : header.value().length);
    }
    return bytes;
  }

  static int size(byte[] key, byte[] value, Headers headers) {
    return (key == null ? 0 : key.length) + (value == null ? 0 : value.length) + size(headers);
  }

  boolean fits(byte[] key, byte[] value, Headers headers) {
    return size(key, value, headers) <= maxRecordBytes;
  }

  /**
   * The input headers when they are small enough to copy to every output (the same instance: no
   * output adds to them), else none but a note of their size.
   */
  static Headers copyable(Headers input) {
    int bytes = size(input);
    if (bytes <= MAX_COPIED_HEADER_BYTES) return input;
    RecordHeaders note = new RecordHeaders();
    note.add(HEADERS_DROPPED, Integer.toString(bytes).getBytes(StandardCharsets.UTF_8));
    return note;
  }
}
