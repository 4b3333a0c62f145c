package io.surprisal.train;

import io.surprisal.model.Calibration;
import io.surprisal.model.LowerTail;
import io.surprisal.model.ReferenceDistribution;
import io.surprisal.model.ThresholdMethod;
import java.util.Arrays;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sets a model's alert threshold from the log-likelihoods of a holdout slice the model was not
 * fitted on, once far-out contamination is left out ({@link ContaminationFence}):
 *
 * <ul>
 *   <li>split conformal prediction where the holdout is large enough for q: with the n kept values
 *       sorted ascending and k = ⌊q·(n+1)⌋ &gt;= 1, the threshold is the k-th smallest, so an
 *       exchangeable normal event falls below it with probability at most q;
 *   <li>below that (n + 1 &lt; 1/q, where k would be 0 and the old answer, the holdout's minimum,
 *       alerts at 1/(n+1), e.g. 0.5% for 200 rows at q = 0.001), the lower tail is extrapolated
 *       ({@link LowerTailFit});
 *   <li>when no reliable tail fit exists, the minimum after all, and a warning that says why.
 * </ul>
 *
 * The calibration records which of these set the threshold and a 90% interval for the alert rate
 * it realizes. The tail fit, when the holdout allows one, also serves percentiles below the
 * holdout's smallest value.
 */
public final class Calibrator {
  private static final Logger log = LoggerFactory.getLogger(Calibrator.class);
  /** Percentiles are reported against at most this many holdout order statistics. */
  static final int MAX_STORED_QUANTILES = 2048;
  /** The default of surprisal.calibration.max-contamination. */
  public static final double DEFAULT_MAX_CONTAMINATION = 0.02;
  /** The largest surprisal.calibration.max-contamination. */
  public static final double MAX_CONTAMINATION = ContaminationFence.MAX_SHARE;
  /** The smallest holdout whose lower tail can be extrapolated. */
  public static final int TAIL_FIT_HOLDOUT = LowerTailFit.MIN_HOLDOUT;

  private final double targetAlertRate;
  private final ContaminationFence fence;

  /**
   * @param targetAlertRate q, inside (0, 1)
   * @param maxContamination the largest share of a holdout that may be left out as far-out
   *     contamination, in [0, 0.05]; 0 keeps every value
   */
  public Calibrator(double targetAlertRate, double maxContamination) {
    if (!(targetAlertRate > 0 && targetAlertRate < 1)) {
      throw new IllegalArgumentException(
          "alert rate must be inside (0, 1), got " + targetAlertRate);
    }
    this.targetAlertRate = targetAlertRate;
    this.fence = new ContaminationFence(maxContamination);
  }

  /**
   * The smallest holdout that can calibrate q without falling back to its minimum: one with a
   * conformal rank (n + 1 &gt;= 1/q) or, failing that, one a tail fit can use.
   */
  public static int minimumHoldout(double targetAlertRate) {
    int conformal =
        Math.max(1, (int) Math.min(Integer.MAX_VALUE, Math.ceil(1 / targetAlertRate)) - 1);
    // The same floor as calibrate's, so that a rounding of 1/q cannot disagree with it.
    while (Math.floor(targetAlertRate * (conformal + 1)) < 1) conformal++;
    while (conformal > 1 && Math.floor(targetAlertRate * conformal) >= 1) conformal--;
    return Math.min(TAIL_FIT_HOLDOUT, conformal);
  }

  /** @param holdoutLogLikelihoods log p(x) of each holdout event under the model, any order */
  public Calibration calibrate(double[] holdoutLogLikelihoods) {
    return calibrateKept(cleared(holdoutLogLikelihoods));
  }

  /**
   * The holdout log-likelihoods calibration keeps, ascending: far-out contamination left out. The
   * first is the smallest kept, below which an event counts as contamination; their mean is the
   * model's typical normal log-likelihood. One pass of the fence, for callers that need several
   * of these.
   */
  public double[] cleared(double[] holdoutLogLikelihoods) {
    return fence.trim(sortedFinite(holdoutLogLikelihoods));
  }

  /**
   * Calibrates on holdout scores that the caller has already cleared of contamination, without a
   * second fence: {@link #cleared} log-likelihoods, or the ensemble's combined scores once the
   * events whose log p(x) the fence leaves out are gone. Fenced again, the combined scores lost
   * clean events too (the fence is built for log-likelihoods): on Fashion-MNIST class 2 a further
   * 2% of the holdout, which put a q = 0.01 threshold at the 3% point of normal traffic.
   */
  public Calibration calibrateCleared(double[] holdoutScores) {
    return calibrateKept(sortedFinite(holdoutScores));
  }

