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

  /** The estimate from log weights, computed on weights scaled by their maximum (which cancels). */
  static ImportanceEstimate of(double[] logWeights) {
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
    return new ImportanceEstimate(max + Math.log(mean), standardError, samples);
  }
}
