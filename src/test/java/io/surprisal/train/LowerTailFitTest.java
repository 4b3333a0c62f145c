package io.surprisal.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.withinPercentage;

import io.surprisal.model.LowerTail;
import io.surprisal.model.RateInterval;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The lower-tail fit on tails whose truth is known: an exponential one (a generalized Pareto tail
 * with ξ = 0 beyond every threshold, so the fit's model is exact and only its sampling error is
 * left) and a generalized Pareto one with ξ = 0.2.
 */
class LowerTailFitTest {
  /** log p(x) = −5·E with E ~ Exp(1): P(log p(x) &lt; t) = e^(t/5). */
  private static double[] exponential(int n, SplittableRandom random) {
    double[] values = new double[n];
    for (int i = 0; i < n; i++) values[i] = 5 * Math.log(random.nextDouble());
    Arrays.sort(values);
    return values;
  }

  private static double exponentialRate(double threshold) {
    return Math.exp(threshold / 5);
  }

  /**
   * Over 1,000 holdouts the realized rate at the fitted threshold, e^(t/5), lies inside the stated
   * 90% interval in 88.5%–92.5% of them (the binomial 99% range of 90% for 1,000), and averages q
   * within 25%: the threshold recovers the q-quantile as well as the interval says it does.
   */
  @Test
  void shouldRecoverTheQuantileOfAnExponentialTailWithinItsStatedInterval() {
    assertCoverage(200, 0.001, 11);
    assertCoverage(2_000, 0.0001, 12);
  }

  private static void assertCoverage(int n, double q, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    int holdouts = 1_000;
    int covered = 0;
    double rateSum = 0;
    for (int h = 0; h < holdouts; h++) {
      LowerTailFit fit = LowerTailFit.fit(exponential(n, random)).fit();
      double threshold = fit.logLikelihoodAtRate(q);
      RateInterval stated = fit.rateInterval(threshold);
      double rate = exponentialRate(threshold);
      if (rate >= stated.low() && rate <= stated.high()) covered++;
      rateSum += rate;
    }
    System.out.printf("holdouts of %d, q = %s: %d of %d covered, mean rate/q %.3f%n", n, q, covered,
        holdouts, rateSum / holdouts / q);
    assertThat(covered).as("holdouts of %d, q = %s: covered", n, q).isBetween(875, 924);
    assertThat(rateSum / holdouts / q).as("holdouts of %d: mean rate / q", n).isBetween(0.8, 1.25);
  }

  @Test
  void shouldRecoverTheShapeOfAGeneralizedParetoTail() {
    // log p(x) = −Y, Y ~ GPD(σ = 1, ξ = 0.2): the lowest 5% of 20,000 (1,000 values) exceed their
    // threshold by a GPD with the same ξ; its estimate has a standard error near 0.04.
    SplittableRandom random = new SplittableRandom(13);
    double[] values = new double[20_000];
    for (int i = 0; i < values.length; i++) {
      values[i] = -(Math.pow(random.nextDouble(), -0.2) - 1) / 0.2;
    }
    Arrays.sort(values);
    int tail = LowerTailFit.tailPoints(values.length);
    double u = values[tail];
    double[] exceedances = new double[tail];
    for (int i = 0; i < tail; i++) exceedances[i] = u - values[tail - 1 - i];
    GpdPosterior posterior = GpdPosterior.of(exceedances, false, GpdPosterior.SHAPES[0]);

    assertThat(posterior.meanShape()).isBetween(0.08, 0.32);
    assertThat(posterior.shapeEdgeMass()).isLessThan(0.01);
  }

  @Test
  void shouldRefuseAHoldoutTooSmallForFiftyTailPoints() {
    LowerTailFit.Outcome outcome = LowerTailFit.fit(exponential(199, new SplittableRandom(1)));
    assertThat(outcome.fitted()).isFalse();
    assertThat(outcome.failure()).isEqualTo("a holdout of 199 values is too small for a tail fit"
        + " (it needs 200: 50 tail points, at most 25% of the holdout)");
  }

  @Test
  void shouldRefuseATailOfTies() {
    // Discrete log-likelihoods: the lowest 60 of 1,000 are all −10, so the tail threshold (the
    // 51st smallest) has nothing strictly below it.
    double[] values = exponential(1_000, new SplittableRandom(2));
    Arrays.fill(values, 0, 60, -10 - 5 * 8.0);
    Arrays.sort(values);
    LowerTailFit.Outcome outcome = LowerTailFit.fit(values);
    assertThat(outcome.fitted()).isFalse();
    assertThat(outcome.failure()).isEqualTo("only 0 holdout values lie below the tail threshold"
        + " -50.0 (ties), fewer than the 50 a tail fit needs");
  }

  @Test
  void shouldRefuseATailHeavierThanTheShapesItConsiders() {
    // Y = U^−2 − 1: a GPD with ξ = 2, far beyond the 0.5 where extrapolating a log-likelihood
    // tail stops being believable.
    SplittableRandom random = new SplittableRandom(3);
    double[] values = new double[2_000];
    for (int i = 0; i < values.length; i++) values[i] = 1 - Math.pow(random.nextDouble(), -2);
    Arrays.sort(values);
    LowerTailFit.Outcome outcome = LowerTailFit.fit(values);
    assertThat(outcome.fitted()).isFalse();
    assertThat(outcome.failure()).startsWith("the tail's shape is outside [-0.5, 0.5] (posterior"
        + " mass 1.00 at the edges)");
  }

  @Test
  void shouldTabulateItsPredictiveRatesForPercentiles() {
    LowerTailFit fit = LowerTailFit.fit(exponential(2_000, new SplittableRandom(4))).fit();
    LowerTail table = fit.table();
    double[] logLikelihoods = table.logLikelihoods();
    double[] rates = table.rates();

    // From the tail threshold (its share, 101/2001) down to a rate of 10^−12.
    assertThat(logLikelihoods[logLikelihoods.length - 1]).isEqualTo(fit.tailThreshold());
    assertThat(rates[rates.length - 1]).isEqualTo(101 / 2001.0);
    assertThat(rates[0]).isLessThan(1e-12).isPositive();
    // At every node the table gives the fit's own predictive rate, and in between it stays within
    // 5% of it.
    double worst = 0;
    for (int i = 0; i < rates.length; i++) {
      if (i > 0) {
        double middle = 0.5 * (logLikelihoods[i - 1] + logLikelihoods[i]);
        worst = Math.max(worst, Math.abs(table.rateBelow(middle) / fit.rateBelow(middle) - 1));
      }
      assertThat(table.rateBelow(logLikelihoods[i])).isCloseTo(rates[i], withinPercentage(1e-9));
      if (i == rates.length - 1) System.out.printf("%d nodes, worst %.4f%n", rates.length, worst);
      assertThat(fit.rateBelow(logLikelihoods[i])).isCloseTo(rates[i], withinPercentage(1e-6));
      if (i > 0) {
        double middle = 0.5 * (logLikelihoods[i - 1] + logLikelihoods[i]);
        assertThat(table.rateBelow(middle))
            .isCloseTo(fit.rateBelow(middle), withinPercentage(5));
      }
    }
  }
}
