package io.surprisal.model;

import io.surprisal.event.BitVector;
import java.util.random.RandomGenerator;

/**
 * S codes z_s drawn from a {@link BinaryLatentModel}'s proposal q(z|x) for one event, with their log
 * importance weights log w_s = log p(z_s) + log p(x|z_s) − log q(z_s|x). Plain Java: S decoder
 * passes cost S·(K·H + H·L) multiply-adds, far below one ND4J call per sample.
 */
final class ImportanceSamples {
  private final double[] logWeights;
  /** The estimate over the first estimate.samples() log weights: all unless stopped early. */
  private final ImportanceEstimate estimate;
  /** The decoder's log-odds per sample (S·L, sample-major), or null when not kept. */
  private final double[] logits;
  /** The drawn code with the highest joint log p(x, z), as K bits, and that joint. */
  private final String bestCode;
  private final double bestLogJoint;

  private ImportanceSamples(
      double[] logWeights, ImportanceEstimate estimate, double[] logits, String bestCode,
      double bestLogJoint) {
    this.logWeights = logWeights;
    this.estimate = estimate;
    this.logits = logits;
    this.bestCode = bestCode;
    this.bestLogJoint = bestLogJoint;
  }

  /** S draws, with the decoder's outputs kept when {@code keepLogits} (for explanations). */
  static ImportanceSamples draw(
      BinaryLatentModel model, BitVector x, int samples, RandomGenerator random, boolean keepLogits) {
    return draw(model, x, samples, random, keepLogits, Double.NaN);
  }

  /**
   * Draws in rounds up to S until the estimate is clear of the boundary ({@link
   * AdaptiveSampling}); a NaN boundary draws all S.
   */
  static ImportanceSamples drawUntilClear(
      BinaryLatentModel model, BitVector x, int samples, RandomGenerator random, double boundary) {
    return draw(model, x, samples, random, false, boundary);
  }

  private static ImportanceSamples draw(BinaryLatentModel model, BitVector x, int samples,
      RandomGenerator random, boolean keepLogits, double boundary) {
    if (samples < 1) throw new IllegalArgumentException("samples must be >= 1, got " + samples);
    Drawer drawer = new Drawer(model, x, random, keepLogits ? new double[samples * model.dimension()]
        : null);
    double[] logWeights = new double[samples];
    ImportanceEstimate estimate = AdaptiveSampling.estimate(drawer::next, logWeights, boundary);
    char[] code = new char[model.latent()];
    java.util.Arrays.fill(code, '0');
    for (int j : drawer.bestActive) code[j] = '1';
    return new ImportanceSamples(
        logWeights, estimate, drawer.kept, new String(code), drawer.bestLogJoint);
  }

  /** One event's proposal and scratch space: draws one code and its log weight at a time. */
  private static final class Drawer {
    private final BinaryLatentModel model;
    private final BitVector x;
    private final RandomGenerator random;
    private final double[] kept;
    /**
     * q(z_j = 1|x), log q(z_j = 1|x) and log q(z_j = 0|x) per latent bit: one event's S draws share
     * its proposal, so its 3·K transcendental calls are made once here rather than in every draw
     * (at L = 39 they were half of a draw's).
     */
    private final double[] onProbability;
    private final double[] logQOn;
    private final double[] logQOff;
    private final double[] out;
    private final double[] softplusTerms;
    private final double[] scratch;
    private final int[] active;
    private int drawn;
    private int[] bestActive = new int[0];
    private double bestLogJoint = Double.NEGATIVE_INFINITY;

    Drawer(BinaryLatentModel model, BitVector x, RandomGenerator random, double[] kept) {
      this.model = model;
      this.x = x;
      this.random = random;
      this.kept = kept;
      BinaryInputMlp encoder = model.encoder();
      int latent = model.latent();
      double[] proposal = new double[latent];
      encoder.forward(
          x.activeIndices(), x.activeCount(), new double[Math.max(encoder.hidden(), 1)], proposal);
      onProbability = new double[latent];
      logQOn = new double[latent];
      logQOff = new double[latent];
      for (int j = 0; j < latent; j++) {
        onProbability[j] = Logistic.sigmoid(proposal[j]);
        logQOn[j] = -Logistic.softplus(-proposal[j]);
        logQOff[j] = -Logistic.softplus(proposal[j]);
      }
      out = new double[model.dimension()];
      softplusTerms = new double[model.dimension()];
      scratch = new double[model.decoder().hidden()];
      active = new int[latent];
    }

    double next() {
      int latent = onProbability.length;
      int dimension = out.length;
      int count = 0;
      double logQ = 0;
      for (int j = 0; j < latent; j++) {
        if (random.nextDouble() < onProbability[j]) {
          active[count++] = j;
          logQ += logQOn[j];
        } else {
          logQ += logQOff[j];
        }
      }
      model.decoder().forward(active, count, scratch, out);
      double logJoint = model.logPrior(active, count);
      logJoint -= Logistic.sumSoftplus(out, dimension, softplusTerms);
      for (int i = 0, n = x.activeCount(); i < n; i++) logJoint += out[x.activeIndex(i)];
      if (logJoint > bestLogJoint) {
        bestLogJoint = logJoint;
        bestActive = java.util.Arrays.copyOf(active, count);
      }
      if (kept != null) System.arraycopy(out, 0, kept, drawn * dimension, dimension);
      drawn++;
      return logJoint - logQ;
    }
  }

  /**
   * The latent readout from the draws: the drawn code with the highest joint p(x, z), the sampled
   * stand-in for the most probable code, with p(z|x) estimated as p(x, z) / p̂(x) (at most 1).
   */
  LatentSummary readout(double logLikelihood) {
    return new LatentSummary(bestCode, Math.min(1, Math.exp(bestLogJoint - logLikelihood)));
  }

  /** log of the mean weight, with its standard error: see {@link ImportanceEstimate#of}. */
  ImportanceEstimate estimate() {
    return estimate;
  }

  /** Adds Σ_s w̃_s σ(a_sd) to meanOn and Σ_s w̃_s σ(−a_sd) to meanOff, w̃ the normalized weights. */
  void accumulateDecoderMeans(double[] meanOn, double[] meanOff) {
    if (logits == null) throw new IllegalStateException("decoder outputs were not kept");
    double logTotal = ProductBernoulliKernel.logSumExp(logWeights);
    int dimension = meanOn.length;
    for (int s = 0; s < logWeights.length; s++) {
      double w = Math.exp(logWeights[s] - logTotal);
      for (int d = 0; d < dimension; d++) {
        double a = logits[s * dimension + d];
        meanOn[d] += w * Logistic.sigmoid(a);
        meanOff[d] += w * Logistic.sigmoid(-a);
      }
    }
  }
}
