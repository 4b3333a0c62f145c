package io.surprisal.stream;

import io.surprisal.event.Alert;
import io.surprisal.event.RegimeShift;
import io.surprisal.model.PublishedModel;

/**
 * What the topology reports about its own work, for metrics and the status page. The stream
 * package depends on nothing above it (DESIGN.md, "Layout"), so it calls this interface and the
 * metrics package implements it.
 *
 * <p>Contract for implementations: the scoring methods run on stream threads for every event, from
 * several threads at once when there are several stream threads; they must be cheap, must not block
 * and must not throw. Every method has a no-op default.
 */
public interface DetectorObserver {
  /** Does nothing: for topologies nobody watches, and for tests. */
  DetectorObserver NONE = new DetectorObserver() {};

  /**
   * The scorer times one scored event in this many (the first, then every TIME_EVERY-th): two
   * clock reads and a latency record cost about as much as scoring a small model itself (a few
   * hundred nanoseconds), so latency is sampled while every event is still counted.
   */
  int TIME_EVERY = 16;

  /** {@link #eventScored}'s scoringNanos for an event that was not timed. */
  long NOT_TIMED = -1;

  /** Outcome of one training round. */
  enum TrainingResult {
    /** The candidate passed the acceptance gate and was published. */
    ACCEPTED,
    /**
     * The acceptance gate refused the candidate (worse than the live model, or a diverged fit with
     * a non-finite log-likelihood); the live model stays.
     */
    REJECTED,
    /** The fit threw or ran past surprisal.training.timeout; the live model stays. */
    FAILED
  }

  /**
   * A valid event was scored by the live model.
   *
   * @param logLikelihood log p(x) in nats
   * @param scoringNanos time spent in the model's log-likelihood call alone, or {@link
   *     #NOT_TIMED} for the events between two timed ones (see {@link #TIME_EVERY})
   */
  default void eventScored(double logLikelihood, long scoringNanos) {}

  /**
   * How many importance samples the model drew to score an event (after {@link #eventScored});
   * only called for models that estimate log p(x) by sampling.
   */
  default void eventSamples(int samples) {}

  /**
   * The latent readout of a scored event (after {@link #eventScored}): a mixture component or a
   * binary code, for occupancy metrics. Not called when the model gives no readout.
   */
  default void eventLatent(String state) {}

  /** A valid event arrived before any model was live. */
  default void eventUnscored() {}

  /** An event was rejected and sent to dead letters; {@code reason} is the dead letter's reason. */
  default void eventInvalid(String reason) {}

  /** An alert was written (after {@link #eventScored} for the same event). */
  default void alert(Alert alert) {}

  /** {@code model} became this instance's live model. */
  default void modelLive(PublishedModel model) {}

  /** A record on the models topic was refused; the live model stays. */
  default void modelRefused(String reason) {}

  /**
   * A training round finished on the trainer task.
   *
   * @param durationMillis wall time of the round
   * @param windowSize samples in the window snapshot the round used
   */
  default void trainingFinished(TrainingResult result, long durationMillis, int windowSize) {}

  /**
   * The trainer task refused a record of the samples topic and stored nothing: not an encoded
   * vector (truncated, trailing bytes, an index out of range or repeated) or of another dimension.
   */
  default void sampleRefused(String reason) {}

  /** The regime-shift detector fired on the trainer task (after the message was forwarded). */
  default void regimeShift(RegimeShift shift) {}

  /**
   * The regime-shift detector's statistic after a sample, on the trainer task.
   *
   * @param threshold the statistic's alarm threshold
   */
  default void regimeStatistic(double statistic, double threshold) {}
}
