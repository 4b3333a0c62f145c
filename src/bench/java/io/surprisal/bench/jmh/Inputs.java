package io.surprisal.bench.jmh;

import io.surprisal.event.BitVector;
import java.util.SplittableRandom;

/**
 * Seeded random inputs for the kernels (each bit set with probability {@code density}) and seeded
 * random weights for the neural kernels, whose cost does not depend on the weights' values.
 */
final class Inputs {
  private Inputs() {}

  static BitVector[] random(int count, int dimension, double density, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    BitVector[] vectors = new BitVector[count];
    for (int i = 0; i < count; i++) {
      int[] bits = new int[dimension];
      for (int d = 0; d < dimension; d++) bits[d] = random.nextDouble() < density ? 1 : 0;
      vectors[i] = BitVector.ofDense(bits);
    }
    return vectors;
  }

  /** {@code count} values from N(0, scale²). */
  static double[] gaussian(int count, double scale, java.util.Random random) {
    double[] values = new double[count];
    for (int i = 0; i < count; i++) values[i] = random.nextGaussian() * scale;
    return values;
  }
}
