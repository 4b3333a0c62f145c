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

  private ImportanceSamples(double[] logWeights, double[] logits) {
    this.logWeights = logWeights;
    this.logits = logits;
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
    for (int s = 0; s < samples; s++) {
      int count = 0;
      double logQ = 0;
      for (int j = 0; j < latent; j++) {
        double l = proposal[j];
        if (random.nextDouble() < BinaryLatentModel.sigmoid(l)) {
          active[count++] = j;
          logQ -= BinaryLatentModel.softplus(-l);
        } else {
          logQ -= BinaryLatentModel.softplus(l);
        }
      }
      decoder.forward(active, count, scratch, out);
      double logJoint = model.logPrior(active, count);
      for (int d = 0; d < dimension; d++) logJoint -= BinaryLatentModel.softplus(out[d]);
      for (int i = 0, n = x.activeCount(); i < n; i++) logJoint += out[x.activeIndex(i)];
      logWeights[s] = logJoint - logQ;
      if (kept != null) System.arraycopy(out, 0, kept, s * dimension, dimension);
    }
    return new ImportanceSamples(logWeights, kept);
  }

  /**
   * log of the mean weight, and its delta-method standard error sd(w)/(√S·w̄) (computed on weights
   * scaled by their maximum, which cancels); NaN for S = 1, where the spread is unknown.
   */
  BinaryLatentModel.Estimate estimate() {
    int samples = logWeights.length;
    double max = Double.NEGATIVE_INFINITY;
    for (double v : logWeights) max = Math.max(max, v);
    double sum = 0;
    double sumSquares = 0;
    for (double v : logWeights) {
      double w = Math.exp(v - max);
      sum += w;
      sumSquares += w * w;
    }
    double mean = sum / samples;
    double standardError = Double.NaN;
    if (samples > 1) {
      double variance = Math.max(0, (sumSquares - samples * mean * mean) / (samples - 1));
      standardError = Math.sqrt(variance / samples) / mean;
    }
    return new BinaryLatentModel.Estimate(max + Math.log(mean), standardError, samples);
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
        meanOn[d] += w * BinaryLatentModel.sigmoid(a);
        meanOff[d] += w * BinaryLatentModel.sigmoid(-a);
      }
    }
  }
}
