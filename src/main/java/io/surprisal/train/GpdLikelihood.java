package io.surprisal.train;

/**
 * The log-likelihood of the exceedances in t = log σ for a fixed ξ, with its first two
 * derivatives. With w = y/σ and z = ξw: log f = −t − (1 + 1/ξ)·log(1 + z), log S = −log(1 + z)/ξ,
 * d/dt log f = −1 + (1 + ξ)w/(1 + z), d/dt log S = w/(1 + z), and the second derivatives
 * −(1 + ξ)w/(1 + z)² and −w/(1 + z)²: concave in t. A truncated sample adds −K·log F(y_c) for its
 * K values below y_c, whose derivatives follow from log S's: K·g'·S/F and K·(g''·S/F + g'²·S/F²).
 * That term flattens the likelihood as σ grows (the truncated density tends to a uniform one), so
 * the mode is searched for only up to a σ of e^12 times the largest exceedance. The exceedances come
 * as (value, count) pairs ({@link GpdPosterior} thins large samples).
 */
final class GpdLikelihood {
  private final double[] y;
  private final double[] count;
  private final double total;
  private final double largest;
  private final boolean truncated;

  /** @param largest y_c when truncated, else the largest exceedance (for ξ &lt; 0's support) */
  GpdLikelihood(double[][] thinned, double largest, boolean truncated) {
    this.y = thinned[0];
    this.count = thinned[1];
    double sum = 0;
    for (double c : count) sum += c;
    this.total = sum;
    this.largest = largest;
    this.truncated = truncated;
  }

  double value(double xi, double t) {
    double sigma = Math.exp(t);
    if (xi < 0 && 1 + xi * largest / sigma <= 0) return Double.NEGATIVE_INFINITY;
    double sum = -total * t;
    for (int i = 0; i < y.length; i++) {
      double w = y[i] / sigma;
      sum -= count[i] * (xi == 0 ? w : (1 + 1 / xi) * Math.log(1 + xi * w));
    }
    if (truncated) sum -= total * Math.log(-Math.expm1(logSurvival(xi, largest / sigma)));
    return sum;
  }

  private double slope(double xi, double t) {
    double sigma = Math.exp(t);
    double d = -total;
    for (int i = 0; i < y.length; i++) {
      double w = y[i] / sigma;
      d += count[i] * (1 + xi) * w / (1 + xi * w);
    }
    if (truncated) {
      double w = largest / sigma;
      double odds = survivalOdds(xi, w);
      d += total * w / (1 + xi * w) * odds;
    }
    return d;
  }

  double curvature(double xi, double t) {
    double sigma = Math.exp(t);
    double d = 0;
    for (int i = 0; i < y.length; i++) {
      double w = y[i] / sigma;
      double den = 1 + xi * w;
      d -= count[i] * (1 + xi) * w / (den * den);
    }
    if (truncated) {
      double w = largest / sigma;
      double den = 1 + xi * w;
      double odds = survivalOdds(xi, w);
      double g1 = w / den;
      d += total * (-w / (den * den) * odds + g1 * g1 * odds * (1 + odds));
    }
    return d;
  }

  private static double logSurvival(double xi, double w) {
    return xi == 0 ? -w : -Math.log(1 + xi * w) / xi;
  }

  /** S/F at y_c (S/F² = (S/F)·(1 + S/F)). */
  private static double survivalOdds(double xi, double w) {
    double logS = logSurvival(xi, w);
    return Math.exp(logS) / -Math.expm1(logS);
  }

  /**
   * The t maximizing the likelihood for this ξ, NaN when there is none below the search's cap:
   * Newton's method kept inside a bracket on the slope's sign.
   */
  double mode(double xi, double guess) {
    // The slope is +∞ at the support's edge (ξ < 0) or as t → −∞; for a whole sample it tends
    // to −total as t → +∞, for a truncated one to 0.
    double low = xi < 0 ? Math.log(-xi * largest) : Math.log(y[0]) - 30;
    double cap = Math.log(largest) + 12;
    double start = guess;
    if (Double.isNaN(start)) {
      double mean = 0;
      for (int i = 0; i < y.length; i++) mean += count[i] * y[i];
      start = Math.log(mean / total);
    }
    start = Math.max(start, low + 1e-3);
    double step = Double.isNaN(guess) ? 1 : 0.25;
    double high;
    if (slope(xi, start) > 0) {
      low = start;
      high = start + step;
      while (slope(xi, high) > 0) {
        if (high > cap) return Double.NaN;
        low = high;
        high += step;
      }
    } else {
      high = start;
      double probe = start - step;
      while (probe > low && slope(xi, probe) <= 0) {
        high = probe;
        probe -= step;
      }
      low = Math.max(low, probe);
    }
    double t = 0.5 * (low + high);
    for (int i = 0; i < 200 && high - low > 1e-12; i++) {
      double s = slope(xi, t);
      if (s > 0) low = t; else high = t;
      if (Math.abs(s) < 1e-10 * total) break;
      double next = t - s / curvature(xi, t);
      t = next > low && next < high ? next : 0.5 * (low + high);
    }
    return t;
  }
}
