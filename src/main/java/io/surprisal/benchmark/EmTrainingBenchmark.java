package io.surprisal.benchmark;

import io.surprisal.event.BitVector;
import io.surprisal.train.EmIterations;
import io.surprisal.train.Nd4jRuntime;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The training cost of EM on ND4J: one K from one start over all the given rows, for a fixed number
 * of iterations with no convergence stop, each iteration timed on its own. A fixed count makes
 * runs comparable across machines and data (a tolerance stop would time a different amount of work
 * each time); the median iteration is the figure, since the first iterations also pay for JIT
 * warm-up and the workspace's first allocation.
 */
public final class EmTrainingBenchmark {
  private EmTrainingBenchmark() {}

  /**
   * @param components K (the figure is K = 64)
   * @param iterations E+M iterations run, exactly
   * @param prior α of the Beta(1+α, 1+α) smoothing, as {@code surprisal.mixture.prior}
   * @param seed picks the start's rows
   * @param threads ND4J threads (process-wide; the first call in a process wins)
   */
  public record Settings(int components, int iterations, double prior, long seed, int threads) {
    public Settings {
      if (components < 1) {
        throw new IllegalArgumentException("components must be >= 1, got " + components);
      }
      if (iterations < 1) {
        throw new IllegalArgumentException("iterations must be >= 1, got " + iterations);
      }
      if (!(prior > 0)) throw new IllegalArgumentException("prior must be > 0, got " + prior);
      if (threads < 1) throw new IllegalArgumentException("threads must be >= 1, got " + threads);
    }
  }

  /** One finished iteration: its number (from 1), wall time, and mean log p(x) at its start. */
  public record Iteration(int number, double seconds, double meanLogLikelihood) {}

  /**
   * @param secondsTotal setup (packing the rows into ND4J and drawing the start) plus every
   *     iteration; the final log-likelihood's evaluation is not counted
   * @param secondsPerIteration median over the iterations
   * @param meanLogLikelihoods mean log p(x) at the start of each iteration
   * @param finalMeanLogLikelihood mean log p(x) at the parameters after the last iteration
   */
  public record Result(int rows, int dimension, int components, int iterations, int threads,
      double secondsTotal, double secondsPerIteration, double setupSeconds,
      List<Double> iterationSeconds, List<Double> meanLogLikelihoods,
      double finalMeanLogLikelihood) {}

  /** Runs the iterations, reporting each to {@code progress} as it ends. */
  public static Result run(List<BitVector> rows, Settings settings, Consumer<Iteration> progress) {
    Nd4jRuntime.limitThreads(settings.threads());
    long started = System.nanoTime();
    EmIterations em = EmIterations.start(rows, settings.components(), settings.prior(),
        settings.seed());
    double setupSeconds = (System.nanoTime() - started) / 1e9;
    List<Double> seconds = new ArrayList<>(settings.iterations());
    List<Double> means = new ArrayList<>(settings.iterations());
    for (int i = 1; i <= settings.iterations(); i++) {
      long begun = System.nanoTime();
      double mean = em.iterate();
      double elapsed = (System.nanoTime() - begun) / 1e9;
      seconds.add(elapsed);
      means.add(mean);
      progress.accept(new Iteration(i, elapsed, mean));
    }
    double total = setupSeconds + seconds.stream().mapToDouble(Double::doubleValue).sum();
    return new Result(em.rows(), em.dimension(), em.components(), em.iterations(),
        settings.threads(), total, median(seconds), setupSeconds, seconds, means,
        em.meanLogLikelihood());
  }

  static double median(List<Double> values) {
    double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    int middle = sorted.length / 2;
    return sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
  }
}
