package io.surprisal.train;

import io.surprisal.event.BitVector;
import io.surprisal.model.BernoulliMixture;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fits a {@link BernoulliMixture} by EM: for each candidate K, several restarts from random data
 * points; the restart with the best training log-likelihood stands for that K, and the K with the
 * best mean log-likelihood on a validation slice wins. Candidates are tried in ascending order and
 * the search stops at the first K that does no better on validation than the one before.
 *
 * <p>A candidate after the first is tried only when every component can have
 * {@value #MIN_ROWS_PER_COMPONENT} training rows on average. On a window of a few hundred rows,
 * validation likelihood keeps rising up to K = 32 (about a dozen rows per component): components
 * then memorize small groups, and a group of related anomalies in the window gets one of its own,
 * which makes it look normal. With this floor, soybean's 382 training rows get K = 8 instead of 32
 * and the default score's ROC-AUC rose from 0.964 to 0.982 (mean of three splits;
 * docs/models.md). Windows of 800 rows or more are not affected with the default candidates.
 */
public final class BernoulliMixtureTrainer implements ModelTrainer {
  private static final Logger log = LoggerFactory.getLogger(BernoulliMixtureTrainer.class);

  /** The fewest training rows per component, on average, for a candidate after the first. */
  public static final int MIN_ROWS_PER_COMPONENT = 25;

  /**
   * Hyperparameters.
   *
   * @param candidateComponents the K values tried (default 1, 2, 4, 8, 16, 32)
   * @param restarts EM runs per K from different starting points (default 3)
   * @param maxIterations EM iterations per run at most (default 200)
   * @param tolerance stop a run when the mean log-likelihood gains less than this, nats (default
   *     1e-4: far below the differences that decide K)
   * @param prior α of the Beta(1+α, 1+α) smoothing on every θ_kd (default 1.0)
   * @param validationFraction share of the rows held out to choose K (default 0.2)
   * @param seed drives the split and the starting points; equal seeds give equal models
   * @param trim share of the least likely rows each EM step leaves out, and the validation mean
   *     that chooses K leaves out too, in [0, {@link #MAX_TRIM}] (the trimmed likelihood,
   *     {@link ExpectationMaximization}); 0 fits every row
   */
  public record Settings(
      List<Integer> candidateComponents,
      int restarts,
      int maxIterations,
      double tolerance,
      double prior,
      double validationFraction,
      long seed,
      double trim) {
    /** The default of {@code trim}. */
    public static final double DEFAULT_TRIM = 0.05;
    /** The largest {@code trim}: most of the rows must still be fitted. */
    public static final double MAX_TRIM = 0.2;

    public static Settings defaults() {
      return new Settings(List.of(1, 2, 4, 8, 16, 32), 3, 200, 1e-4, 1.0, 0.2, 42L);
    }

    /** Settings with the default trim. */
    public Settings(List<Integer> candidateComponents, int restarts, int maxIterations,
        double tolerance, double prior, double validationFraction, long seed) {
      this(candidateComponents, restarts, maxIterations, tolerance, prior, validationFraction,
          seed, DEFAULT_TRIM);
    }

    public Settings {
      candidateComponents = List.copyOf(candidateComponents);
      if (candidateComponents.isEmpty() || !isStrictlyAscending(candidateComponents)) {
        throw new IllegalArgumentException(
            "candidateComponents must be a non-empty ascending list of values >= 1, got "
                + candidateComponents);
      }
      requirePositive("restarts", restarts);
      requirePositive("maxIterations", maxIterations);
      if (!(tolerance > 0)) {
        throw new IllegalArgumentException("tolerance must be > 0, got " + tolerance);
      }
      if (!(prior > 0)) {
        throw new IllegalArgumentException("prior must be > 0, got " + prior);
      }
      if (!(validationFraction > 0 && validationFraction < 1)) {
        throw new IllegalArgumentException(
            "validationFraction must be inside (0, 1), got " + validationFraction);
      }
      if (!(trim >= 0 && trim <= MAX_TRIM)) {
        throw new IllegalArgumentException("trim must be in [0, " + MAX_TRIM + "], got " + trim);
      }
    }

    public Settings withSeed(long newSeed) {
      return new Settings(
          candidateComponents, restarts, maxIterations, tolerance, prior, validationFraction,
          newSeed, trim);
    }

    public Settings withTrim(double newTrim) {
      return new Settings(
          candidateComponents, restarts, maxIterations, tolerance, prior, validationFraction,
          seed, newTrim);
    }

    private static boolean isStrictlyAscending(List<Integer> values) {
      int previous = 0;
      for (int value : values) {
        if (value <= previous) return false;
        previous = value;
      }
      return true;
    }

    private static void requirePositive(String name, int value) {
      if (value < 1) throw new IllegalArgumentException(name + " must be >= 1, got " + value);
    }
  }

