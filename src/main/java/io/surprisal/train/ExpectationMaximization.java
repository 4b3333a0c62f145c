package io.surprisal.train;

import java.util.Arrays;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * EM for a Bernoulli mixture on ND4J, with whole-batch matrix products for both steps.
 *
 * <p>E step: joint = X·Aᵀ + b (A = log-odds of θ, b_k = log π_k + Σ_d log(1−θ_kd)), then a row-wise
 * log-sum-exp. M step with a symmetric Beta(1+α, 1+α) prior on every θ_kd, so no probability
 * reaches 0 or 1 however few rows a component owns: θ = (Rᵀ·X + α) / (N_k + 2α), and
 * π_k = (N_k + 1) / (N + K).
 *
 * <p>Trimmed (share t &gt; 0): each M step leaves out the ⌊t·N⌋ rows the current parameters find
 * least likely, and the objective is the mean log p(x) of the rest, the trimmed likelihood of
 * Neykov et al. (Computational Statistics &amp; Data Analysis, 2007). Choosing the rows and then
 * maximizing over them each raise that objective, so the iteration still climbs. Far-out rows of
 * the window (anomalies) then cannot pull a component of their own into being.
 */
final class ExpectationMaximization {
  private ExpectationMaximization() {}

  /** Parameters as ND4J arrays: theta K×L, weights of length K. */
  record Parameters(INDArray theta, INDArray weights) {
    int components() {
      return (int) theta.rows();
    }
  }

  record Fit(Parameters parameters, double meanLogLikelihood, int iterations) {}

  /**
   * Runs EM from {@code start} until the (trimmed) mean log-likelihood gains less than tolerance;
   * {@code trim} is the share of rows each M step leaves out, 0 for none.
   */
  static Fit run(INDArray x, Parameters start, double prior, double trim, int maxIterations,
      double tolerance) {
    Parameters current = start;
    double previous = Double.NEGATIVE_INFINITY;
    double mean = Double.NEGATIVE_INFINITY;
    int iteration = 0;
    while (iteration < maxIterations) {
      iteration++;
      Step step = step(x, current, prior, trim);
      current = step.next();
      mean = step.meanLogLikelihood();
      if (mean - previous < tolerance) break;
      previous = mean;
    }
    // The loop's mean belongs to the parameters before the last M step; report the final ones.
    return new Fit(current, meanLogLikelihood(x, current, trim), iteration);
  }

  /**
   * One iteration's result: the parameters after its M step, and the mean log p(x) at the
   * parameters it started from (what its E step computed on the way).
   */
  record Step(Parameters next, double meanLogLikelihood) {}

  /** One E step and one M step from {@code current}, with no convergence test. */
  static Step step(INDArray x, Parameters current, double prior) {
    return step(x, current, prior, 0);
  }

  /** One trimmed iteration: its M step leaves out the ⌊trim·N⌋ least likely rows. */
  static Step step(INDArray x, Parameters current, double prior, double trim) {
    try (MemoryWorkspace ignored = TrainingMemory.step("em-iteration")) {
      Expectation expectation = expect(x, current, trim);
      Parameters next = maximize(x, expectation.responsibilities(), prior, expectation.kept());
      // The new parameters outlive the iteration; the N×K temporaries stay in the workspace.
      return new Step(new Parameters(next.theta().detach(), next.weights().detach()),
          expectation.meanLogLikelihood());
    }
  }

  /** Mean log p(x) over the rows of x. */
  static double meanLogLikelihood(INDArray x, Parameters parameters) {
    return meanLogLikelihood(x, parameters, 0);
  }

  /** Mean log p(x) over the rows of x but the ⌊trim·N⌋ least likely. */
  static double meanLogLikelihood(INDArray x, Parameters parameters, double trim) {
    try (MemoryWorkspace ignored = TrainingMemory.step("em-evaluation")) {
      INDArray joint = joint(x, parameters);
      return Trimming.of(rowLogSumExp(joint), trim).keptMean();
    }
  }

  /**
   * The E step's result: posterior p(k | x_n) as N×K (zero for the rows trimmed), how many rows
   * it keeps, and the mean log p(x) of those at the parameters it was computed at.
   */
  private record Expectation(INDArray responsibilities, long kept, double meanLogLikelihood) {}

  private static Expectation expect(INDArray x, Parameters parameters, double trim) {
    INDArray joint = joint(x, parameters);
    INDArray logNorm = rowLogSumExp(joint);
    Trimming trimming = Trimming.of(logNorm, trim);
    joint.subiColumnVector(logNorm);
    INDArray responsibilities = Transforms.exp(joint, false);
    if (trimming.trimmed() > 0) responsibilities.muliColumnVector(trimming.keptMask());
    return new Expectation(responsibilities, trimming.kept(), trimming.keptMean());
  }

  /** Which rows a trimmed step keeps: all but the ⌊trim·N⌋ with the lowest log p(x). */
  private record Trimming(INDArray logLikelihoods, double cut, int trimmed, double keptMean) {
    static Trimming of(INDArray logLikelihoods, double trim) {
      double[] values = logLikelihoods.toDoubleVector();
      int trimmed = (int) Math.floor(trim * values.length);
      if (trimmed == 0) {
        return new Trimming(logLikelihoods, Double.NEGATIVE_INFINITY, 0,
            Arrays.stream(values).average().orElse(Double.NaN));
      }
      double[] sorted = values.clone();
      Arrays.sort(sorted);
      double cut = sorted[trimmed];
      // Rows tied with the cut are kept, as the mask keeps them.
      while (trimmed > 0 && sorted[trimmed - 1] >= cut) trimmed--;
      double sum = 0;
      for (int i = trimmed; i < sorted.length; i++) sum += sorted[i];
      return new Trimming(logLikelihoods, cut, trimmed, sum / (sorted.length - trimmed));
    }

    long kept() {
      return logLikelihoods.length() - trimmed;
    }

    /** N×1: 1 for a row kept, 0 for a row trimmed (ties at the cut are kept). */
    INDArray keptMask() {
      return logLikelihoods.gte(cut).castTo(logLikelihoods.dataType());
    }
  }

  /** N×K log π_k p(x_n | k). */
  private static INDArray joint(INDArray x, Parameters parameters) {
    INDArray theta = parameters.theta();
    INDArray logOneMinus = Transforms.log(theta.rsub(1.0), false);
    INDArray logOdds = Transforms.log(theta, true).subi(logOneMinus);
    INDArray bias = logOneMinus.sum(1).addi(Transforms.log(parameters.weights(), true));
    INDArray joint = x.mmul(logOdds.transpose());
    return joint.addiRowVector(bias.reshape(1, bias.length()));
  }

  /** Column N×1 of log Σ_k exp(joint[n,k]), computed stably. */
  private static INDArray rowLogSumExp(INDArray joint) {
    INDArray max = joint.max(true, 1);
    INDArray shifted = joint.subColumnVector(max);
    return Transforms.log(Transforms.exp(shifted, false).sum(true, 1), false).addi(max);
  }

  /** @param n the rows the responsibilities count (those not trimmed) */
  private static Parameters maximize(INDArray x, INDArray responsibilities, double prior, long n) {
    int k = (int) responsibilities.columns();
    INDArray counts = responsibilities.sum(0); // N_k
    INDArray theta = responsibilities.transpose().mmul(x).addi(prior);
    theta.diviColumnVector(counts.add(2 * prior).reshape(k, 1));
    INDArray weights = counts.add(1.0).divi((double) (n + k));
    return new Parameters(theta, weights);
  }
}
