package io.surprisal.train;

import io.surprisal.model.LowerTail;
import io.surprisal.model.RateInterval;
import java.util.ArrayList;
import java.util.List;

/**
 * Extreme-value extrapolation of a holdout's lower tail (peaks over threshold, as in SPOT, Siffer
 * et al., KDD 2017): below a tail threshold u, the exceedances y = u − log p(x) follow a
 * generalized Pareto distribution (GPD), so the log-likelihood with alert rate q is u − y_q with
 * P(Y &gt; y_q) = q / P(log p(x) &lt; u). The GPD is not a point fit but a posterior
 * ({@link GpdPosterior}, which says why), and P(log p(x) &lt; u) is the mean of u's share when u is
 * the (N+1)-th smallest of n values, (N+1)/(n+1).
 *
 * <p>The tail is the lowest 5% of the holdout but at least {@link #MIN_TAIL_POINTS} values, a
 * choice between bias (a GPD describes a tail better the further out it starts) and variance (the
 * shape ξ is hard to pin down from few points, and the predictive then leans on the heavier
 * shapes and alerts less than q). Measured over 1,500 holdouts each, the mean alert rate against q:
 * at n = 200 with 20 tail points 0.49 (normal), 0.85 (−Gamma(2)), 1.02 (mirrored log-normal, σ =
 * 0.5) at q = 0.001 and 0.05, 0.20, 0.50 at q = 0.0001; with 50 points 1.00, 1.08, 1.11 and 0.97,
 * 0.94, 1.11; with 60 already 1.13–1.49. At n = 2,000 and q = 0.0001 a 5% tail gave 1.21, 0.99,
 * 1.01, a 10% tail 1.46, 1.07, 1.13. At most a quarter of the holdout may be tail, so a holdout
 * needs {@link #MIN_HOLDOUT} values.
 */
final class LowerTailFit {
  static final int MIN_TAIL_POINTS = 50;
  static final double TAIL_SHARE = 0.05;
  static final double MAX_TAIL_SHARE = 0.25;
  static final int MIN_HOLDOUT = (int) Math.ceil(MIN_TAIL_POINTS / MAX_TAIL_SHARE);
  /** The interval reported for a rate: central 90%. */
  static final double INTERVAL_LEVEL = 0.9;
  /** The smallest rate the percentile table reaches (below it the last segment continues). */
  private static final double SMALLEST_TABULATED_RATE = 1e-12;

  private final double tailThreshold;
  private final int holdoutSize;
  private final int tailPoints;
  private final GpdPosterior posterior;

  private LowerTailFit(
      double tailThreshold, int holdoutSize, int tailPoints, GpdPosterior posterior) {
    this.tailThreshold = tailThreshold;
    this.holdoutSize = holdoutSize;
    this.tailPoints = tailPoints;
    this.posterior = posterior;
  }

  /** A fit, or why there is none. */
  record Outcome(LowerTailFit fit, String failure) {
    boolean fitted() {
      return fit != null;
    }
  }

  /** How many values the tail of a holdout of n holds. */
  static int tailPoints(int n) {
    return Math.max(MIN_TAIL_POINTS, (int) Math.ceil(TAIL_SHARE * n));
  }

  /** @param sorted the holdout's log-likelihoods, ascending and finite */
  static Outcome fit(double[] sorted) {
    return fit(sorted, tailPoints(sorted.length), 0, GpdPosterior.SHAPES[0]);
  }

