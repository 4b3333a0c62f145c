package io.surprisal.regime;

import io.surprisal.event.BitVector;
import io.surprisal.event.RegimeShift;
import io.surprisal.model.Calibration;
import io.surprisal.model.PublishedModel;
import io.surprisal.model.Scored;
import java.util.SplittableRandom;

/**
 * Watches sampled events for a regime shift under whichever model is live: scores each one,
 * standardizes its log-likelihood against that model's holdout, and feeds a {@link LikelihoodCusum}
 * of that model. A new live model gets a fresh detector, since the holdout that standardizes the
 * surprise changed with it.
 */
public final class RegimeMonitor {
  private final double reference;
  private final double threshold;
  private final SplittableRandom tieBreaker;
  private LikelihoodCusum cusum;

  /** Solves (and keeps) the threshold a monitor with these settings uses, ahead of its creation. */
  public static void prepare(double shift, double meanRunLength) {
    CusumThreshold.forMeanRunLength(meanRunLength, shift / 2);
  }

  /**
   * @param shift the standardized log-likelihood shift (in holdout standard deviations) to detect
   *     fastest; the CUSUM's reference value is half of it
   * @param meanRunLength mean number of samples between false alarms on unchanged traffic
   * @param saved the state to continue from, or null
   */
  public RegimeMonitor(double shift, double meanRunLength, long seed, CusumState saved) {
    this.reference = shift / 2;
    this.threshold = CusumThreshold.forMeanRunLength(meanRunLength, reference);
    this.tieBreaker = new SplittableRandom(seed);
    this.cusum = saved == null ? null : LikelihoodCusum.restore(saved, reference, threshold);
  }

  /**
   * @param live the live model, or null before the first one (nothing to compare against)
   * @return the shift when one is detected on this sample, else null
   */
  public RegimeShift observe(PublishedModel live, BitVector x, long timestamp) {
    if (live == null) return null;
    if (cusum == null || cusum.modelVersion() != live.version()) {
      cusum = new LikelihoodCusum(live.version(), reference, threshold);
    }
    if (!cusum.isArmed()) return null;
    Scored scored = live.model().score(x);
    return cusum.update(surprise(live.calibration(), scored.score()), timestamp,
        scored.latent() == null ? null : scored.latent().state());
  }

  /** −Φ⁻¹(u) for the event's PIT u: N(0, 1) on traffic like the holdout, large when improbable. */
  double surprise(Calibration calibration, double detectionScore) {
    return -StandardNormal.quantile(
        calibration.probabilityIntegralTransform(detectionScore, tieBreaker.nextDouble()));
  }

  /** Listens again after a shift (the early refit is done or gave up). */
  public void rearm() {
    if (cusum != null) cusum.rearm();
  }

  /** The detector's state, or null before the first model. */
  public CusumState state() {
    return cusum == null ? null : cusum.state();
  }

  public double statistic() {
    return cusum == null ? 0 : cusum.statistic();
  }

  public double threshold() {
    return threshold;
  }
}
