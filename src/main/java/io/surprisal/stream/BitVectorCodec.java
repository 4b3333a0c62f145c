package io.surprisal.stream;

import io.surprisal.event.BitVector;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;

/**
 * The samples topic's value format: i32 dimension, i32 count, then count i32 set-bit indices. Small
 * for sparse events, and the trainer's window store keeps the same bytes.
 */
final class BitVectorCodec {
  private BitVectorCodec() {}

  static byte[] encode(BitVector vector) {
    int count = vector.activeCount();
    ByteBuffer out = ByteBuffer.allocate(8 + 4 * count);
    out.putInt(vector.dimension()).putInt(count);
    for (int i = 0; i < count; i++) out.putInt(vector.activeIndex(i));
    return out.array();
  }

  /** @throws IllegalArgumentException when the bytes are not an encoded vector */
  static BitVector decode(byte[] bytes) {
    try {
      ByteBuffer in = ByteBuffer.wrap(bytes);
      int dimension = in.getInt();
      int count = in.getInt();
      if (count < 0 || count > in.remaining() / 4) {
        throw new IllegalArgumentException("sample claims " + count + " indices in " + bytes.length + " bytes");
      }
      int[] active = new int[count];
      for (int i = 0; i < count; i++) active[i] = in.getInt();
      return BitVector.ofActive(dimension, active);
    } catch (BufferUnderflowException e) {
      throw new IllegalArgumentException("sample is truncated: " + bytes.length + " bytes");
    }
  }
}
