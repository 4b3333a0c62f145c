package io.surprisal.train;

import io.surprisal.event.BitVector;
import io.surprisal.model.Calibration;
import io.surprisal.model.DensityModel;
import io.surprisal.model.PublishedModel;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * One retraining round on a snapshot of the training window: split off a fresh holdout, fit on the
 * rest, calibrate the threshold on the holdout, and put the result through the acceptance gate.
 * Pure computation, no Kafka: the stream's trainer runs it off the stream thread.
 */
public final class TrainingPipeline {
  private final ModelTrainer trainer;
  private final Calibrator calibrator;
  private final AcceptanceGate gate;
  private final double holdoutFraction;
  private final long seed;
  private final Clock clock;

  /**
   * @param holdoutFraction share of the window kept out of the fit for calibration and the gate
   * @param seed with the version, fixes the split, so a round can be replayed
   */
  public TrainingPipeline(
      ModelTrainer trainer,
      Calibrator calibrator,
      AcceptanceGate gate,
      double holdoutFraction,
      long seed,
      Clock clock) {
    if (!(holdoutFraction > 0 && holdoutFraction < 1)) {
      throw new IllegalArgumentException(
          "holdout fraction must be inside (0, 1), got " + holdoutFraction);
    }
    this.trainer = trainer;
    this.calibrator = calibrator;
    this.gate = gate;
    this.holdoutFraction = holdoutFraction;
    this.seed = seed;
    this.clock = clock;
  }

  /**
   * @param window the training window's vectors, oldest first
   * @param live the model scoring now, or null
   * @param version the version the candidate is published under if accepted
   */
  public TrainingOutcome run(List<BitVector> window, PublishedModel live, long version) {
    long started = clock.millis();
    List<BitVector> shuffled = new ArrayList<>(window);
    Collections.shuffle(shuffled, new Random(seed ^ version));
    int holdoutSize = (int) Math.round(shuffled.size() * holdoutFraction);
    if (holdoutSize < 1 || holdoutSize >= shuffled.size()) {
      throw new IllegalArgumentException(
          "window of " + window.size() + " events is too small to split at holdout fraction "
              + holdoutFraction);
    }
    List<BitVector> holdout = shuffled.subList(0, holdoutSize);
    DensityModel candidate = trainer.fit(shuffled.subList(holdoutSize, shuffled.size()));

    double[] holdoutLogLikelihoods = new double[holdoutSize];
    for (int i = 0; i < holdoutSize; i++) {
      holdoutLogLikelihoods[i] = candidate.logLikelihood(holdout.get(i));
    }
    double candidateMean = mean(holdoutLogLikelihoods);
    AcceptanceGate.Decision decision =
        gate.decide(candidateMean, live == null ? null : live.model(), holdout);
    long fitMillis = clock.millis() - started;
    if (!decision.accepted()) {
      return new TrainingOutcome(null, decision, window.size(), fitMillis);
    }
    Calibration calibration = calibrator.calibrate(holdoutLogLikelihoods);
    PublishedModel published =
        new PublishedModel(
            version, clock.millis(), window.size(), calibrator.keptMean(holdoutLogLikelihoods),
            calibration, candidate);
    return new TrainingOutcome(published, decision, window.size(), fitMillis);
  }

  private static double mean(double[] values) {
    double sum = 0;
    for (double v : values) sum += v;
    return sum / values.length;
  }

  /**
   * @param published the accepted model, or null when the gate refused the candidate
   * @param fitMillis wall time of the round
   */
  public record TrainingOutcome(
      PublishedModel published, AcceptanceGate.Decision decision, int windowSize, long fitMillis) {
    public boolean accepted() {
      return published != null;
    }
  }
}
