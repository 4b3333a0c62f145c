package io.surprisal.evaluation;

import io.surprisal.dataset.Dataset;
import io.surprisal.dataset.LabelledRow;
import io.surprisal.event.BitVector;
import io.surprisal.model.Calibration;
import io.surprisal.model.DensityModel;
import io.surprisal.model.EnsembleModel;
import io.surprisal.model.PublishedModel;
import io.surprisal.model.Scored;
import io.surprisal.train.TrainingPipeline;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Backtests a detector on labelled history: one round of the stream's own {@link TrainingPipeline}
 * (fit, split-conformal calibration, acceptance gate) on the training rows, whose labels are
 * ignored as the stream never sees labels, then every test row scored as the stream scores it.
 */
public final class Backtest {
  private static final Logger log = LoggerFactory.getLogger(Backtest.class);
  /** Rows scored once before the timed pass so that the figure is not the JIT's warm-up. */
  private static final int WARM_UP_ROWS = 20_000;

  private Backtest() {}

  /**
   * What a backtest produced.
   *
   * @param testScores the detection score of every test row, in row order: log p(x), or the
   *     ensemble's combined score (lower is more surprising either way)
   * @param anomalous every test row's label, in row order
   */
  public record Result(
      EvaluationReport report,
      PublishedModel published,
      double[] testScores,
      boolean[] anomalous) {}

  /**
   * @param kind the model kind's name, reported as given
   * @throws IllegalArgumentException when the dimensions differ, a test row has no label, or the
   *     gate refuses the fit
   */
  public static Result run(String kind, TrainingPipeline pipeline, Dataset train, Dataset test) {
    if (train.dimension() != test.dimension()) {
      throw new IllegalArgumentException(
          test.source() + " has " + test.dimension() + " features, " + train.source() + " has "
              + train.dimension());
    }
    boolean[] anomalous = labels(test);

    log.info("Fitting {} on {} rows of {} bits", kind, train.size(), train.dimension());
    long fitStarted = System.nanoTime();
    TrainingPipeline.TrainingOutcome outcome = pipeline.run(train.vectors(), null, 1);
    double fitSeconds = (System.nanoTime() - fitStarted) / 1e9;
    if (!outcome.accepted()) {
      throw new IllegalArgumentException(
          "the acceptance gate refused the fitted model: " + outcome.decision().reason());
    }
    PublishedModel published = outcome.published();
    log.info("Fitted {} in {} s; threshold {}", published.model(),
        String.format(Locale.ROOT, "%.1f", fitSeconds), published.thresholdText());

    log.info("Scoring {} test rows", test.size());
    double[] logLikelihoods = new double[test.size()];
    double[] scores = new double[test.size()];
    double nanosPerRow = score(published, test.vectors(), logLikelihoods, scores);
    EvaluationReport report = report(kind, published, train, test, anomalous, logLikelihoods,
        scores, fitSeconds, nanosPerRow / 1000);
    log.info("Scored {} rows at {} µs each", test.size(),
        String.format(Locale.ROOT, "%.2f", report.scoreMicrosPerEvent()));
    return new Result(report, published, scores, anomalous);
  }

  private static boolean[] labels(Dataset test) {
    boolean[] anomalous = new boolean[test.size()];
    for (int i = 0; i < anomalous.length; i++) {
      LabelledRow row = test.rows().get(i);
      if (row.anomalous() == null) {
        throw new IllegalArgumentException(test.source() + " row " + (i + 1) + " has no label");
      }
      anomalous[i] = row.anomalous();
    }
    return anomalous;
  }

  /**
   * Scores every row as the stream does (log p(x), detection score, percentile, alert); returns
   * ns per row.
   */
  private static double score(
      PublishedModel published, List<BitVector> rows, double[] into, double[] scores) {
    DensityModel model = published.model();
    Calibration calibration = published.calibration();
    double sink = 0;
    for (int i = 0; i < Math.min(WARM_UP_ROWS, rows.size()); i++) {
      sink += model.score(rows.get(i)).score();
    }
    long alerts = 0;
    long started = System.nanoTime();
    for (int i = 0; i < into.length; i++) {
      Scored scored = model.score(rows.get(i));
      into[i] = scored.logLikelihood();
      scores[i] = scored.score();
      sink += calibration.percentile(scored.score());
      if (calibration.isAlert(scored.score())) alerts++;
    }
    long elapsed = System.nanoTime() - started;
    // Read the results so the JIT cannot drop the work being timed.
    if (Double.isNaN(sink) || alerts < 0) log.debug("sink {}", sink);
    return (double) elapsed / Math.max(1, into.length);
  }

  private static EvaluationReport report(
      String kind, PublishedModel published, Dataset train, Dataset test, boolean[] anomalous,
      double[] logLikelihoods, double[] scores, double fitSeconds, double microsPerRow) {
    double threshold = published.calibration().threshold();
    double[] normalLogLikelihoods = select(logLikelihoods, anomalous, false);
    double[] normal = select(scores, anomalous, false);
    double[] abnormal = select(scores, anomalous, true);
    boolean bothClasses = normal.length > 0 && abnormal.length > 0;
    double[] surprisal = Arrays.stream(scores).map(v -> -v).toArray();
    return new EvaluationReport(
        kind,
        train.dimension(),
        train.size(),
        test.size(),
        normal.length > 0 ? Arrays.stream(normalLogLikelihoods).average().orElseThrow() : null,
        bothClasses ? DetectionMetrics.rocAuc(surprisal, anomalous) : null,
        bothClasses ? DetectionMetrics.averagePrecision(surprisal, anomalous) : null,
        threshold,
        normal.length > 0 ? DetectionMetrics.shareBelow(normal, threshold) : null,
        abnormal.length > 0 ? DetectionMetrics.shareBelow(abnormal, threshold) : null,
        fitSeconds,
        microsPerRow,
        published.calibration().targetAlertRate(),
        abnormal.length,
        published.model().toString(),
        published.model() instanceof EnsembleModel ? "ensemble" : "likelihood",
        bothClasses ? DetectionMetrics.rocAuc(
            Arrays.stream(logLikelihoods).map(v -> -v).toArray(), anomalous) : null);
  }

  private static double[] select(double[] values, boolean[] anomalous, boolean wanted) {
    int n = 0;
    for (boolean a : anomalous) if (a == wanted) n++;
    double[] selected = new double[n];
    for (int i = 0, j = 0; i < values.length; i++) {
      if (anomalous[i] == wanted) selected[j++] = values[i];
    }
    return selected;
  }
}
