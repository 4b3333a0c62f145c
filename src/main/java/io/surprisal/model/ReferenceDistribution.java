package io.surprisal.model;

import java.util.Arrays;

/**
 * How one model's log-likelihoods spread over a holdout it was not fitted on: ascending values
 * (all of them, or evenly spaced order statistics) and the fitted tail below the smallest. It turns
 * a log-likelihood into a p-value, the share of such traffic at or below it, which puts models of
 * different scales on one footing ({@link EnsembleModel}).
 *
 * @param quantiles ascending, finite
 * @param lowerTail the fitted tail below quantiles[0], or {@link LowerTail#NONE}
 */
public record ReferenceDistribution(double[] quantiles, LowerTail lowerTail) {
  /** The most values a reference keeps: as many as a calibration stores. */
  public static final int MAX_QUANTILES = 2048;

  public ReferenceDistribution {
    if (quantiles.length == 0 || quantiles.length > MAX_QUANTILES) {
      throw new IllegalArgumentException(
          "reference quantiles must hold 1.." + MAX_QUANTILES + " values, got " + quantiles.length);
    }
    quantiles = quantiles.clone();
    Arrays2.requireFiniteAscending("reference quantiles", quantiles);
    if (lowerTail == null) throw new IllegalArgumentException("lowerTail must be given (not null)");
  }

  /**
   * log of the conformal p-value (values at or below plus one, over n + 1), in [log 1/(n+1), 0];
   * below the smallest value the fitted tail's rate where it is smaller. A tail that reaches 0 (or
   * a log-likelihood of −∞) gives the smallest positive double's log, so a sum of these stays
   * finite and ordered; NaN gives that too: fail closed.
   */
  public double logPValue(double logLikelihood) {
    int n = quantiles.length;
    double floor = Math.log(Double.MIN_VALUE);
    if (Double.isNaN(logLikelihood)) return floor;
    if (logLikelihood < quantiles[0]) {
      double rate = Math.min(lowerTail.rateBelow(logLikelihood), 1.0 / (n + 1));
      if (lowerTail.isEmpty()) rate = 1.0 / (n + 1);
      return rate > 0 ? Math.max(floor, Math.log(rate)) : floor;
    }
    int low = 0;
    int high = n;
    while (low < high) {
      int mid = (low + high) >>> 1;
      if (quantiles[mid] <= logLikelihood) low = mid + 1; else high = mid;
    }
    return Math.log((low + 1.0) / (n + 1.0));
  }

  @Override
  public double[] quantiles() {
    return quantiles.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ReferenceDistribution r
        && Arrays.equals(quantiles, r.quantiles) && lowerTail.equals(r.lowerTail);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(quantiles);
  }

  @Override
  public String toString() {
    return "ReferenceDistribution{" + quantiles.length + " values from " + quantiles[0] + "}";
  }
}
