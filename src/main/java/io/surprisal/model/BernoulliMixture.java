package io.surprisal.model;

import io.surprisal.event.BitVector;
import io.surprisal.event.FeatureContribution;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * A mixture of K product-Bernoulli components (latent class model): z ∈ {1..K} with weight π_k,
 * p(x|z=k) = Π_d θ_kd^x_d (1−θ_kd)^(1−x_d).
 *
 * <p>Scoring is exact. With a_kd = log θ_kd − log(1−θ_kd) and b_k = log π_k + Σ_d log(1−θ_kd),
 * log π_k p(x|k) = b_k + Σ_{d: x_d=1} a_kd, so one event costs K·nnz(x) additions plus a
 * log-sum-exp. This runs in plain Java over arrays precomputed here: one ND4J call per event costs
 * 10–100× more than the whole loop (NOTES-dependencies.md, ND4J cost model).
 */
public final class BernoulliMixture implements DensityModel {
  public static final String KIND = "mixture";

  private final int components;
  private final int dimension;
  private final double[] weights;
  /** θ, component-major: theta[k * dimension + d]. */
  private final double[] theta;
  /** a_kd and b_k = log π_k + Σ_d log(1−θ_kd), shared with the other mixture-shaped models. */
  private final ProductBernoulliKernel kernel;
  /** "0".."K-1", built once so the per-event latent readout allocates no strings. */
  private final String[] stateNames;

  private BernoulliMixture(int components, int dimension, double[] weights, double[] theta) {
    this.components = components;
    this.dimension = dimension;
    this.weights = weights;
    this.theta = theta;
    double[][] bitLogOdds = new double[dimension][components];
    double[] bias = new double[components];
    for (int k = 0; k < components; k++) {
      double b = Math.log(weights[k]);
      for (int d = 0; d < dimension; d++) {
        double t = theta[k * dimension + d];
        b += Math.log1p(-t);
        bitLogOdds[d][k] = Math.log(t) - Math.log1p(-t);
      }
      bias[k] = b;
    }
    this.kernel = new ProductBernoulliKernel(bitLogOdds, bias);
    this.stateNames = new String[components];
    for (int k = 0; k < components; k++) stateNames[k] = Integer.toString(k);
  }

  /**
   * Builds a mixture from its parameters, copying them.
   *
   * @param weights π, K positive finite values summing to 1 (within 1e-6)
   * @param theta θ as K rows of L values, each strictly inside (0, 1)
   * @throws IllegalArgumentException naming the first parameter that breaks a rule
   */
  public static BernoulliMixture of(double[] weights, double[][] theta) {
    int components = weights.length;
    if (components == 0) {
      throw new IllegalArgumentException("weights must hold at least one component, got 0");
    }
    if (theta.length != components) {
      throw new IllegalArgumentException(
          "theta must have one row per component (" + components + "), got " + theta.length);
    }
    int dimension = theta[0].length;
    double[] flat = new double[components * dimension];
    for (int k = 0; k < components; k++) {
      if (theta[k].length != dimension) {
        throw new IllegalArgumentException(
            "theta[" + k + "] has " + theta[k].length + " values, expected " + dimension);
      }
      System.arraycopy(theta[k], 0, flat, k * dimension, dimension);
    }
    return ofFlat(components, dimension, weights.clone(), flat);
  }

  /** As {@link #of}, from θ flattened component-major; takes ownership of both arrays. */
  static BernoulliMixture ofFlat(int components, int dimension, double[] weights, double[] theta) {
    if (dimension <= 0) {
      throw new IllegalArgumentException("dimension must be > 0, got " + dimension);
    }
    double sum = 0;
    for (int k = 0; k < components; k++) {
      double w = weights[k];
      if (!(w > 0) || !Double.isFinite(w)) {
        throw new IllegalArgumentException("weights[" + k + "] must be a finite value > 0, got " + w);
      }
      sum += w;
    }
    if (Math.abs(sum - 1.0) > 1e-6) {
      throw new IllegalArgumentException("weights must sum to 1, got " + sum);
    }
    for (int i = 0; i < theta.length; i++) {
      double t = theta[i];
      if (!(t > 0 && t < 1)) {
        throw new IllegalArgumentException(
            "theta[" + i / dimension + "][" + i % dimension + "] must be inside (0, 1), got " + t);
      }
    }
    return new BernoulliMixture(components, dimension, weights, theta);
  }

  @Override
  public String kind() {
    return KIND;
  }

  @Override
  public int dimension() {
    return dimension;
  }

  public int components() {
    return components;
  }

  public double[] weights() {
    return weights.clone();
  }

  /** θ flattened component-major, a copy. */
  public double[] thetaFlat() {
    return theta.clone();
  }

  public double theta(int component, int bit) {
    return theta[component * dimension + bit];
  }

  @Override
  public double logLikelihood(BitVector x) {
    double[] joint = new double[components];
    return logJoint(x, joint);
  }

  /** The most probable component k (its index, "0".."K-1") and p(k|x). */
  @Override
  public LatentSummary latent(BitVector x) {
    return score(x).latent();
  }

  /** log p(x) and the latent readout from one pass of the kernel. */
  @Override
  public Scored score(BitVector x) {
    double[] joint = new double[components];
    double logP = logJoint(x, joint);
    int best = ProductBernoulliKernel.argMax(joint);
    return new Scored(logP, new LatentSummary(
        stateNames[best], ProductBernoulliKernel.posterior(joint, best, logP)));
  }

  /** Fills joint[k] = log π_k p(x|k) and returns log p(x) = log Σ_k exp(joint[k]). */
  private double logJoint(BitVector x, double[] joint) {
    return kernel.logJoint(x, joint);
  }

  /**
   * Ranks the bits by log-probability of their observed values under the posterior-weighted
   * parameters θ̄_d = Σ_k p(k|x) θ_kd: the bits no plausible component explains come first.
   */
  @Override
  public List<FeatureContribution> explain(BitVector x, int count) {
    double[] posterior = new double[components];
    double logP = logJoint(x, posterior);
    for (int k = 0; k < components; k++) posterior[k] = Math.exp(posterior[k] - logP);
    List<FeatureContribution> all = new ArrayList<>(dimension);
    for (int d = 0; d < dimension; d++) {
      double mean = 0;
      for (int k = 0; k < components; k++) mean += posterior[k] * theta[k * dimension + d];
      boolean set = x.get(d);
      all.add(new FeatureContribution(d, set ? 1 : 0, set ? Math.log(mean) : Math.log1p(-mean)));
    }
    all.sort(Comparator.comparingDouble(FeatureContribution::logProb));
    return List.copyOf(all.subList(0, Math.min(count, dimension)));
  }

  @Override
  public BitVector sample(RandomGenerator random) {
    double u = random.nextDouble();
    int component = components - 1;
    for (int k = 0; k < components; k++) {
      u -= weights[k];
      if (u < 0) {
        component = k;
        break;
      }
    }
    int[] bits = new int[dimension];
    for (int d = 0; d < dimension; d++) {
      bits[d] = random.nextDouble() < theta[component * dimension + d] ? 1 : 0;
    }
    return BitVector.ofDense(bits);
  }

  @Override
  public String toString() {
    return "BernoulliMixture{K=" + components + ", L=" + dimension + "}";
  }
}