  /**
   * @param tailPoints N: the tail threshold u is the (N+1)-th smallest value
   * @param ignored how many of the lowest values the fit must not depend on: the next one is then a
   *     truncation point, and the values between it and u are fitted as a sample of the tail
   *     truncated there (conditioning on that order statistic makes them exactly that)
   * @param lightestShape the smallest shape ξ the fit considers, of {@link GpdPosterior#SHAPES}
   */
  static Outcome fit(double[] sorted, int tailPoints, int ignored, double lightestShape) {
    int n = sorted.length;
    if (n < MIN_HOLDOUT || tailPoints >= n) {
      return new Outcome(null, "a holdout of " + n + " values is too small for a tail fit (it needs"
          + " " + MIN_HOLDOUT + ": " + MIN_TAIL_POINTS + " tail points, at most "
          + (int) (MAX_TAIL_SHARE * 100) + "% of the holdout)");
    }
    double u = sorted[tailPoints];
    int below = tailPoints;
    while (below > 0 && sorted[below - 1] == u) below--; // ties with u are not exceedances
    int used = below - ignored;
    int sample = ignored > 0 ? used - 1 : used; // a truncation point is not a sample value
    if (sample < MIN_TAIL_POINTS) {
      return new Outcome(null, "only " + sample + " holdout values lie below the tail threshold "
          + u + " (ties), fewer than the " + MIN_TAIL_POINTS + " a tail fit needs");
    }
    double[] exceedances = new double[used];
    for (int i = 0; i < used; i++) exceedances[i] = u - sorted[below - 1 - i];
    GpdPosterior posterior = GpdPosterior.of(exceedances, ignored > 0, lightestShape);
    if (posterior == null) {
      return new Outcome(null, "the tail's likelihood has no maximum for any shape");
    }
    if (posterior.shapeEdgeMass() > 0.5) {
      return new Outcome(null, String.format("the tail's shape is outside [%.1f, %.1f] (posterior"
              + " mass %.2f at the edges), where extrapolating it is not reliable",
          GpdPosterior.SHAPES[0], GpdPosterior.SHAPES[GpdPosterior.SHAPES.length - 1],
          posterior.shapeEdgeMass()));
    }
    return new Outcome(new LowerTailFit(u, n, below, posterior), null);
  }

  /** P(log p(x) &lt; u): the tail's share, averaged over holdouts. */
  double tailShare() {
    return (tailPoints + 1.0) / (holdoutSize + 1.0);
  }

  double tailThreshold() {
    return tailThreshold;
  }

  /** Predictive P(log p(x) &lt; logLikelihood) for a log-likelihood below the tail threshold. */
  double rateBelow(double logLikelihood) {
    return tailShare() * posterior.survival(Math.max(0, tailThreshold - logLikelihood));
  }

  /** The log-likelihood below which the predictive alert rate is {@code rate} (&lt; tailShare). */
  double logLikelihoodAtRate(double rate) {
    return tailThreshold - posterior.exceedance(rate / tailShare());
  }

  /**
   * A central {@link #INTERVAL_LEVEL} interval for the alert rate at a threshold: the rate is
   * P(log p(x) &lt; u)·P(Y &gt; u − threshold), the first Beta(N+1, n−N) (u is an order statistic;
   * taken log-normal with that Beta's log mean and variance), the second posterior.
   */
  RateInterval rateInterval(double threshold) {
    double a = tailPoints + 1.0;
    double b = holdoutSize - tailPoints;
    double logShareMean = digamma(a) - digamma(a + b);
    double logShareSd = Math.sqrt(trigamma(a) - trigamma(a + b));
    double[] survivals = posterior.atomSurvivals(Math.max(0, tailThreshold - threshold));
    double[] weights = posterior.atomWeights();
    double[] logSurvivals = new double[survivals.length];
    for (int i = 0; i < survivals.length; i++) logSurvivals[i] = Math.log(survivals[i]);
    double tail = (1 - INTERVAL_LEVEL) / 2;
    return new RateInterval(
        rateQuantile(logSurvivals, weights, logShareMean, logShareSd, tail),
        rateQuantile(logSurvivals, weights, logShareMean, logShareSd, 1 - tail));
  }

