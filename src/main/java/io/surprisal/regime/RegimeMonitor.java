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
 *
 * <p>The surprise is standard normal only on average over holdouts: against one holdout of n
 * events its mean is off by about 1/√(n + 2) (the holdout's spacings are Dirichlet), and the
 * CUSUM adds that bias up sample after sample. On holdouts of 210 events the configured million
 * samples between false alarms became a few thousand. So each model's detector takes a reference
 * raised by {@link #ALLOWANCE_DEVIATIONS} such standard errors, with the threshold of the
 * configured one: its false alarms keep their rate unless the holdout is among the rare ones
 * (0.13%) biased further, at the cost of slower detection on small holdouts only (by 0.03
 * standard deviations of shift at the default holdout of 10,000 events).
 */
public final class RegimeMonitor {
  private final double reference;
  private final double threshold;
  /**
   * The most one sample adds to the CUSUM's surprise. A single improbable event is the alert's
   * business; a regime is a run of moderately improbable ones. Uncapped, an anomaly that the
   * calibration's fence kept out of the holdout brings 3.5 standard deviations or more, and a few
   * of them close together passed h on unchanged traffic. Capping costs nothing in control (it
   * only lowers increments, so false alarms come no sooner) and little against a shift of a few
   * standard deviations, whose samples mostly lie below it.
   */
  static final double MAX_SURPRISE = 3;

  /** How many standard errors of the holdout's bias the reference allows for. */
  static final double ALLOWANCE_DEVIATIONS = 3;

  private final SplittableRandom tieBreaker;
  private LikelihoodCusum cusum;
  /** A state restored before its model's holdout size is known, until the first sample. */
  private CusumState saved;

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
    this.saved = saved;
  }

  /**
   * @param live the live model, or null before the first one (nothing to compare against)
   * @return the shift when one is detected on this sample, else null
   */
  public RegimeShift observe(PublishedModel live, BitVector x, long timestamp) {
    if (live == null) return null;
    if (cusum == null || cusum.modelVersion() != live.version()) {
      double allowed = reference + allowance(live.calibration().holdoutSize());
      cusum = saved != null && saved.modelVersion() == live.version()
          ? LikelihoodCusum.restore(saved, allowed, threshold)
          : new LikelihoodCusum(live.version(), allowed, threshold);
      saved = null;
    }
    if (!cusum.isArmed()) return null;
    Scored scored = live.model().score(x);
    double surprise = Math.min(MAX_SURPRISE, surprise(live.calibration(), scored.score()));
    return cusum.update(surprise, timestamp,
        scored.latent() == null ? null : scored.latent().state());
  }

  /** What the reference is raised by for a model calibrated on {@code holdoutSize} events. */
  static double allowance(int holdoutSize) {
    return ALLOWANCE_DEVIATIONS / Math.sqrt(holdoutSize + 2.0);
  }

  /** −Φ⁻¹(u) for the event's PIT u: N(0, 1) on traffic like the holdout, large when improbable. */
  double surprise(Calibration calibration, double detectionScore) {
    return -StandardNormal.quantile(
        calibration.probabilityIntegralTransform(detectionScore, tieBreaker.nextDouble()));
  }

  /** Listens again after a shift (the early refit is done or gave up). */
  public void rearm() {
    if (cusum != null) cusum.rearm();
    if (saved != null) saved = saved.rearmed();
  }

  /** The detector's state, or null before the first model. */
  public CusumState state() {
    return cusum == null ? saved : cusum.state();
  }

  public double statistic() {
    if (cusum != null) return cusum.statistic();
    return saved == null ? 0 : saved.statistic();
  }

  public double threshold() {
    return threshold;
  }
}
