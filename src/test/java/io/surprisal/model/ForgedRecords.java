package io.surprisal.model;

import java.nio.ByteBuffer;
import java.util.zip.CRC32;

/**
 * Model records as a forger writes them, field by field: shapes and values {@link ModelCodec#encode}
 * never writes, under a valid CRC-32, so that only the checks after the checksum can refuse them.
 * The offsets are those of format version 1's header (see {@link ModelCodec}), which version 2
 * keeps; {@link #record} writes version 1.
 */
public final class ForgedRecords {
  public static final int KIND_MIXTURE = 1;
  public static final int KIND_BINARY_LATENT = 2;
  public static final int KIND_VAE = 3;
  public static final int VERSION_AT = 7;
  public static final int TRAINED_AT_AT = 15;
  public static final int WINDOW_SIZE_AT = 23;
  public static final int THRESHOLD_AT = 35;
  public static final int HOLDOUT_SIZE_AT = 51;
  public static final int QUANTILE_COUNT_AT = 55;
  private static final int QUANTILES_AT = 59;
  /** The header {@link #record} writes holds one holdout quantile. */
  private static final int PAYLOAD_AT = QUANTILES_AT + Double.BYTES;

  private ForgedRecords() {}

  /**
   * A record of {@code kindCode} with a valid header (version {@code version}, trainedAt 0, one
   * holdout quantile), then {@code shape} as the kind payload's i32 shape header, then
   * {@code values} doubles of 0.5, then a valid checksum.
   */
  public static byte[] record(int kindCode, long version, int[] shape, int values) {
    ByteBuffer out = ByteBuffer.allocate(PAYLOAD_AT + shape.length * Integer.BYTES
        + values * Double.BYTES + Integer.BYTES);
    out.put("SRPL".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).putShort((short) 1)
        .put((byte) kindCode);
    out.putLong(version).putLong(0L).putInt(100).putDouble(-1.0);
    out.putDouble(-5.0).putDouble(0.01).putInt(10).putInt(1).putDouble(-5.0);
    for (int s : shape) out.putInt(s);
    for (int i = 0; i < values; i++) out.putDouble(0.5);
    return withValidChecksum(out.array());
  }

  /**
   * Where the kind payload starts in {@code record}: after the header and its quantiles, and from
   * format version 2 on after the threshold method, the alert-rate interval and the lower tail.
   */
  public static int payloadAt(byte[] record) {
    ByteBuffer in = ByteBuffer.wrap(record);
    int at = QUANTILES_AT + in.getInt(QUANTILE_COUNT_AT) * Double.BYTES;
    if (in.getShort(4) >= 2) {
      at += 1 + 2 * Double.BYTES;
      at += Integer.BYTES + 2 * in.getInt(at) * Double.BYTES;
    }
    return at;
  }

  public static byte[] withLong(byte[] record, int offset, long value) {
    byte[] copy = record.clone();
    ByteBuffer.wrap(copy, offset, Long.BYTES).putLong(value);
    return withValidChecksum(copy);
  }

  public static byte[] withInt(byte[] record, int offset, int value) {
    byte[] copy = record.clone();
    ByteBuffer.wrap(copy, offset, Integer.BYTES).putInt(value);
    return withValidChecksum(copy);
  }

  public static byte[] withDouble(byte[] record, int offset, double value) {
    byte[] copy = record.clone();
    ByteBuffer.wrap(copy, offset, Double.BYTES).putDouble(value);
    return withValidChecksum(copy);
  }

  /** Replaces the trailing CRC-32 so that an edited record passes the checksum. */
  public static byte[] withValidChecksum(byte[] record) {
    byte[] copy = record.clone();
    CRC32 crc = new CRC32();
    crc.update(copy, 0, copy.length - 4);
    ByteBuffer.wrap(copy, copy.length - 4, 4).putInt((int) crc.getValue());
    return copy;
  }
}