  private static double rateQuantile(
      double[] logSurvivals, double[] weights, double mean, double sd, double level) {
    double low = Double.POSITIVE_INFINITY;
    double high = Double.NEGATIVE_INFINITY;
    for (double s : logSurvivals) {
      if (s > Double.NEGATIVE_INFINITY) {
        low = Math.min(low, s + mean - 9 * sd);
        high = Math.max(high, s + mean + 9 * sd);
      }
    }
    if (low == Double.POSITIVE_INFINITY) return 0;
    if (rateCdf(logSurvivals, weights, mean, sd, low) >= level) return 0; // atoms at rate 0
    double x = 0.5 * (low + high);
    for (int i = 0; i < 100 && high - low > 1e-10; i++) {
      double cdf = 0;
      double density = 0;
      for (int a = 0; a < logSurvivals.length; a++) {
        double z = (x - logSurvivals[a] - mean) / sd; // −∞ survival: z = +∞, cdf 1, density 0
        cdf += weights[a] * normalCdf(z);
        if (z < 40) density += weights[a] * Math.exp(-0.5 * z * z) / (sd * Math.sqrt(2 * Math.PI));
      }
      if (cdf < level) low = x; else high = x;
      if (Math.abs(cdf - level) < 1e-12) break;
      double next = density > 0 ? x - (cdf - level) / density : Double.NaN;
      x = next > low && next < high ? next : 0.5 * (low + high);
    }
    return Math.min(1, Math.exp(x));
  }

  /** P(rate ≤ e^logRate) over the posterior atoms and the log-normal tail share. */
  private static double rateCdf(
      double[] logSurvivals, double[] weights, double mean, double sd, double logRate) {
    double p = 0;
    for (int a = 0; a < logSurvivals.length; a++) {
      p += weights[a] * normalCdf((logRate - logSurvivals[a] - mean) / sd); // −∞ survival: 1
    }
    return p;
  }

  /**
   * Predictive rates from u down to a rate of 10^−12 (or {@link LowerTail#MAX_NODES} nodes), for
   * percentiles below the holdout's smallest value. Nodes sit at exceedances growing by a quarter
   * each step from the one that divides the rate by √10: log-linear in between, exact for an
   * exponential tail and within a few percent for the posterior's mixture of tails.
   */
  LowerTail table() {
    List<double[]> nodes = new ArrayList<>();
    double share = tailShare();
    nodes.add(new double[] {tailThreshold, share});
    double y = posterior.exceedance(1 / Math.sqrt(10));
    while (nodes.size() < LowerTail.MAX_NODES) {
      double rate = share * posterior.survival(y);
      double[] last = nodes.get(nodes.size() - 1);
      if (!(rate < last[1]) || !(tailThreshold - y < last[0])) break; // a bounded tail's end
      nodes.add(new double[] {tailThreshold - y, rate});
      if (rate < SMALLEST_TABULATED_RATE) break;
      y *= 1.25;
    }
    int count = nodes.size();
    double[] logLikelihoods = new double[count];
    double[] rates = new double[count];
    for (int i = 0; i < count; i++) {
      logLikelihoods[i] = nodes.get(count - 1 - i)[0];
      rates[i] = nodes.get(count - 1 - i)[1];
    }
    return new LowerTail(logLikelihoods, rates);
  }

  /** ψ(x) for x &gt;= 1: recurrence up to 6, then the asymptotic series. */
  static double digamma(double x) {
    double shift = 0;
    while (x < 6) {
      shift -= 1 / x;
      x += 1;
    }
    double inv = 1 / (x * x);
    return shift + Math.log(x) - 0.5 / x
        - inv * (1.0 / 12 - inv * (1.0 / 120 - inv * (1.0 / 252 - inv / 240)));
  }

  /** ψ'(x) for x &gt;= 1: recurrence up to 6, then the asymptotic series. */
  static double trigamma(double x) {
    double shift = 0;
    while (x < 6) {
      shift += 1 / (x * x);
      x += 1;
    }
    double inv = 1 / (x * x);
    return shift + 1 / x + 0.5 * inv
        + inv / x * (1.0 / 6 - inv * (1.0 / 30 - inv * (1.0 / 42 - inv / 30)));
  }

  /** Φ(z), from erfc with fractional error below 1.2e-7 (Numerical Recipes' erfcc). */
  static double normalCdf(double z) {
    double x = Math.abs(z) / Math.sqrt(2);
    double t = 1 / (1 + 0.5 * x);
    double erfc = t * Math.exp(-x * x - 1.26551223 + t * (1.00002368 + t * (0.37409196
        + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398
        + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
    return z >= 0 ? 1 - 0.5 * erfc : 0.5 * erfc;
  }
}
