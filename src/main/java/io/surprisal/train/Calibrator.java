package io.surprisal.train;

import io.surprisal.model.Calibration;
import java.util.Arrays;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sets a model's alert threshold by split conformal prediction on a holdout slice the model was not
 * fitted on: with n holdout log-likelihoods sorted ascending and k = ⌊q·(n+1)⌋, the threshold is
 * the k-th smallest, so an exchangeable normal event falls below it with probability at most q.
 *
 * <p>The training window is recent traffic and so already holds some anomalies. Left in, they sit
 * at the very bottom of the holdout and, whenever their share exceeds q, the threshold lands among
 * them and most anomalies go unflagged. Holdout values below median − fence·σ̂ (σ̂ = 1.4826·MAD, a
 * robust spread) are therefore treated as contamination and left out; on a clean holdout with a
 * fence of 6 this removes almost nothing. A fence of 0 keeps every value.
 */
public final class Calibrator {
  private static final Logger log = LoggerFactory.getLogger(Calibrator.class);
  /** Percentiles are reported against at most this many holdout order statistics. */
  static final int MAX_STORED_QUANTILES = 2048;

  private final double targetAlertRate;
  private final double outlierFence;

  /**
   * @param targetAlertRate q, inside (0, 1)
   * @param outlierFence robust standard deviations below the median beyond which holdout values are
   *     treated as contamination; 0 disables trimming
   */
  public Calibrator(double targetAlertRate, double outlierFence) {
    if (!(targetAlertRate > 0 && targetAlertRate < 1)) {
      throw new IllegalArgumentException(
          "alert rate must be inside (0, 1), got " + targetAlertRate);
    }
    if (!(outlierFence >= 0) || Double.isInfinite(outlierFence)) {
      throw new IllegalArgumentException("outlier fence must be >= 0, got " + outlierFence);
    }
    this.targetAlertRate = targetAlertRate;
    this.outlierFence = outlierFence;
  }

  /** @param holdoutLogLikelihoods log p(x) of each holdout event under the model, any order */
  public Calibration calibrate(double[] holdoutLogLikelihoods) {
    double[] sorted = holdoutLogLikelihoods.clone();
    Arrays.sort(sorted);
    if (sorted.length == 0 || !Double.isFinite(sorted[0]) || !Double.isFinite(sorted[sorted.length - 1])) {
      throw new IllegalArgumentException("holdout log-likelihoods must be finite and non-empty");
    }
    double[] kept = trimContamination(sorted);
    int n = kept.length;
    int k = (int) Math.floor(targetAlertRate * (n + 1));
    if (k < 1) {
      log.warn(
          "Holdout of {} events is too small for alert rate {}: alerting below its minimum, "
              + "which flags up to 1/{} of normal traffic",
          n, targetAlertRate, n + 1);
      k = 1;
    }
    return new Calibration(kept[k - 1], targetAlertRate, n, evenlySpaced(kept));
  }

  /** Mean of the holdout values the calibration keeps: the model's typical normal log-likelihood. */
  public double keptMean(double[] holdoutLogLikelihoods) {
    double[] sorted = holdoutLogLikelihoods.clone();
    Arrays.sort(sorted);
    return Arrays.stream(trimContamination(sorted)).average().orElseThrow();
  }

  private double[] trimContamination(double[] sorted) {
    if (outlierFence == 0) return sorted;
    double median = median(sorted);
    double[] deviations = new double[sorted.length];
    for (int i = 0; i < sorted.length; i++) deviations[i] = Math.abs(sorted[i] - median);
    Arrays.sort(deviations);
    double spread = 1.4826 * median(deviations);
    if (spread == 0) return sorted;
    double fence = median - outlierFence * spread;
    int first = 0;
    while (first < sorted.length && sorted[first] < fence) first++;
    if (first > 0) {
      log.info(
          "Calibration left out {} of {} holdout events below {} nats as contamination",
          first, sorted.length, String.format("%.2f", fence));
    }
    return Arrays.copyOfRange(sorted, first, sorted.length);
  }

  private static double median(double[] sorted) {
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : 0.5 * (sorted[n / 2 - 1] + sorted[n / 2]);
  }

  private static double[] evenlySpaced(double[] sorted) {
    if (sorted.length <= MAX_STORED_QUANTILES) return sorted;
    double[] picked = new double[MAX_STORED_QUANTILES];
    double step = (sorted.length - 1) / (double) (MAX_STORED_QUANTILES - 1);
    for (int i = 0; i < MAX_STORED_QUANTILES; i++) {
      picked[i] = sorted[(int) Math.round(i * step)];
    }
    return picked;
  }
}
