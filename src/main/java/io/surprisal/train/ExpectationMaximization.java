package io.surprisal.train;

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

  /** Runs EM from {@code start} until the mean log-likelihood gains less than tolerance. */
  static Fit run(INDArray x, Parameters start, double prior, int maxIterations, double tolerance) {
    Parameters current = start;
    double previous = Double.NEGATIVE_INFINITY;
    double mean = Double.NEGATIVE_INFINITY;
    int iteration = 0;
    while (iteration < maxIterations) {
      iteration++;
      Step step = step(x, current, prior);
      current = step.next();
      mean = step.meanLogLikelihood();
      if (mean - previous < tolerance) break;
      previous = mean;
    }
    // The loop's mean belongs to the parameters before the last M step; report the final ones.
    return new Fit(current, meanLogLikelihood(x, current), iteration);
  }

  /**
   * One iteration's result: the parameters after its M step, and the mean log p(x) at the
   * parameters it started from (what its E step computed on the way).
   */
  record Step(Parameters next, double meanLogLikelihood) {}

  /** One E step and one M step from {@code current}, with no convergence test. */
  static Step step(INDArray x, Parameters current, double prior) {
    try (MemoryWorkspace ignored = TrainingMemory.step("em-iteration")) {
      Expectation expectation = expect(x, current);
      Parameters next = maximize(x, expectation.responsibilities(), prior);
      // The new parameters outlive the iteration; the N×K temporaries stay in the workspace.
      return new Step(new Parameters(next.theta().detach(), next.weights().detach()),
          expectation.meanLogLikelihood());
    }
  }

  /** Mean log p(x) over the rows of x. */
  static double meanLogLikelihood(INDArray x, Parameters parameters) {
    try (MemoryWorkspace ignored = TrainingMemory.step("em-evaluation")) {
      INDArray joint = joint(x, parameters);
      return rowLogSumExp(joint).meanNumber().doubleValue();
    }
  }

  /** The E step's result: posterior p(k | x_n) as N×K, and the mean log p(x) it was computed at. */
  private record Expectation(INDArray responsibilities, double meanLogLikelihood) {}

  private static Expectation expect(INDArray x, Parameters parameters) {
    INDArray joint = joint(x, parameters);
    INDArray logNorm = rowLogSumExp(joint);
    double mean = logNorm.meanNumber().doubleValue();
    joint.subiColumnVector(logNorm);
    return new Expectation(Transforms.exp(joint, false), mean);
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

  static Parameters maximize(INDArray x, INDArray responsibilities, double prior) {
    long n = x.rows();
    int k = (int) responsibilities.columns();
    INDArray counts = responsibilities.sum(0); // N_k
    INDArray theta = responsibilities.transpose().mmul(x).addi(prior);
    theta.diviColumnVector(counts.add(2 * prior).reshape(k, 1));
    INDArray weights = counts.add(1.0).divi((double) (n + k));
    return new Parameters(theta, weights);
  }
}
