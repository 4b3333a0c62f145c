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
  /** The decoder's log-odds per sample (S·L, sample-major), or null when not kept. */
  private final double[] logits;
  /** The drawn code with the highest joint log p(x, z), as K bits, and that joint. */
  private final String bestCode;
  private final double bestLogJoint;

  private ImportanceSamples(
      double[] logWeights, double[] logits, String bestCode, double bestLogJoint) {
    this.logWeights = logWeights;
    this.logits = logits;
    this.bestCode = bestCode;
    this.bestLogJoint = bestLogJoint;
  }

  static ImportanceSamples draw(
      BinaryLatentModel model, BitVector x, int samples, RandomGenerator random, boolean keepLogits) {
    if (samples < 1) throw new IllegalArgumentException("samples must be >= 1, got " + samples);
    BinaryInputMlp encoder = model.encoder();
    BinaryInputMlp decoder = model.decoder();
    int latent = model.latent();
    int dimension = model.dimension();
    double[] proposal = new double[latent];
    encoder.forward(
        x.activeIndices(), x.activeCount(), new double[Math.max(encoder.hidden(), 1)], proposal);

    double[] logWeights = new double[samples];
    double[] kept = keepLogits ? new double[samples * dimension] : null;
    double[] out = new double[dimension];
    double[] scratch = new double[decoder.hidden()];
    int[] active = new int[latent];
    int[] bestActive = new int[0];
    double bestLogJoint = Double.NEGATIVE_INFINITY;
    for (int s = 0; s < samples; s++) {
      int count = 0;
      double logQ = 0;
      for (int j = 0; j < latent; j++) {
        double l = proposal[j];
        if (random.nextDouble() < Logistic.sigmoid(l)) {
          active[count++] = j;
          logQ -= Logistic.softplus(-l);
        } else {
          logQ -= Logistic.softplus(l);
        }
      }
      decoder.forward(active, count, scratch, out);
      double logJoint = model.logPrior(active, count);
      logJoint -= Logistic.sumSoftplus(out, dimension);
      for (int i = 0, n = x.activeCount(); i < n; i++) logJoint += out[x.activeIndex(i)];
      logWeights[s] = logJoint - logQ;
      if (logJoint > bestLogJoint) {
        bestLogJoint = logJoint;
        bestActive = java.util.Arrays.copyOf(active, count);
      }
      if (kept != null) System.arraycopy(out, 0, kept, s * dimension, dimension);
    }
    char[] code = new char[latent];
    java.util.Arrays.fill(code, '0');
    for (int j : bestActive) code[j] = '1';
    return new ImportanceSamples(logWeights, kept, new String(code), bestLogJoint);
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
    return ImportanceEstimate.of(logWeights);
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
