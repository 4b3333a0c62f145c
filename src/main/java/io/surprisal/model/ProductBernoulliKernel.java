package io.surprisal.model;

import io.surprisal.event.BitVector;

/**
 * The scoring kernel shared by every model that is, at scoring time, a mixture of C product-Bernoulli
 * components: the {@link BernoulliMixture} (C = K) and the enumerated {@link BinaryLatentModel}
 * (C = 2^K codes). With a_cd the log-odds of bit d under component c and
 * b_c = log p(c) + Σ_d log(1−θ_cd), log p(x, c) = b_c + Σ_{d: x_d=1} a_cd, so one event costs
 * C·nnz(x) additions plus a log-sum-exp, in plain Java: one ND4J call per event costs 10–100× more
 * than the whole loop (NOTES-dependencies.md, ND4J cost model).
 *
 * <p>Immutable once built; the arrays are owned here and never handed out.
 */
final class ProductBernoulliKernel {
  private final int components;
  private final int dimension;
  /** a by bit: one set bit adds one row of C values, bitLogOdds[d][c] ({@link Rows} says why). */
  private final double[][] bitLogOdds;
  /** b_c: the log joint of the all-zero vector with component c. */
  private final double[] bias;
  /**
   * For C = 1 (independent bits, the ensemble's companion) a_d in one flat array, else null: one
   * row of a single value per bit is a pointer chase per set bit, and at L = 784 it made the
   * companion cost 1.7 µs per event where the flat sum takes a fraction of that.
   */
  private final double[] singleComponentLogOdds;

  /**
   * Takes ownership of both arrays, built by the caller in this layout: a flat copy would double
   * the memory of 2^K enumerated codes while the kernel is built.
   *
   * @param bitLogOdds a by bit: L rows of C values, bitLogOdds[d][c]
   * @param bias b_c
   */
  ProductBernoulliKernel(double[][] bitLogOdds, double[] bias) {
    for (int d = 0; d < bitLogOdds.length; d++) {
      if (bitLogOdds[d].length != bias.length) {
        throw new IllegalArgumentException("kernel row " + d + " must hold C = " + bias.length
            + " log-odds, got " + bitLogOdds[d].length);
      }
    }
    this.components = bias.length;
    this.dimension = bitLogOdds.length;
    this.bitLogOdds = bitLogOdds;
    this.bias = bias;
    if (components == 1) {
      singleComponentLogOdds = new double[dimension];
      for (int d = 0; d < dimension; d++) singleComponentLogOdds[d] = bitLogOdds[d][0];
    } else {
      singleComponentLogOdds = null;
    }
  }

  int components() {
    return components;
  }

  int dimension() {
    return dimension;
  }

  /** a_cd. */
  double logOdds(int component, int bit) {
    return bitLogOdds[bit][component];
  }

  /** Fills joint[c] = log p(x, c) and returns log p(x) = log Σ_c exp(joint[c]). */
  double logJoint(BitVector x, double[] joint) {
    if (x.dimension() != dimension) {
      throw new IllegalArgumentException(
          "vector has dimension " + x.dimension() + ", the model expects " + dimension);
    }
    if (singleComponentLogOdds != null) {
      double sum = bias[0];
      for (int i = 0, n = x.activeCount(); i < n; i++) sum += singleComponentLogOdds[x.activeIndex(i)];
      joint[0] = sum;
      return sum;
    }
    System.arraycopy(bias, 0, joint, 0, components);
    // Four active bits' rows per pass over joint: a pass over K values costs its loop's set-up and
    // joint's loads and stores whatever it adds, and one row at a time those were most of it.
    int n = x.activeCount();
    int i = 0;
    for (; i + 3 < n; i += 4) {
      double[] r0 = bitLogOdds[x.activeIndex(i)];
      double[] r1 = bitLogOdds[x.activeIndex(i + 1)];
      double[] r2 = bitLogOdds[x.activeIndex(i + 2)];
      double[] r3 = bitLogOdds[x.activeIndex(i + 3)];
      for (int c = 0; c < components; c++) joint[c] += (r0[c] + r1[c]) + (r2[c] + r3[c]);
    }
    for (; i < n; i++) Rows.add(joint, bitLogOdds[x.activeIndex(i)]);
    return logSumExp(joint);
  }

  /** Turns joint (from {@link #logJoint}) into the posterior p(c|x) in place. */
  static void normalize(double[] joint, double logP) {
    for (int c = 0; c < joint.length; c++) joint[c] = Math.exp(joint[c] - logP);
  }

  /** The index of the largest joint[c] (the most probable component, from {@link #logJoint}). */
  static int argMax(double[] joint) {
    int best = 0;
    for (int c = 1; c < joint.length; c++) if (joint[c] > joint[best]) best = c;
    return best;
  }

  /** p(c|x) of c = argMax(joint), i.e. exp(joint[c] − log p(x)), capped at 1 against rounding. */
  static double posterior(double[] joint, int component, double logP) {
    return Math.min(1.0, Math.exp(joint[component] - logP));
  }

  static double logSumExp(double[] values) {
    double max = Double.NEGATIVE_INFINITY;
    for (double v : values) max = Math.max(max, v);
    if (max == Double.NEGATIVE_INFINITY) return max;
    double sum = 0;
    for (double v : values) sum += Math.exp(v - max);
    return max + Math.log(sum);
  }
}
