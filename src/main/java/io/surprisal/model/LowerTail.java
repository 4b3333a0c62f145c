package io.surprisal.model;

import java.util.Arrays;

/**
 * A holdout's lower tail beyond its smallest value, as a fitted tail model saw it: nodes
 * (log p(x), P(log p(x) &lt; it)), interpolated log-linearly, so that a percentile below the holdout
 * still reads as a p-value instead of 0. Empty when no tail was fitted.
 *
 * @param logLikelihoods ascending, strictly
 * @param rates the predictive share of traffic below each, ascending, strictly, inside (0, 1]
 */
public record LowerTail(double[] logLikelihoods, double[] rates) {
  public static final LowerTail NONE = new LowerTail(new double[0], new double[0]);
  /** The most nodes a tail may have: what a fit writes at most, and what a record may ask for. */
  public static final int MAX_NODES = 64;

  public LowerTail {
    if (logLikelihoods.length != rates.length || logLikelihoods.length == 1
        || logLikelihoods.length > MAX_NODES) {
      throw new IllegalArgumentException("lower tail must have 0 or 2.." + MAX_NODES
          + " nodes with one rate each, got " + logLikelihoods.length + " log-likelihoods and "
          + rates.length + " rates");
    }
    logLikelihoods = logLikelihoods.clone();
    rates = rates.clone();
    for (int i = 0; i < rates.length; i++) {
      boolean ascending = i == 0
          || (logLikelihoods[i] > logLikelihoods[i - 1] && rates[i] > rates[i - 1]);
      if (!Double.isFinite(logLikelihoods[i]) || !(rates[i] > 0 && rates[i] <= 1) || !ascending) {
        throw new IllegalArgumentException("lower tail nodes must be finite, strictly ascending,"
            + " with rates inside (0, 1], got (" + logLikelihoods[i] + ", " + rates[i] + ") at "
            + i);
      }
    }
  }

  public boolean isEmpty() {
    return rates.length == 0;
  }

  /**
   * The predictive share of traffic below a log-likelihood: between nodes log-linear, beyond the
   * deepest node along the deepest segment, above the highest node that node's rate. 0 when empty.
   */
  public double rateBelow(double logLikelihood) {
    int count = rates.length;
    if (count == 0 || logLikelihood == Double.NEGATIVE_INFINITY) return 0;
    if (logLikelihood >= logLikelihoods[count - 1]) return rates[count - 1];
    int i = 0;
    while (i < count - 2 && logLikelihood >= logLikelihoods[i + 1]) i++;
    double slope = (Math.log(rates[i + 1]) - Math.log(rates[i]))
        / (logLikelihoods[i + 1] - logLikelihoods[i]);
    return Math.exp(Math.log(rates[i]) + slope * (logLikelihood - logLikelihoods[i]));
  }

  /**
   * The inverse of {@link #rateBelow}: the lowest log-likelihood whose rate below is at least
   * exp(logRate), along the same segments (the deepest one extended below the deepest node).
   * +∞ when no rate reaches it (above the highest node's, or an empty tail); −∞ for a logRate of
   * −∞.
   */
  public double logLikelihoodAtLogRate(double logRate) {
    int count = rates.length;
    if (count == 0 || logRate > Math.log(rates[count - 1])) return Double.POSITIVE_INFINITY;
    int i = 0;
    while (i < count - 2 && logRate > Math.log(rates[i + 1])) i++;
    double slope = (Math.log(rates[i + 1]) - Math.log(rates[i]))
        / (logLikelihoods[i + 1] - logLikelihoods[i]);
    return logLikelihoods[i] + (logRate - Math.log(rates[i])) / slope;
  }

  @Override
  public double[] logLikelihoods() {
    return logLikelihoods.clone();
  }

  @Override
  public double[] rates() {
    return rates.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof LowerTail t
        && Arrays.equals(logLikelihoods, t.logLikelihoods)
        && Arrays.equals(rates, t.rates);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(logLikelihoods) * 31 + Arrays.hashCode(rates);
  }

  @Override
  public String toString() {
    return "LowerTail{" + rates.length + " nodes}";
  }
}
