package io.surprisal.model;

import java.util.Arrays;

/**
 * How one model's log-likelihoods spread over a holdout it was not fitted on: ascending values
 * (all of them, or above {@link #MAX_QUANTILES} evenly spaced order statistics) and the fitted
 * tail below the smallest. It turns
 * a log-likelihood into a p-value, the share of such traffic at or below it, which puts models of
 * different scales on one footing ({@link EnsembleModel}).
 *
 * @param quantiles ascending, finite
 * @param lowerTail the fitted tail below quantiles[0], or {@link LowerTail#NONE}
 */
public record ReferenceDistribution(double[] quantiles, LowerTail lowerTail) {
  /**
   * The most values a reference keeps: a holdout up to this size is kept whole (the default
   * window's holdout is 10,000), so p-values move in steps of 1/n all the way down to where the
   * tail takes over at 1/(n+1). Kept to evenly spaced order statistics instead, they moved in
   * steps of 1/2048 at the bottom, and the holdout's own leave-one-out p-values no longer matched
   * a new event's (DetectorIntegrationTest's recall fell to 0.54). Two references of this size
   * take 256 KiB of a model record.
   */
  public static final int MAX_QUANTILES = 16_384;
  /** The log of the smallest positive double: the lowest log p-value given. */
  private static final double LOG_FLOOR = Math.log(Double.MIN_VALUE);

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
    if (Double.isNaN(logLikelihood)) return LOG_FLOOR;
    if (logLikelihood < quantiles[0]) {
      double rate = Math.min(lowerTail.rateBelow(logLikelihood), 1.0 / (n + 1));
      if (lowerTail.isEmpty()) rate = 1.0 / (n + 1);
      return rate > 0 ? Math.max(LOG_FLOOR, Math.log(rate)) : LOG_FLOOR;
    }
    return Math.log((atOrBelow(logLikelihood) + 1.0) / (n + 1.0));
  }

  /**
   * The p-value of a value that is itself one of the reference's, against the others: values at
   * or below it other than itself plus one, over n. A holdout event's own p-value must leave it
   * out, or it sits a rank higher than a new event at the same value would (at the lowest ranks
   * twice the p-value), the holdout's combined scores come out less surprising than new traffic's,
   * and a threshold calibrated on them alerts more often than q.
   */
  public double logPValueOfMember(double logLikelihood) {
    if (!(logLikelihood >= quantiles[0])) return logPValue(logLikelihood);
    return Math.log((double) atOrBelow(logLikelihood) / quantiles.length);
  }

  /**
   * The inverse of {@link #logPValue}: the lowest value whose log p-value is at least the given
   * one, so that a value is below it exactly when its log p-value is below the given one (in the
   * fitted tail up to rounding). −∞ when every value's log p-value reaches it (at or below the
   * floor, or at or below log 1/(n+1) with no tail), +∞ when none does (above 0). What a combined
   * score's threshold asks of one member, given the others' log p-values ({@link
   * EnsembleModel#score(io.surprisal.event.BitVector, double)}).
   */
  public double inverseLogPValue(double logPValue) {
    if (Double.isNaN(logPValue)) {
      throw new IllegalArgumentException("logPValue must be a number, got NaN");
    }
    if (logPValue <= LOG_FLOOR) return Double.NEGATIVE_INFINITY;
    if (logPValue > 0) return Double.POSITIVE_INFINITY;
    int n = quantiles.length;
    if (logPValue <= Math.log(1.0 / (n + 1))) {
      // Below the smallest value the tail's rate, capped at 1/(n+1); at it already 2/(n+1).
      if (lowerTail.isEmpty()) return Double.NEGATIVE_INFINITY;
      return Math.min(lowerTail.logLikelihoodAtLogRate(logPValue), quantiles[0]);
    }
    // From the smallest value on, log((k+1)/(n+1)) with k values at or below: the least k that
    // reaches it, checked with the very expression logPValue uses; k values are at or below
    // quantiles[k-1] and fewer below it, ties included.
    int k = (int) Math.max(1, Math.min(n, Math.ceil(Math.exp(logPValue) * (n + 1.0) - 1)));
    while (k > 1 && Math.log(k / (n + 1.0)) >= logPValue) k--;
    while (k < n && Math.log((k + 1.0) / (n + 1.0)) < logPValue) k++;
    return quantiles[k - 1];
  }

  private int atOrBelow(double logLikelihood) {
    return Arrays2.countBelow(quantiles, logLikelihood, true);
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
