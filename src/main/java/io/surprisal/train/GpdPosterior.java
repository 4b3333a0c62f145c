package io.surprisal.train;

/**
 * The posterior over a generalized Pareto distribution (GPD) for a tail's exceedances, and its
 * posterior predictive survival function: what {@link LowerTailFit} extrapolates with.
 *
 * <p>GPD(σ, ξ): P(Y &gt; y) = (1 + ξy/σ)^(−1/ξ), the exponential e^(−y/σ) at ξ = 0. The scale σ
 * gets the scale-invariant prior 1/σ; the shape ξ is uniform on {@link #SHAPES}, 21 values from
 * −0.5 to 0.5. Why a posterior and not a point fit (Grimshaw's MLE as in SPOT, or Hosking and
 * Wallis' probability-weighted moments, the better of the two on small samples): a threshold far
 * beyond the data is a tail probability raised to a power, so a point fit's sampling error in ξ and
 * σ does not average out in the alert rate. With probability-weighted moments on the lowest 10%
 * (at least 20 points), the plug-in q-quantile alerted on average at 15–20× q for n = 200 and q =
 * 0.0001, and at 2–4× q for n = 2,000 (normal, −Gamma(2) and mirrored log-normal traffic).
 * Averaging the tail over the posterior weighs the heavier tails the data allow, and for a known ξ
 * it is exact: with the prior 1/σ, the predictive quantile of a scale family has the stated rate on
 * average over holdouts (the invariance argument of Hora and Buehler, 1966). Only ξ's uncertainty
 * and a tail that is not quite a GPD are left. The range of ξ covers the tails log-likelihoods
 * have (light ones: sums of many bounded terms, ξ near 0); widening it to [−1, 0.5] made the rates
 * worse (normal traffic, n = 200, q = 0.0001: 1.76 q instead of 0.97 q).
 *
 * <p>For each ξ the integral over log σ is taken by adaptive Gauss–Hermite quadrature at its
 * conditional mode (the log-likelihood of a whole sample is concave in log σ for ξ &gt; −1, so the
 * mode is unique); the posterior is then at most 21 × 7 weighted atoms (ξ, σ).
 *
 * <p>Truncation: the largest exceedance may be given as a truncation point y_c rather than a value,
 * the others then being a sample of the GPD below it. This is how {@link ContaminationFence} keeps
 * the far-out values it is judging, all beyond y_c, from steering the fit that judges them; their
 * number says nothing either, so a handful of anomalies does not read as a heavy tail.
 */
final class GpdPosterior {
  static final double[] SHAPES = shapes();
  /** Above this many exceedances, the lower ones enter the likelihood in averaged blocks. */
  static final int MAX_LIKELIHOOD_POINTS = 256;

  /**
   * Gauss–Hermite nodes and weights, 7 points: within 0.5% of the exact predictive at a tail
   * probability of 10^−4 from 20 exponential exceedances (9 points: 0.1%; 5 points: 4%).
   */
  private static final double[] NODES = {
    -2.6519613568352334, -1.6735516287674714, -0.8162878828589646, 0.0, 0.8162878828589646,
    1.6735516287674714, 2.6519613568352334
  };
  private static final double[] NODE_WEIGHTS = {
    0.0009717812450995199, 0.05451558281912705, 0.4256072526101278, 0.8102646175568072,
    0.4256072526101278, 0.05451558281912705, 0.0009717812450995199
  };

  private final double[] shape;
  private final double[] scale;
  private final double[] weight;
  private final double shapeEdgeMass;

  private GpdPosterior(double[] shape, double[] scale, double[] weight, double shapeEdgeMass) {
    this.shape = shape;
    this.scale = scale;
    this.weight = weight;
    this.shapeEdgeMass = shapeEdgeMass;
  }

  private static double[] shapes() {
    double[] values = new double[21];
    for (int j = 0; j < values.length; j++) values[j] = (j - 10) / 20.0; // exact 0 in the middle
    return values;
  }

  /**
   * @param observed the exceedances, ascending, all &gt; 0 (at least three)
   * @param truncated whether the largest is a truncation point y_c rather than a value: the others
   *     are then a sample of the GPD below y_c, and how many lie beyond it says nothing
   * @param lightestShape the smallest ξ considered: −0.5, or 0 where a tail must not be assumed to
   *     end (see {@link ContaminationFence})
   * @return the posterior, or null when the likelihood has a maximum for no shape
   */
  static GpdPosterior of(double[] observed, boolean truncated, double lightestShape) {
    int m = observed.length;
    double largest = observed[m - 1];
    double[] sample = truncated ? java.util.Arrays.copyOf(observed, m - 1) : observed;
    GpdLikelihood likelihood = new GpdLikelihood(thinned(sample), largest, truncated);
    int atomsPerShape = NODES.length;
    double[] shape = new double[SHAPES.length * atomsPerShape];
    double[] scale = new double[shape.length];
    double[] logWeight = new double[shape.length];
    java.util.Arrays.fill(logWeight, Double.NEGATIVE_INFINITY);
    double best = Double.NEGATIVE_INFINITY;
    double guess = Double.NaN; // the last shape's mode: the next one's is close
    for (int j = 0; j < SHAPES.length; j++) {
      double xi = SHAPES[j];
      if (xi < lightestShape) continue;
      double mode = likelihood.mode(xi, guess);
      if (!Double.isNaN(mode)) guess = mode;
      double curvature = Double.isNaN(mode) ? Double.NaN : likelihood.curvature(xi, mode);
      if (!(curvature < 0)) continue; // no mode for this shape: it gets no atoms
      double spread = Math.sqrt(2 / -curvature);
      for (int h = 0; h < atomsPerShape; h++) {
        int a = j * atomsPerShape + h;
        double t = mode + spread * NODES[h];
        shape[a] = xi;
        scale[a] = Math.exp(t);
        logWeight[a] =
            Math.log(NODE_WEIGHTS[h] * spread) + NODES[h] * NODES[h] + likelihood.value(xi, t);
        best = Math.max(best, logWeight[a]);
      }
    }
    if (best == Double.NEGATIVE_INFINITY) return null;
    // Atoms below 1e-12 of the largest (the quadrature's outer nodes, unlikely shapes) carry no
    // visible mass; leaving them out halves the work of every later survival evaluation.
    int kept = 0;
    double total = 0;
    for (int a = 0; a < shape.length; a++) {
      double w = Math.exp(logWeight[a] - best);
      if (w < 1e-12) continue;
      shape[kept] = shape[a];
      scale[kept] = scale[a];
      logWeight[kept] = w;
      total += w;
      kept++;
    }
    double[] weight = new double[kept];
    double edge = 0;
    for (int a = 0; a < kept; a++) {
      weight[a] = logWeight[a] / total;
      if (shape[a] == SHAPES[0] || shape[a] == SHAPES[SHAPES.length - 1]) edge += weight[a];
    }
    return new GpdPosterior(
        java.util.Arrays.copyOf(shape, kept), java.util.Arrays.copyOf(scale, kept), weight, edge);
  }

