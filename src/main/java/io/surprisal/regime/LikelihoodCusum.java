package io.surprisal.regime;

import io.surprisal.event.RegimeShift;
import io.surprisal.event.RegimeShift.LatentShift;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Page's one-sided CUSUM on the surprise of sampled events under one model: s = −Φ⁻¹(u), where u
 * is the event's probability-integral transform against the model's holdout log-likelihoods, so s
 * is standard normal while traffic looks like the holdout, and larger when events are less
 * probable. C ← max(0, C + s − k); the detector fires when C exceeds h.
 *
 * <p>The run since C last stood at 0 is the estimated post-change segment (the CUSUM's maximum
 * likelihood change point): its start is reported as the change point, its mean surprise as the
 * magnitude, and the latent states it visited are compared with those visited before it. After
 * firing, the detector starts over, disarmed: one regime change gives one message, and the caller
 * re-arms it once it has acted (refitted) or gave up.
 *
 * <p>One detector follows one model: the caller starts a fresh one when the live model changes.
 */
public final class LikelihoodCusum {
  /** How many latent states a regime-shift message names. */
  static final int REPORTED_STATES = 3;

  private final double reference;
  private final double threshold;
  private final long modelVersion;
  private boolean armed = true;
  private double statistic;
  private long runLength;
  private double runSurprise;
  private long runStartedAt;
  private final LatentCounts before = new LatentCounts();
  private final LatentCounts during = new LatentCounts();

  /**
   * @param reference k, half the standardized shift the detector is tuned to find fastest
   * @param threshold h, see {@link CusumThreshold#forMeanRunLength}
   */
  public LikelihoodCusum(long modelVersion, double reference, double threshold) {
    if (!(reference > 0)) throw new IllegalArgumentException("reference must be > 0, got " + reference);
    if (!(threshold > 0)) throw new IllegalArgumentException("threshold must be > 0, got " + threshold);
    this.modelVersion = modelVersion;
    this.reference = reference;
    this.threshold = threshold;
  }

  /**
   * @param surprise s, standard normal on unchanged traffic
   * @param timestamp the sampled event's time (ms)
   * @param latentState the event's latent readout, or null when the model gives none
   * @return the shift when the detector fires on this sample, else null
   */
  public RegimeShift update(double surprise, long timestamp, String latentState) {
    if (!armed) return null;
    double next = Math.max(0, statistic + surprise - reference);
    if (next == 0) {
      // Back in control: the run so far was noise and belongs to the reference period.
      before.addAll(during);
      before.add(latentState, 1);
      during.clear();
      runLength = 0;
      runSurprise = 0;
      statistic = 0;
      return null;
    }
    if (statistic == 0) runStartedAt = timestamp;
    statistic = next;
    runLength++;
    runSurprise += surprise;
    during.add(latentState, 1);
    if (statistic <= threshold) return null;
    RegimeShift shift = new RegimeShift(timestamp, modelVersion, runStartedAt, runLength,
        runSurprise / runLength, statistic, threshold, latentShifts());
    restart();
    armed = false;
    return shift;
  }

  /** Listens again after a shift, from a clean start. */
  public void rearm() {
    restart();
    armed = true;
  }

  public boolean isArmed() {
    return armed;
  }

  public long modelVersion() {
    return modelVersion;
  }

  public double statistic() {
    return statistic;
  }

  public double threshold() {
    return threshold;
  }

  private List<LatentShift> latentShifts() {
    Set<String> states = new HashSet<>(before.asMap().keySet());
    states.addAll(during.asMap().keySet());
    List<LatentShift> shifts = new ArrayList<>();
    for (String state : states) {
      shifts.add(new LatentShift(state, before.share(state), during.share(state)));
    }
    shifts.sort(Comparator.comparingDouble((LatentShift s) -> -Math.abs(s.after() - s.before()))
        .thenComparing(LatentShift::state));
    return shifts.subList(0, Math.min(REPORTED_STATES, shifts.size()));
  }

  private void restart() {
    statistic = 0;
    runLength = 0;
    runSurprise = 0;
    before.clear();
    during.clear();
  }

  /** The detector's whole state, for a changelogged store. */
  public CusumState state() {
    return new CusumState(modelVersion, armed, statistic, runLength, runSurprise, runStartedAt,
        before.asMap(), during.asMap());
  }

  /** A detector continuing from a saved state, with this configuration's k and h. */
  public static LikelihoodCusum restore(CusumState state, double reference, double threshold) {
    LikelihoodCusum cusum = new LikelihoodCusum(state.modelVersion(), reference, threshold);
    cusum.armed = state.armed();
    cusum.statistic = state.statistic();
    cusum.runLength = state.runLength();
    cusum.runSurprise = state.runSurprise();
    cusum.runStartedAt = state.runStartedAt();
    state.before().forEach(cusum.before::add);
    state.during().forEach(cusum.during::add);
    return cusum;
  }
}
