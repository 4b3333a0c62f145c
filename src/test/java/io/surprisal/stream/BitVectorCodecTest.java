package io.surprisal.stream;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The samples topic's value format, decoded strictly. */
class BitVectorCodecTest {
  @Test
  void shouldRefuseTrailingBytesAfterTheIndices() {
    byte[] padded = Arrays.copyOf(sample(16, 1, 3), 8 + 4 * 2 + 5);
    assertThatThrownBy(() -> BitVectorCodec.decode(padded))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("sample has 5 trailing bytes: count 2 needs exactly 8 + 4*2 = 16 bytes, got 21");
  }

  @Test
  void shouldRefuseASampleShorterThanItsCountSays() {
    byte[] truncated = Arrays.copyOf(sample(16, 1, 3), 14);
    assertThatThrownBy(() -> BitVectorCodec.decode(truncated))
        .hasMessage("sample is truncated: count 2 needs exactly 8 + 4*2 = 16 bytes, got 14");
  }

  @Test
  void shouldRefuseASampleShorterThanItsHeader() {
    assertThatThrownBy(() -> BitVectorCodec.decode(new byte[5]))
        .hasMessage("sample is truncated: 5 bytes, shorter than its 8-byte header"
            + " (i32 dimension, i32 count)");
  }

  @Test
  void shouldRefuseANegativeOrHugeCountWithoutAllocatingForIt() {
    byte[] negative = ByteBuffer.allocate(8).putInt(16).putInt(-1).array();
    assertThatThrownBy(() -> BitVectorCodec.decode(negative))
        .hasMessage("sample's index count must be >= 0, got -1");
    byte[] huge = ByteBuffer.allocate(8).putInt(16).putInt(Integer.MAX_VALUE).array();
    assertThatThrownBy(() -> BitVectorCodec.decode(huge))
        .hasMessage("sample is truncated: count 2147483647 needs exactly 8 + 4*2147483647"
            + " = 8589934596 bytes, got 8");
  }

  @Test
  void shouldRefuseAnIndexOutOfRangeOrRepeated() {
    assertThatThrownBy(() -> BitVectorCodec.decode(sample(16, 3, 16)))
        .hasMessage("sample's index 16 is outside 0..15");
    assertThatThrownBy(() -> BitVectorCodec.decode(sample(16, -1)))
        .hasMessage("sample's index -1 is outside 0..15");
    assertThatThrownBy(() -> BitVectorCodec.decode(sample(16, 4, 4)))
        .hasMessage("sample's index 4 repeats");
    assertThatThrownBy(() -> BitVectorCodec.decode(sample(0)))
        .hasMessage("sample's dimension must be > 0, got 0");
  }

  @Test
  void shouldRefuseAMissingValue() {
    assertThatThrownBy(() -> BitVectorCodec.decode(null))
        .hasMessage("sample has no value (null)");
  }

  /** The wire form with the indices exactly as given, unchecked. */
  static byte[] sample(int dimension, int... indices) {
    ByteBuffer out = ByteBuffer.allocate(8 + 4 * indices.length);
    out.putInt(dimension).putInt(indices.length);
    for (int index : indices) out.putInt(index);
    return out.array();
  }
}