  private final Settings settings;

  public BernoulliMixtureTrainer(Settings settings) {
    this.settings = settings;
  }

  public Settings settings() {
    return settings;
  }

  @Override
  public BernoulliMixture fit(List<BitVector> rows) {
    if (rows.size() < 10) {
      throw new IllegalArgumentException("need at least 10 rows to fit a mixture, got " + rows.size());
    }
    int dimension = rows.get(0).dimension();
    Random random = new Random(settings.seed());
    List<BitVector> shuffled = new ArrayList<>(rows);
    Collections.shuffle(shuffled, random);
    int validationSize = Math.max(1, (int) Math.round(rows.size() * settings.validationFraction()));
    INDArray validation = BinaryMatrix.of(shuffled.subList(0, validationSize), dimension);
    INDArray training = BinaryMatrix.of(shuffled.subList(validationSize, shuffled.size()), dimension);

    ExpectationMaximization.Parameters best = null;
    double bestValidation = Double.NEGATIVE_INFINITY;
    for (int k : settings.candidateComponents()) {
      if (best != null && training.rows() < (long) k * MIN_ROWS_PER_COMPONENT) {
        // Candidates ascend: every larger K would be skipped too, so this is said once.
        log.info("Skipping K={} and above: {} training rows are fewer than {} per component",
            k, training.rows(), MIN_ROWS_PER_COMPONENT);
        break;
      }
      if (k > training.rows()) {
        log.info("Skipping K={}: only {} training rows", k, training.rows());
        continue;
      }
      ExpectationMaximization.Fit fit = bestOfRestarts(training, k, random);
      double validationMean =
          ExpectationMaximization.meanLogLikelihood(validation, fit.parameters(), settings.trim());
      log.info(
          "EM K={}: train mean log-likelihood {} after {} iterations, validation {}",
          k, String.format("%.4f", fit.meanLogLikelihood()), fit.iterations(),
          String.format("%.4f", validationMean));
      if (validationMean <= bestValidation) {
        // Candidates ascend; once a larger K stops helping on held-out data, larger ones overfit
        // more and cost more, so the search ends here.
        break;
      }
      bestValidation = validationMean;
      best = fit.parameters();
    }
    if (best == null) {
      throw new IllegalArgumentException(
          "no candidate K in " + settings.candidateComponents() + " fits " + training.rows()
              + " training rows");
    }
    return BernoulliMixture.of(best.weights().toDoubleVector(), best.theta().toDoubleMatrix());
  }

  private ExpectationMaximization.Fit bestOfRestarts(INDArray training, int k, Random random) {
    ExpectationMaximization.Fit best = null;
    for (int restart = 0; restart < settings.restarts(); restart++) {
      ExpectationMaximization.Fit fit =
          ExpectationMaximization.run(
              training, startFromDataPoints(training, k, random), settings.prior(),
              settings.trim(), settings.maxIterations(), settings.tolerance());
      if (best == null || fit.meanLogLikelihood() > best.meanLogLikelihood()) best = fit;
    }
    return best;
  }

  /**
   * θ_k halfway between K distinct random rows and the overall bit means: each component starts near
   * a real pattern, which breaks EM's symmetry far faster than uniform random θ does.
   */
  static ExpectationMaximization.Parameters startFromDataPoints(
      INDArray training, int k, Random random) {
    int n = (int) training.rows();
    INDArray means = training.mean(0).reshape(1, training.columns());
    int[] picks = random.ints(0, n).distinct().limit(k).toArray();
    INDArray theta = Nd4j.create(training.dataType(), k, training.columns());
    for (int i = 0; i < k; i++) {
      theta.putRow(i, training.getRow(picks[i]).reshape(1, training.columns()).add(means).muli(0.5));
    }
    // Keep every start strictly inside (0, 1) so the first E step's logarithms are finite.
    theta.muli(0.98).addi(0.01);
    INDArray weights = Nd4j.ones(training.dataType(), k).divi(k);
    return new ExpectationMaximization.Parameters(theta, weights);
  }
}
