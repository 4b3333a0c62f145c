package io.surprisal.train;

import io.surprisal.model.RateInterval;

/**
 * Where the alert rate of a conformal threshold lies. With the threshold the k-th smallest of n
 * exchangeable holdout values, the share of normal traffic below it is F(X_(k)) ~ Beta(k, n+1−k),
 * whatever the distribution F (continuous): its central 90% interval is an exact confidence
 * interval for the rate this holdout's threshold realizes.
 */
final class ConformalRate {
  private ConformalRate() {}

  static RateInterval interval(int k, int n) {
    double tail = (1 - LowerTailFit.INTERVAL_LEVEL) / 2;
    return new RateInterval(betaQuantile(k, n + 1 - k, tail), betaQuantile(k, n + 1 - k, 1 - tail));
  }

  /** The p-quantile of Beta(a, b), by bisection on the regularized incomplete beta function. */
  static double betaQuantile(double a, double b, double p) {
    double low = 0;
    double high = 1;
    for (int i = 0; i < 100 && high - low > 1e-15 * high; i++) {
      double mid = 0.5 * (low + high);
      if (regularizedBeta(mid, a, b) < p) low = mid; else high = mid;
    }
    return 0.5 * (low + high);
  }

  /** I_x(a, b), by its continued fraction (modified Lentz; Numerical Recipes, betai/betacf). */
  static double regularizedBeta(double x, double a, double b) {
    if (x <= 0) return 0;
    if (x >= 1) return 1;
    double front = Math.exp(logGamma(a + b) - logGamma(a) - logGamma(b)
        + a * Math.log(x) + b * Math.log1p(-x));
    // The fraction converges fast for x below the mean; above it, use I_x(a, b) = 1 − I_1−x(b, a).
    if (x < (a + 1) / (a + b + 2)) return front * fraction(x, a, b) / a;
    return 1 - front * fraction(1 - x, b, a) / b;
  }

  private static double fraction(double x, double a, double b) {
    double tiny = 1e-300;
    double c = 1;
    double d = 1 - (a + b) * x / (a + 1);
    d = 1 / (Math.abs(d) < tiny ? tiny : d);
    double h = d;
    for (int m = 1; m <= 100_000; m++) {
      double even = m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m));
      d = 1 / nonZero(1 + even * d);
      c = nonZero(1 + even / c);
      h *= d * c;
      double odd = -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1));
      d = 1 / nonZero(1 + odd * d);
      c = nonZero(1 + odd / c);
      double step = d * c;
      h *= step;
      if (Math.abs(step - 1) < 1e-15) break;
    }
    return h;
  }

  private static double nonZero(double v) {
    return Math.abs(v) < 1e-300 ? 1e-300 : v;
  }

  /** log Γ(x) for x &gt; 0 (Lanczos, g = 7, nine terms: about 15 significant digits). */
  static double logGamma(double x) {
    if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
    double[] c = {
      0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
      -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6,
      1.5056327351493116e-7
    };
    x -= 1;
    double sum = c[0];
    for (int i = 1; i < c.length; i++) sum += c[i] / (x + i);
    double t = x + 7.5;
    return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(sum);
  }
}
