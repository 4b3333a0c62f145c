package io.surprisal.model;

import java.util.Arrays;

/**
 * A model's alert threshold, how it was set, and the holdout log-likelihoods it came from. On
 * traffic like the holdout, P(log p(x) &lt; threshold) is at most targetAlertRate for a
 * {@link ThresholdMethod#CONFORMAL} threshold (split-conformal, exact), about it for a
 * {@link ThresholdMethod#TAIL_FIT}, and about 1/(holdoutSize+1) for the
 * {@link ThresholdMethod#HOLDOUT_MINIMUM}.
 *
 * @param threshold alert when log p(x) is strictly below this (nats, finite)
 * @param targetAlertRate q, the alert rate the threshold was set for
 * @param holdoutSize how many holdout events the threshold was computed from
 * @param holdoutQuantiles ascending log-likelihoods spanning the holdout (all of it, or evenly
 *     spaced order statistics of it when it is large), used to report percentiles
 * @param method how the threshold was set
 * @param alertRate a central 90% interval for the alert rate the threshold realizes on traffic like
 *     the holdout, or {@link RateInterval#UNKNOWN} (models calibrated before it was recorded)
 * @param lowerTail the fitted tail below the holdout's smallest value, for percentiles there;
 *     {@link LowerTail#NONE} when none was fitted
 */
public record Calibration(
    double threshold,
    double targetAlertRate,
    int holdoutSize,
    double[] holdoutQuantiles,
    ThresholdMethod method,
    RateInterval alertRate,
    LowerTail lowerTail) {

  /** A conformal calibration with no recorded uncertainty or tail: what format-1 records hold. */
  public Calibration(
      double threshold, double targetAlertRate, int holdoutSize, double[] holdoutQuantiles) {
    this(threshold, targetAlertRate, holdoutSize, holdoutQuantiles, ThresholdMethod.CONFORMAL,
        RateInterval.UNKNOWN, LowerTail.NONE);
  }

  public Calibration {
    // +∞ would alert on every event and −∞ on none: neither came from a holdout.
    if (!Double.isFinite(threshold)) {
      throw new IllegalArgumentException("threshold must be finite, got " + threshold);
    }
    if (!(targetAlertRate > 0 && targetAlertRate < 1)) {
      throw new IllegalArgumentException(
          "targetAlertRate must be inside (0, 1), got " + targetAlertRate);
    }
    if (holdoutSize < 1) {
      throw new IllegalArgumentException("holdoutSize must be >= 1, got " + holdoutSize);
    }
    if (holdoutQuantiles.length == 0 || holdoutSize < holdoutQuantiles.length) {
      throw new IllegalArgumentException(
          "holdoutQuantiles must hold 1.." + holdoutSize + " values, got " + holdoutQuantiles.length);
    }
    holdoutQuantiles = holdoutQuantiles.clone();
    Arrays2.requireFiniteAscending("holdoutQuantiles", holdoutQuantiles);
    if (method == null || alertRate == null || lowerTail == null) {
      throw new IllegalArgumentException("method, alertRate and lowerTail must be given (not null)");
    }
  }

  /**
   * Whether to alert: log p(x) below the threshold, or not a number. A model that cannot say how
   * probable an event is has not shown it normal, so the event is alerted (fail closed) rather than
   * passed silently.
   */
  public boolean isAlert(double logLikelihood) {
    return !(logLikelihood >= threshold);
  }

  /**
   * The share of the holdout at or below this log-likelihood, in [0, 1]; small means improbable.
   * Below the holdout's smallest value it is the fitted lower tail's share of traffic (at most the
   * share at that value), so that it still reads as a p-value there; 0 without a fitted tail. NaN
   * gives 0, as −∞ does: fail closed, like {@link #isAlert}.
   */
  public double percentile(double logLikelihood) {
    if (Double.isNaN(logLikelihood)) return 0;
    if (logLikelihood < holdoutQuantiles[0]) {
      return Math.min(lowerTail.rateBelow(logLikelihood), 1.0 / holdoutQuantiles.length);
    }
    int position = Arrays.binarySearch(holdoutQuantiles, logLikelihood);
    int atOrBelow;
    if (position >= 0) {
      // Ties: count every equal value.
      atOrBelow = position + 1;
      while (atOrBelow < holdoutQuantiles.length && holdoutQuantiles[atOrBelow] == logLikelihood) {
        atOrBelow++;
      }
    } else {
      atOrBelow = -position - 1;
    }
    return (double) atOrBelow / holdoutQuantiles.length;
  }

  /**
   * The randomized probability-integral transform of a log-likelihood against the holdout: exactly
   * uniform on (0, 1) when the event is exchangeable with the holdout, ties included (they are broken
   * by {@code uniform}). Change detectors need that exactness; {@link #percentile} is for people.
   *
   * @param uniform a draw from U(0, 1) that breaks ties
   */
  public double probabilityIntegralTransform(double logLikelihood, double uniform) {
    int below = countBelow(logLikelihood, false);
    int atOrBelow = countBelow(logLikelihood, true);
    return (below + uniform * (atOrBelow - below + 1)) / (holdoutQuantiles.length + 1);
  }

  /** How many holdout values are below the log-likelihood (or at it too, when inclusive). */
  private int countBelow(double logLikelihood, boolean inclusive) {
    return Arrays2.countBelow(holdoutQuantiles, logLikelihood, inclusive);
  }

  @Override
  public double[] holdoutQuantiles() {
    return holdoutQuantiles.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Calibration c
        && Double.compare(threshold, c.threshold) == 0
        && Double.compare(targetAlertRate, c.targetAlertRate) == 0
        && holdoutSize == c.holdoutSize
        && Arrays.equals(holdoutQuantiles, c.holdoutQuantiles)
        && method == c.method
        && alertRate.equals(c.alertRate)
        && lowerTail.equals(c.lowerTail);
  }

  @Override
  public int hashCode() {
    return Double.hashCode(threshold) * 31 + Arrays.hashCode(holdoutQuantiles);
  }

  @Override
  public String toString() {
    return "Calibration{threshold=" + threshold + ", q=" + targetAlertRate + ", holdout="
        + holdoutSize + ", method=" + method.label() + ", alertRate=[" + alertRate.low() + ", "
        + alertRate.high() + "]}";
  }
}
