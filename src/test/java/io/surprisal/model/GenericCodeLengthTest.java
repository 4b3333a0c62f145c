package io.surprisal.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.surprisal.event.BitVector;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The code length is that of the sequential KT coder, and simple vectors are short. */
class GenericCodeLengthTest {
  /** The coder run bit by bit: each bit costs −log of its KT probability given its context. */
  private static double sequential(int[] bits) {
    double nats = Math.log(2);
    double[][] counts = new double[2][2];
    for (int i = 1; i < bits.length; i++) {
      double[] context = counts[bits[i - 1]];
      nats -= Math.log((context[bits[i]] + 0.5) / (context[0] + context[1] + 1));
      context[bits[i]]++;
    }
    return nats;
  }

  @Test
  void shouldEqualTheSequentialCodersLengthForAnyVector() {
    SplittableRandom random = new SplittableRandom(1);
    GenericCodeLength code = new GenericCodeLength(50);
    for (int trial = 0; trial < 200; trial++) {
      int[] bits = new int[50];
      double density = random.nextDouble();
      for (int d = 0; d < bits.length; d++) bits[d] = random.nextDouble() < density ? 1 : 0;
      assertThat(code.nats(BitVector.ofDense(bits))).isCloseTo(sequential(bits), within(1e-9));
    }
    int[] first = new int[50];
    first[0] = 1;
    first[49] = 1;
    assertThat(code.nats(BitVector.ofDense(first))).isCloseTo(sequential(first), within(1e-9));
  }

  @Test
  void shouldCodeRunsShorterThanScatteredBits() {
    GenericCodeLength code = new GenericCodeLength(64);
    int[] run = new int[64];
    int[] scattered = new int[64];
    for (int d = 0; d < 16; d++) {
      run[20 + d] = 1;
      scattered[d * 4] = 1;
    }
    assertThat(code.nats(BitVector.ofDense(new int[64])))
        .isLessThan(code.nats(BitVector.ofDense(run)));
    assertThat(code.nats(BitVector.ofDense(run)))
        .isLessThan(code.nats(BitVector.ofDense(scattered)) - 10);
  }
}
