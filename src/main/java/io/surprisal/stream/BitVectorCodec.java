package io.surprisal.stream;

import io.surprisal.event.BitVector;
import java.nio.ByteBuffer;

/**
 * The samples topic's value format: i32 dimension, i32 count, then count i32 set-bit indices. Small
 * for sparse events. The trainer's window store keeps {@link #encode}'s canonical form (indices
 * increasing, exactly 8 + 4·count bytes), never bytes as they arrived.
 */
final class BitVectorCodec {
  private static final int HEADER_BYTES = 8;

  private BitVectorCodec() {}

  /** The canonical form: at most 8 + 4·dimension bytes, as the indices are unique and in range. */
  static byte[] encode(BitVector vector) {
    int count = vector.activeCount();
    ByteBuffer out = ByteBuffer.allocate(HEADER_BYTES + 4 * count);
    out.putInt(vector.dimension()).putInt(count);
    for (int i = 0; i < count; i++) out.putInt(vector.activeIndex(i));
    return out.array();
  }

  /**
   * Decodes exactly one vector: the value must be 8 + 4·count bytes long, no shorter and no longer,
   * and its indices in 0..dimension-1 without repeats (in any order; {@link BitVector#ofActive}
   * checks range and repeats and sorts).
   *
   * @throws IllegalArgumentException naming the rule and the value when the bytes are anything else
   */
  static BitVector decode(byte[] bytes) {
    if (bytes == null) throw new IllegalArgumentException("sample has no value (null)");
    if (bytes.length < HEADER_BYTES) {
      throw new IllegalArgumentException("sample is truncated: " + bytes.length
          + " bytes, shorter than its 8-byte header (i32 dimension, i32 count)");
    }
    ByteBuffer in = ByteBuffer.wrap(bytes);
    int dimension = in.getInt();
    int count = in.getInt();
    if (count < 0) {
      throw new IllegalArgumentException("sample's index count must be >= 0, got " + count);
    }
    long expected = HEADER_BYTES + 4L * count;
    if (bytes.length != expected) {
      String problem = bytes.length < expected ? "is truncated"
          : "has " + (bytes.length - expected) + " trailing bytes";
      throw new IllegalArgumentException("sample " + problem + ": count " + count
          + " needs exactly 8 + 4*" + count + " = " + expected + " bytes, got " + bytes.length);
    }
    int[] active = new int[count];
    for (int i = 0; i < count; i++) active[i] = in.getInt();
    try {
      return BitVector.ofActive(dimension, active);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("sample's " + e.getMessage(), e);
    }
  }
}
