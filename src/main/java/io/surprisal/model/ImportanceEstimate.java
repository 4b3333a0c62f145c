package io.surprisal.model;

/**
 * An importance-sampling estimate of log p(x): log (1/S) Σ_s w_s, with the delta method's standard
 * error sd(w)/(√S·w̄) (NaN for S = 1, where the spread is unknown).
 *
 * @param logLikelihood the estimate in nats
 * @param standardError its standard error in nats
 * @param samples S
 */
public record ImportanceEstimate(double logLikelihood, double standardError, int samples) {
  /**
   * The most importance samples a model may draw per score (its scoringSamples, S). A score costs
   * S decoder passes and holds S log weights, and S comes from the model record, so it is bounded
   * where the record is read: 4096 is 64 times the binary-latent default and 256 times the VAE's,
   * where 2^31 − 1 would ask 16 GB for every score.
   */
  public static final int MAX_SCORING_SAMPLES = 4096;

  /** @throws IllegalArgumentException unless scoringSamples is in 1..{@value #MAX_SCORING_SAMPLES} */
  public static void requireScoringSamples(int scoringSamples) {
    if (scoringSamples < 1 || scoringSamples > MAX_SCORING_SAMPLES) {
      throw new IllegalArgumentException(
          "scoringSamples must be in 1.." + MAX_SCORING_SAMPLES + ", got " + scoringSamples);
    }
  }

  /** The estimate from log weights, computed on weights scaled by their maximum (which cancels). */
  static ImportanceEstimate of(double[] logWeights) {
    return of(logWeights, logWeights.length);
  }

  /** The estimate from the first {@code samples} log weights (at least 1). */
  static ImportanceEstimate of(double[] logWeights, int samples) {
    double max = Double.NEGATIVE_INFINITY;
    for (int s = 0; s < samples; s++) max = Math.max(max, logWeights[s]);
    double sum = 0;
    double sumSquares = 0;
    for (int s = 0; s < samples; s++) {
      double w = Math.exp(logWeights[s] - max);
      sum += w;
      sumSquares += w * w;
    }
    double mean = sum / samples;
    double standardError = Double.NaN;
    if (samples > 1) {
      double variance = Math.max(0, (sumSquares - samples * mean * mean) / (samples - 1));
      standardError = Math.sqrt(variance / samples) / mean;
    }
    return new ImportanceEstimate(max + Math.log(mean), standardError, samples);
  }
}
