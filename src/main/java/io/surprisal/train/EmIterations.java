package io.surprisal.train;

import io.surprisal.event.BitVector;
import io.surprisal.model.BernoulliMixture;
import java.util.List;
import java.util.Random;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * EM for one K from one start, advanced one iteration at a time by the caller, with no
 * convergence test: what a training-cost benchmark needs (a fixed number of iterations, each timed
 * on its own).
 * The same E and M steps, start and Beta prior as {@link BernoulliMixtureTrainer}, which is what
 * the stream fits with; the trainer's K search, restarts, tolerance stop and trimming (one sort of
 * the N log-likelihoods per iteration, beside the N·K·L products) are left out on purpose.
 */
public final class EmIterations {
  private final INDArray x;
  private final double prior;
  private ExpectationMaximization.Parameters current;
  private int iterations;

  private EmIterations(INDArray x, ExpectationMaximization.Parameters start, double prior) {
    this.x = x;
    this.current = start;
    this.prior = prior;
  }

  /**
   * Packs the rows into ND4J's F-order matrix and draws the start as the trainer does (θ_k halfway
   * between a random row and the bit means).
   *
   * @param components K, in 1..rows.size()
   * @param prior α of the Beta(1+α, 1+α) smoothing on every θ_kd, > 0
   */
  public static EmIterations start(List<BitVector> rows, int components, double prior, long seed) {
    if (rows.isEmpty()) throw new IllegalArgumentException("rows must not be empty");
    if (components < 1 || components > rows.size()) {
      throw new IllegalArgumentException(
          "components must be in 1.." + rows.size() + " (the row count), got " + components);
    }
    if (!(prior > 0)) throw new IllegalArgumentException("prior must be > 0, got " + prior);
    INDArray x = BinaryMatrix.of(rows, rows.get(0).dimension());
    return new EmIterations(x,
        BernoulliMixtureTrainer.startFromDataPoints(x, components, new Random(seed)), prior);
  }

  /**
   * Runs one E step and one M step.
   *
   * @return the mean log p(x) over the rows at the parameters this iteration started from (the E
   *     step computes it anyway; the final parameters' value is {@link #meanLogLikelihood()})
   */
  public double iterate() {
    ExpectationMaximization.Step step = ExpectationMaximization.step(x, current, prior);
    current = step.next();
    iterations++;
    return step.meanLogLikelihood();
  }

  /** Mean log p(x) over the rows at the current parameters (one more E-step's worth of work). */
  public double meanLogLikelihood() {
    return ExpectationMaximization.meanLogLikelihood(x, current);
  }

  /** Iterations run so far. */
  public int iterations() {
    return iterations;
  }

  public int rows() {
    return (int) x.rows();
  }

  public int dimension() {
    return (int) x.columns();
  }

  public int components() {
    return current.components();
  }

  /** The current parameters as the model the stream scores with. */
  public BernoulliMixture model() {
    return BernoulliMixture.of(
        current.weights().toDoubleVector(), current.theta().toDoubleMatrix());
  }
}
