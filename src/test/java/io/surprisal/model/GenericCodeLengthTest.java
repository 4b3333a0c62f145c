package io.surprisal.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.surprisal.event.BitVector;
import java.util.ArrayList;
import java.util.List;
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

  /** The coder with a lag run bit by bit: the context is the bit before and the bit lag back. */
  private static double sequential(int[] bits, int lag) {
    double nats = Math.log(2);
    double[][] counts = new double[4][2];
    for (int i = 1; i < bits.length; i++) {
      double[] context = counts[bits[i - 1] + 2 * (i >= lag ? bits[i - lag] : 0)];
      nats -= Math.log((context[bits[i]] + 0.5) / (context[0] + context[1] + 1));
      context[bits[i]]++;
    }
    return nats;
  }

  @Test
  void shouldEqualTheSequentialCodersLengthWithALag() {
    SplittableRandom random = new SplittableRandom(2);
    for (int lag : new int[] {2, 7, 49}) {
      GenericCodeLength code = new GenericCodeLength(50, lag);
      for (int trial = 0; trial < 200; trial++) {
        int[] bits = new int[50];
        double density = random.nextDouble();
        for (int d = 0; d < bits.length; d++) bits[d] = random.nextDouble() < density ? 1 : 0;
        assertThat(code.nats(BitVector.ofDense(bits)))
            .as("lag %d, %s", lag, java.util.Arrays.toString(bits))
            .isCloseTo(sequential(bits, lag), within(1e-9));
      }
    }
  }

  @Test
  void shouldFindTheRowWidthOfImagesAndNoLagInScatteredBits() {
    // 20 × 30 images of vertical bars: each row repeats the one above it.
    SplittableRandom random = new SplittableRandom(3);
    List<BitVector> images = new ArrayList<>();
    List<BitVector> scattered = new ArrayList<>();
    for (int n = 0; n < 200; n++) {
      int[] image = new int[600];
      int left = random.nextInt(25);
      int width = 1 + random.nextInt(5);
      for (int row = 0; row < 20; row++) {
        for (int column = left; column < left + width; column++) image[row * 30 + column] = 1;
      }
      images.add(BitVector.ofDense(image));
      int[] bits = new int[600];
      for (int d = 0; d < bits.length; d++) bits[d] = random.nextDouble() < 0.2 ? 1 : 0;
      scattered.add(BitVector.ofDense(bits));
    }

    GenericCodeLength imageCode = GenericCodeLength.fittedTo(images);
    GenericCodeLength scatteredCode = GenericCodeLength.fittedTo(scattered);

    assertThat(imageCode.lag()).isEqualTo(30);
    assertThat(scatteredCode.lag()).isZero();
    BitVector image = images.get(0);
    assertThat(imageCode.nats(image)).isLessThan(new GenericCodeLength(600).nats(image) - 10);
  }

  @Test
  void shouldRefuseALagOutsideTheVector() {
    assertThatThrownBy(() -> new GenericCodeLength(50, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("lag must be 0 or in 2..49 for L = 50, got 1");
    assertThatThrownBy(() -> new GenericCodeLength(50, 50))
        .isInstanceOf(IllegalArgumentException.class);
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
