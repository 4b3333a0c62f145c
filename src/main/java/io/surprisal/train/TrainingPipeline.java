package io.surprisal.train;

import io.surprisal.event.BitVector;
import io.surprisal.model.Calibration;
import io.surprisal.model.DensityModel;
import io.surprisal.model.EnsembleModel;
import io.surprisal.model.GenericCodeLength;
import io.surprisal.model.PublishedModel;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * One retraining round on a snapshot of the training window: split off a fresh holdout, fit on the
 * rest, calibrate the threshold on the holdout, and put the result through the acceptance gate.
 * Pure computation, no Kafka: the stream's trainer runs it off the stream thread.
 *
 * <p>The holdout is the newest slice of the window. It is what the model will score next, so the
 * threshold is calibrated on current traffic; and it arrived after the live model's own fit
 * (whenever a retrain interval brings more samples than the holdout holds), so the gate judges the
 * live model and the candidate on data neither was fitted on, instead of favouring the live model
 * on samples it has already seen.
 *
 * <p>The holdout that calibrates is not seen by the fit in any form: every trainer chooses K or
 * stops early on a validation slice it splits off the fit rows it is handed (BernoulliMixtureTrainer
 * 20%, BinaryLatentTrainer and VaeTrainer 10% by default), never on these holdout rows. Only the
 * acceptance gate reads both, and it compares means with the live model without changing the
 * candidate, so the holdout stays exchangeable with the traffic the candidate will score, which is
 * what the conformal threshold needs. An early refit after a regime shift runs this same round on
 * the post-change samples alone (surprisal.regime.refit-samples, 1,000 by default: a holdout of
 * 200), which is where the threshold most often comes from a tail fit (see Calibrator);
 * DetectorConfigParser refuses settings whose holdouts are too small even for that.
 */
public final class TrainingPipeline {
  private final ModelTrainer trainer;
  private final Calibrator calibrator;
  private final AcceptanceGate gate;
  private final double holdoutFraction;
  private final long seed;
  private final Clock clock;
  private final DetectionScore score;

  /**
   * @param holdoutFraction share of the window kept out of the fit for calibration and the gate
   * @param seed with the version, fixes the order of the rows handed to the trainer, so a round
   *     can be replayed
   */
  public TrainingPipeline(
      ModelTrainer trainer,
      Calibrator calibrator,
      AcceptanceGate gate,
      double holdoutFraction,
      long seed,
      Clock clock) {
    this(trainer, calibrator, gate, holdoutFraction, seed, clock, DetectionScore.LIKELIHOOD);
  }

  /** @param score what the threshold is calibrated on: the model's log-likelihood or an ensemble */
  public TrainingPipeline(
      ModelTrainer trainer,
      Calibrator calibrator,
      AcceptanceGate gate,
      double holdoutFraction,
      long seed,
      Clock clock,
      DetectionScore score) {
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
    this.score = score;
  }