  private Calibration calibrateKept(double[] kept) {
    int n = kept.length;
    int k = (int) Math.floor(targetAlertRate * (n + 1));
    LowerTailFit.Outcome tail = LowerTailFit.fit(kept);
    LowerTail lowerTail = tail.fitted() ? tail.fit().table() : LowerTail.NONE;
    double[] quantiles = evenlySpaced(kept);
    if (k >= 1) {
      return new Calibration(kept[k - 1], targetAlertRate, n, quantiles,
          ThresholdMethod.CONFORMAL, ConformalRate.interval(k, n), lowerTail);
    }
    if (tail.fitted()) {
      double threshold = tail.fit().logLikelihoodAtRate(targetAlertRate);
      return new Calibration(threshold, targetAlertRate, n, quantiles, ThresholdMethod.TAIL_FIT,
          tail.fit().rateInterval(threshold), lowerTail);
    }
    log.warn("Holdout of {} events is too small for alert rate {} and its tail cannot be"
            + " extrapolated ({}): alerting below its minimum, which flags about 1/{} of normal"
            + " traffic", n, targetAlertRate, tail.failure(), n + 1);
    return new Calibration(kept[0], targetAlertRate, n, quantiles,
        ThresholdMethod.HOLDOUT_MINIMUM, ConformalRate.interval(1, n), lowerTail);
  }

  /**
   * A model's holdout log-likelihoods as a reference for p-values, with the tail fitted below
   * them, once far-out contamination is left out as for the threshold. Left in, anomalies would be
   * the reference's own bottom, and a new anomaly's p-value could be no smaller than its rank among
   * them over n (about 0.005 for 0.5% of traffic): too weak, combined with a p-value that sees
   * nothing, to fall below a threshold at q = 0.001. Left out, it comes from the fitted tail.
   */
  public ReferenceDistribution reference(double[] holdoutLogLikelihoods) {
    double[] sorted = sortedFinite(holdoutLogLikelihoods);
    double[] kept = fence.trim(sorted);
    LowerTailFit.Outcome tail = LowerTailFit.fit(kept);
    return new ReferenceDistribution(evenlySpaced(kept, ReferenceDistribution.MAX_QUANTILES),
        tail.fitted() ? tail.fit().table() : exponentialTail(kept));
  }

  /**
   * An exponential tail below the smallest value, for a reference too small (or too odd) for the
   * fitted one: without any tail every value below the smallest would get the same p-value,
   * 1/(n+1), and an ensemble's combined score would have a floor that a threshold extrapolated
   * below the holdout could lie under, alerting on nothing. Log-likelihoods fall off about
   * exponentially (so many nats per unexpected bit); the scale is where the k-th smallest of n
   * values sits on such a tail: x_(k) − x_(1) ≈ s·ln k. (Tried for every reference, this tail
   * ranked far-out anomalies worse than the fitted one on a holdout of 5,000: recall 0.78
   * against 0.98 in DetectorIntegrationTest.)
   */
  static LowerTail exponentialTail(double[] sorted) {
    int n = sorted.length;
    int k = Math.max(2, Math.min(n, LowerTailFit.MIN_TAIL_POINTS));
    double scale = n < 2 ? 1.0 : (sorted[k - 1] - sorted[0]) / Math.log(k);
    scale = Math.max(scale, 1e-3); // ties: a steep tail, never a flat one
    double rate = 1.0 / (n + 1);
    double deeper = sorted[0] - 10 * scale;
    return new LowerTail(new double[] {deeper, sorted[0]},
        new double[] {rate * Math.exp(-10), rate});
  }

  /** A sorted copy; refuses an empty holdout or one with a value that is not finite. */
  private static double[] sortedFinite(double[] holdoutLogLikelihoods) {
    double[] sorted = holdoutLogLikelihoods.clone();
    Arrays.sort(sorted);
    if (sorted.length == 0 || !Double.isFinite(sorted[0])
        || !Double.isFinite(sorted[sorted.length - 1])) {
      throw new IllegalArgumentException("holdout log-likelihoods must be finite and non-empty");
    }
    return sorted;
  }

  private static double[] evenlySpaced(double[] sorted) {
    return evenlySpaced(sorted, MAX_STORED_QUANTILES);
  }

  /** All the values when there are at most {@code most}, else that many evenly spaced. */
  private static double[] evenlySpaced(double[] sorted, int most) {
    if (sorted.length <= most) return sorted;
    double[] picked = new double[most];
    double step = (sorted.length - 1) / (double) (most - 1);
    for (int i = 0; i < most; i++) {
      picked[i] = sorted[(int) Math.round(i * step)];
    }
    return picked;
  }
}
