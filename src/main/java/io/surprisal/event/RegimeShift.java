package io.surprisal.event;

import java.util.List;

/**
 * A detected regime shift, written to the regime-shifts topic: a run of moderately improbable
 * events under the live model, found by a sequential change detector on the stream of sampled
 * log-likelihoods. Wire form: schemas/regime-shift.schema.json.
 *
 * @param detectedAt event time (ms) of the sampled event at which the detector fired
 * @param modelVersion the live model whose log-likelihoods moved
 * @param changePointAt event time (ms) of the first sampled event of the detected run: the
 *     detector's estimate of when the regime changed
 * @param samplesSinceChange sampled events from the estimated change point to the detection
 * @param magnitude mean standardized shift of the log-likelihood over that run, in standard
 *     deviations of the live model's holdout (positive: events became less probable)
 * @param statistic the detector's statistic when it fired
 * @param threshold the statistic's alarm threshold, set from the configured mean run length
 * @param latentShifts the latent states whose share of events moved most, largest move first
 */
public record RegimeShift(
    long detectedAt,
    long modelVersion,
    long changePointAt,
    long samplesSinceChange,
    double magnitude,
    double statistic,
    double threshold,
    List<LatentShift> latentShifts) {

  public RegimeShift {
    latentShifts = List.copyOf(latentShifts);
  }

  /**
   * One latent state's share of sampled events before the estimated change point (since the live
   * model started) and after it.
   */
  public record LatentShift(String state, double before, double after) {}
}
