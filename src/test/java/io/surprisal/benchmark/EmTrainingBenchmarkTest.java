package io.surprisal.benchmark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.surprisal.event.BitVector;
import io.surprisal.generate.SyntheticMixtures;
import io.surprisal.model.BernoulliMixture;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The EM training-time benchmark on a small synthetic set: 3,000 rows of 32 bits from K = 3. */
class EmTrainingBenchmarkTest {
  private static final int ITERATIONS = 40;
  private static List<BitVector> rows;
  private static EmTrainingBenchmark.Result result;
  private static final List<EmTrainingBenchmark.Iteration> reported = new ArrayList<>();

  @BeforeAll
  static void runOnce() {
    BernoulliMixture truth = SyntheticMixtures.separated(3, 32, 7L);
    Random random = new Random(8L);
    rows = new ArrayList<>();
    for (int i = 0; i < 3_000; i++) rows.add(truth.sample(random));
    result = EmTrainingBenchmark.run(rows,
        new EmTrainingBenchmark.Settings(3, ITERATIONS, 1.0, 9L, 1), reported::add);
  }

  @Test
  void shouldRunExactlyTheGivenIterationsEvenPastConvergence() {
    assertThat(result.iterations()).isEqualTo(ITERATIONS);
    assertThat(result.iterationSeconds()).hasSize(ITERATIONS);
    assertThat(result.meanLogLikelihoods()).hasSize(ITERATIONS);
    assertThat(reported).extracting(EmTrainingBenchmark.Iteration::number)
        .containsExactlyElementsOf(java.util.stream.IntStream.rangeClosed(1, ITERATIONS).boxed()
            .toList());
    // The trainer's tolerance stop (a gain under 1e-4 nats) would have ended the run well before
    // its last iteration: the fixed count really runs past convergence.
    List<Double> means = result.meanLogLikelihoods();
    assertThat(means.get(ITERATIONS - 1) - means.get(ITERATIONS - 2)).isLessThan(1e-4);
  }

  @Test
  void shouldNeverLowerTheMeanLogLikelihoodFromOneIterationToTheNext() {
    List<Double> path = new ArrayList<>(result.meanLogLikelihoods());
    path.add(result.finalMeanLogLikelihood());
    for (int i = 1; i < path.size(); i++) {
      assertThat(path.get(i)).as("mean log-likelihood after iteration %d", i)
          .isGreaterThanOrEqualTo(path.get(i - 1) - 1e-9);
    }
    assertThat(result.finalMeanLogLikelihood()).isGreaterThan(path.get(0) + 1.0);
  }

  @Test
  void shouldReportTheShapeAndTheMedianIterationTime() {
    assertThat(result.rows()).isEqualTo(3_000);
    assertThat(result.dimension()).isEqualTo(32);
    assertThat(result.components()).isEqualTo(3);
    double[] sorted = result.iterationSeconds().stream().mapToDouble(Double::doubleValue).sorted()
        .toArray();
    assertThat(result.secondsPerIteration())
        .isCloseTo((sorted[ITERATIONS / 2 - 1] + sorted[ITERATIONS / 2]) / 2, within(1e-12));
    double sum = result.iterationSeconds().stream().mapToDouble(Double::doubleValue).sum();
    assertThat(result.secondsTotal()).isCloseTo(sum + result.setupSeconds(), within(1e-9));
    assertThat(reported).extracting(EmTrainingBenchmark.Iteration::seconds)
        .containsExactlyElementsOf(result.iterationSeconds());
  }

  @Test
  void shouldGiveTheSameLogLikelihoodPathForTheSameSeed() {
    EmTrainingBenchmark.Result again = EmTrainingBenchmark.run(rows,
        new EmTrainingBenchmark.Settings(3, ITERATIONS, 1.0, 9L, 1), iteration -> {});
    assertThat(again.meanLogLikelihoods()).containsExactlyElementsOf(result.meanLogLikelihoods());
  }

  @Test
  void shouldRefuseZeroIterationsNamingTheSetting() {
    assertThatThrownBy(() -> new EmTrainingBenchmark.Settings(64, 0, 1.0, 1L, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("iterations must be >= 1, got 0");
  }

  @Test
  void shouldRefuseMoreComponentsThanRows() {
    assertThatThrownBy(() -> EmTrainingBenchmark.run(rows.subList(0, 5),
        new EmTrainingBenchmark.Settings(6, 1, 1.0, 1L, 1), iteration -> {}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("components must be in 1..5 (the row count), got 6");
  }
}