  /**
   * @param window the training window's vectors, oldest first; the newest fraction is the holdout
   * @param live the model scoring now, or null
   * @param version the version the candidate is published under if accepted
   */
  public TrainingOutcome run(List<BitVector> window, PublishedModel live, long version) {
    long started = clock.millis();
    int holdoutSize = (int) Math.round(window.size() * holdoutFraction);
    if (holdoutSize < 1 || holdoutSize >= window.size()) {
      throw new IllegalArgumentException(
          "window of " + window.size() + " events is too small to split at holdout fraction "
              + holdoutFraction);
    }
    int fitSize = window.size() - holdoutSize;
    List<BitVector> holdout = window.subList(fitSize, window.size());
    List<BitVector> fitRows = new ArrayList<>(window.subList(0, fitSize));
    // Shuffled so that a trainer's own validation split is not simply the oldest events.
    Collections.shuffle(fitRows, new Random(seed ^ version));
    DensityModel candidate = trainer.fit(fitRows);

    double[] holdoutLogLikelihoods = logLikelihoods(candidate, holdout);
    double candidateMean = mean(holdoutLogLikelihoods);
    AcceptanceGate.Decision decision =
        gate.decide(candidateMean, live == null ? null : live.model(), holdout);
    long fitMillis = clock.millis() - started;
    if (!decision.accepted()) {
      return new TrainingOutcome(null, decision, window.size(), fitMillis);
    }
    // The contamination fence once: its kept values calibrate log p(x), give the typical normal
    // log-likelihood, and say which holdout events the ensemble's calibration leaves out.
    double[] clearedLogLikelihoods = calibrator.cleared(holdoutLogLikelihoods);
    DensityModel scoring = candidate;
    double[] detectionScores = clearedLogLikelihoods;
    if (score == DetectionScore.ENSEMBLE) {
      List<DensityModel> companions = companions(fitRows);
      // The holdout's values of every member: the model's corrected log-likelihood first.
      EnsembleModel.ModelStatistic statistic = EnsembleModel.ModelStatistic.COMPLEXITY_CORRECTED;
      // The coder's one layout fact (a row width, where the bits have one) from the fit rows.
      GenericCodeLength codeLength = GenericCodeLength.fittedTo(fitRows);
      double[][] memberValues = new double[1 + companions.size()][];
      memberValues[0] = new double[holdoutSize];
      for (int i = 0; i < holdoutSize; i++) {
        memberValues[0][i] =
            statistic.value(holdout.get(i), holdoutLogLikelihoods[i], codeLength);
      }
      List<EnsembleModel.Member> members = new ArrayList<>();
      for (int c = 0; c < companions.size(); c++) {
        memberValues[c + 1] = logLikelihoods(companions.get(c), holdout);
        for (int i = 0; i < holdoutSize; i++) {
          memberValues[c + 1][i] = EnsembleModel.companionStatistic(
              codeLength, holdout.get(i), memberValues[c + 1][i]);
        }
        members.add(new EnsembleModel.Member(
            companions.get(c), calibrator.reference(memberValues[c + 1])));
      }
      EnsembleModel ensemble = new EnsembleModel(
          new EnsembleModel.Member(candidate, calibrator.reference(memberValues[0])),
          statistic, codeLength, members);
      // Each holdout event's p-values are taken against the other holdout events, so that the
      // holdout's combined scores are distributed as new traffic's (see EnsembleModel). An event
      // whose log p(x) the contamination fence leaves out is left out here too: the combined
      // score dilutes the model's far-out evidence (coin-flip events that the model puts 10 nats
      // below the normal tail come out only a few units below the normal combined scores), so
      // the threshold's own fence cannot tell them apart, and at 0.5% of traffic they set a
      // q = 0.001 threshold below most anomalies (recall 0.11 on one of the demo's windows, 0.96
      // without them). The fence judges log p(x), what it was built and measured on: on the
      // corrected statistic it also took clean events (Fashion-MNIST class 0 then alerted at
      // 2.3% for q = 0.01, 1.1% otherwise), and on the companions' coarser log-likelihoods too.
      double[] kept = new double[holdoutSize];
      int keptCount = 0;
      double fence = clearedLogLikelihoods[0];
      double[] event = new double[memberValues.length];
      for (int i = 0; i < holdoutSize; i++) {
        if (holdoutLogLikelihoods[i] < fence) continue;
        for (int m = 0; m < event.length; m++) event[m] = memberValues[m][i];
        kept[keptCount++] = ensemble.holdoutDetectionScore(event);
      }
      detectionScores = Arrays.copyOf(kept, keptCount);
      scoring = ensemble;
    }
    Calibration calibration = calibrator.calibrateCleared(detectionScores);
    PublishedModel published =
        new PublishedModel(
            version, clock.millis(), window.size(),
            Arrays.stream(clearedLogLikelihoods).average().orElseThrow(), calibration, scoring);
    return new TrainingOutcome(published, decision, window.size(), fitMillis);
  }

  /**
   * The ensemble's companions, fitted on the model's rows: independent bits always, a dependency
   * tree where L allows one ({@link DependencyTreeFit#MAX_DIMENSION}). With the model's
   * complexity-corrected log-likelihood, this combination ranked anomalies better than the model
   * with independent bits alone on six of the seven data sets of docs/quality.md.
   */
  private List<DensityModel> companions(List<BitVector> fitRows) {
    double prior = BernoulliMixtureTrainer.Settings.defaults().prior();
    List<DensityModel> companions = new ArrayList<>();
    companions.add(IndependentBits.fit(fitRows, prior));
    if (DependencyTreeFit.fits(fitRows.get(0).dimension())) {
      companions.add(DependencyTreeFit.fit(fitRows, prior, seed));
    }
    return companions;
  }

  private static double[] logLikelihoods(DensityModel model, List<BitVector> rows) {
    double[] values = new double[rows.size()];
    for (int i = 0; i < values.length; i++) values[i] = model.logLikelihood(rows.get(i));
    return values;
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