  /** Posterior predictive P(Y &gt; y) for an exceedance y &gt;= 0. */
  double survival(double y) {
    double s = 0;
    for (int a = 0; a < weight.length; a++) s += weight[a] * survival(shape[a], scale[a], y);
    return s;
  }

  /**
   * The exceedance y with predictive P(Y &gt; y) = p, for p in (0, 1): Newton's method on log S in
   * log y (the predictive density is the atoms' S/(σ + ξy)), kept inside a bracket.
   */
  double exceedance(double p) {
    double target = Math.log(p);
    double high = 0;
    for (double s : scale) high = Math.max(high, s);
    while (survival(high) > p) high *= 2;
    double low = high / 2;
    while (survival(low) <= p && low > Double.MIN_NORMAL) {
      high = low;
      low /= 2;
    }
    double logLow = Math.log(low);
    double logHigh = Math.log(high);
    double v = 0.5 * (logLow + logHigh);
    for (int i = 0; i < 100 && logHigh - logLow > 1e-12; i++) {
      double y = Math.exp(v);
      double s = 0;
      double density = 0;
      for (int a = 0; a < weight.length; a++) {
        double sa = survival(shape[a], scale[a], y);
        s += weight[a] * sa;
        if (sa > 0) density += weight[a] * sa / (scale[a] + shape[a] * y);
      }
      double g = Math.log(s) - target;
      if (g > 0) logLow = v; else logHigh = v;
      if (Math.abs(g) < 1e-12) break;
      double next = v + g * s / (y * density); // g' = −y·density/S
      v = next > logLow && next < logHigh ? next : 0.5 * (logLow + logHigh);
    }
    return Math.exp(v);
  }

  /** The atoms' survival at y: P(Y &gt; y) under each (σ, ξ), for interval computations. */
  double[] atomSurvivals(double y) {
    double[] s = new double[weight.length];
    for (int a = 0; a < s.length; a++) s[a] = survival(shape[a], scale[a], y);
    return s;
  }

  double[] atomWeights() {
    return weight.clone();
  }

  /** Posterior mass on ξ = −0.5 and ξ = 0.5, the edges of the shapes considered. */
  double shapeEdgeMass() {
    return shapeEdgeMass;
  }

  /** Posterior mean of ξ. */
  double meanShape() {
    double m = 0;
    for (int a = 0; a < weight.length; a++) m += weight[a] * shape[a];
    return m;
  }

  static double survival(double xi, double sigma, double y) {
    if (xi == 0) return Math.exp(-y / sigma);
    double z = xi * y / sigma;
    return z <= -1 ? 0 : Math.exp(-Math.log(1 + z) / xi);
  }

  /**
   * The exceedances as (value, count) pairs, at most {@link #MAX_LIKELIHOOD_POINTS} of them: the
   * largest half of that many stay single, as they steer the tail; the rest, dense near u, are
   * averaged in consecutive blocks. Within a narrow block log f is nearly linear, so a block mean
   * counted as many times as it stands for changes the likelihood only to second order.
   */
  private static double[][] thinned(double[] observed) {
    int m = observed.length;
    if (m <= MAX_LIKELIHOOD_POINTS) {
      double[] ones = new double[m];
      java.util.Arrays.fill(ones, 1);
      return new double[][] {observed.clone(), ones};
    }
    int singles = MAX_LIKELIHOOD_POINTS / 2;
    int blocks = MAX_LIKELIHOOD_POINTS - singles;
    int bulk = m - singles;
    double[] values = new double[MAX_LIKELIHOOD_POINTS];
    double[] counts = new double[MAX_LIKELIHOOD_POINTS];
    for (int b = 0; b < blocks; b++) {
      int from = (int) ((long) b * bulk / blocks);
      int to = (int) ((long) (b + 1) * bulk / blocks);
      double sum = 0;
      for (int i = from; i < to; i++) sum += observed[i];
      values[b] = sum / (to - from);
      counts[b] = to - from;
    }
    for (int i = 0; i < singles; i++) {
      values[blocks + i] = observed[bulk + i];
      counts[blocks + i] = 1;
    }
    return new double[][] {values, counts};
  }
}
