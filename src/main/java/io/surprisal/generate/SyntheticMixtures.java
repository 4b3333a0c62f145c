package io.surprisal.generate;

import io.surprisal.model.BernoulliMixture;
import java.util.Random;

/** Known latent models to generate traffic from, for the demo, the generator and the tests. */
public final class SyntheticMixtures {
  private SyntheticMixtures() {}

  /**
   * A mixture of K well-separated components over L bits: each component has its own random on/off
   * pattern with θ_kd in [0.75, 0.95] for "on" bits and [0.05, 0.25] for "off" bits, and
   * weights drawn unequal (so K must be recovered from data, not from symmetry).
   */
  public static BernoulliMixture separated(int components, int dimension, long seed) {
    return separated(components, dimension, 0.05, 0.25, seed);
  }

  /**
   * As {@link #separated(int, int, long)} with the noise chosen: each θ_kd lies within
   * [minNoise, maxNoise] of 0 or of 1. Sharper components make normal events more predictable and
   * anomalies stand further apart.
   */
  public static BernoulliMixture separated(
      int components, int dimension, double minNoise, double maxNoise, long seed) {
    if (!(0 < minNoise && minNoise <= maxNoise && maxNoise < 0.5)) {
      throw new IllegalArgumentException(
          "noise must satisfy 0 < minNoise <= maxNoise < 0.5, got " + minNoise + ", " + maxNoise);
    }
    Random random = new Random(seed);
    double[] weights = new double[components];
    double total = 0;
    for (int k = 0; k < components; k++) {
      weights[k] = 0.5 + random.nextDouble();
      total += weights[k];
    }
    double[][] theta = new double[components][dimension];
    for (int k = 0; k < components; k++) {
      weights[k] /= total;
      for (int d = 0; d < dimension; d++) {
        double strength = minNoise + (maxNoise - minNoise) * random.nextDouble();
        theta[k][d] = random.nextBoolean() ? 1 - strength : strength;
      }
    }
    return BernoulliMixture.of(weights, theta);
  }
}
