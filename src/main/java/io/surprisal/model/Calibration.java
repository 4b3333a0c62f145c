package io.surprisal.model;

import java.util.Arrays;

/**
 * A model's alert threshold and the holdout log-likelihoods it came from (split-conformal: on
 * traffic like the holdout, P(log p(x) &lt; threshold) ≤ targetAlertRate).
 *
 * @param threshold alert when log p(x) is strictly below this (nats, finite)
 * @param targetAlertRate q, the alert rate the threshold was set for
 * @param holdoutSize how many holdout events the threshold was computed from
 * @param holdoutQuantiles ascending log-likelihoods spanning the holdout (all of it, or evenly
 *     spaced order statistics of it when it is large), used to report percentiles
 */
public record Calibration(
    double threshold, double targetAlertRate, int holdoutSize, double[] holdoutQuantiles) {

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
    for (int i = 0; i < holdoutQuantiles.length; i++) {
      double v = holdoutQuantiles[i];
      if (!Double.isFinite(v) || (i > 0 && v < holdoutQuantiles[i - 1])) {
        throw new IllegalArgumentException(
            "holdoutQuantiles must be finite and ascending, got " + v + " at " + i);
      }
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
   * NaN gives 0, as −∞ does: fail closed, like {@link #isAlert}.
   */
  public double percentile(double logLikelihood) {
    if (Double.isNaN(logLikelihood)) return 0;
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
    int low = 0;
    int high = holdoutQuantiles.length;
    while (low < high) {
      int mid = (low + high) >>> 1;
      double v = holdoutQuantiles[mid];
      if (v < logLikelihood || (inclusive && v == logLikelihood)) low = mid + 1; else high = mid;
    }
    return low;
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
        && Arrays.equals(holdoutQuantiles, c.holdoutQuantiles);
  }

  @Override
  public int hashCode() {
    return Double.hashCode(threshold) * 31 + Arrays.hashCode(holdoutQuantiles);
  }

  @Override
  public String toString() {
    return "Calibration{threshold=" + threshold + ", q=" + targetAlertRate + ", holdout="
        + holdoutSize + "}";
  }
}
