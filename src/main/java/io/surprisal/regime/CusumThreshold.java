package io.surprisal.regime;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The alarm threshold h of a one-sided CUSUM on standard normal increments, C ← max(0, C + s − k),
 * chosen so that on unchanged traffic the mean number of samples between false alarms (the
 * in-control average run length, ARL₀) is the one asked for.
 *
 * <p>ARL₀(h) comes from the Brook–Evans Markov chain: [0, h) is cut into {@value #CELLS} cells
 * plus the atom at 0, and the expected time to absorption above h is solved exactly for that
 * chain. A closed form (Siegmund's) is off by a few percent at the run lengths users ask for, which
 * a test of the realized false-alarm rate would see; solving the chain costs a fraction of a second,
 * once per configuration: the answer is kept, because every trainer task start (restarts,
 * rebalances, scale-out moves) asks for the same one, on the stream thread that scores.
 */
public final class CusumThreshold {
  static final int CELLS = 240;
  /** Thresholds solved so far, by (ARL₀, k); a process has one configuration, tests a handful. */
  private static final Map<List<Double>, Double> SOLVED = new ConcurrentHashMap<>();

  private CusumThreshold() {}

  /**
   * @param meanRunLength the wanted ARL₀ in samples, at least 2
   * @param reference k, half the standardized shift to detect fastest, > 0
   * @return h such that ARL₀(h) matches meanRunLength to 0.1%
   */
  public static double forMeanRunLength(double meanRunLength, double reference) {
    return SOLVED.computeIfAbsent(
        List.of(meanRunLength, reference), key -> solve(meanRunLength, reference));
  }

  private static double solve(double meanRunLength, double reference) {
    if (!(meanRunLength >= 2)) {
      throw new IllegalArgumentException("meanRunLength must be >= 2 samples, got " + meanRunLength);
    }
    if (!(reference > 0)) {
      throw new IllegalArgumentException("reference must be > 0, got " + reference);
    }
    double low = 0;
    double high = 1;
    while (meanRunLength(high, reference) < meanRunLength) {
      low = high;
      high *= 2;
      if (high > 1e4) throw new IllegalArgumentException("meanRunLength " + meanRunLength + " is out of reach");
    }
    for (int i = 0; i < 60 && (high - low) > 1e-9 * high; i++) {
      double mid = (low + high) / 2;
      double arl = meanRunLength(mid, reference);
      if (Math.abs(arl / meanRunLength - 1) < 1e-3) return mid;
      if (arl < meanRunLength) low = mid; else high = mid;
    }
    return (low + high) / 2;
  }

  /** ARL₀ of the CUSUM with threshold h and reference k, starting from 0, for s ~ N(0, 1). */
  public static double meanRunLength(double threshold, double reference) {
    int n = CELLS + 1; // state 0 is the atom C = 0; state j ≥ 1 the cell ((j−1)w, jw]
    double w = threshold / CELLS;
    double[][] a = new double[n][n + 1]; // (I − R) | 1, solved in place
    for (int i = 0; i < n; i++) {
      double c = i == 0 ? 0 : (i - 0.5) * w;
      a[i][0] -= StandardNormal.cdf(reference - c);
      for (int j = 1; j < n; j++) {
        a[i][j] -= StandardNormal.cdf(j * w + reference - c)
            - StandardNormal.cdf((j - 1) * w + reference - c);
      }
      a[i][i] += 1;
      a[i][n] = 1;
    }
    return solveFirst(a);
  }

  /** Gaussian elimination with partial pivoting on the augmented matrix; the first unknown. */
  private static double solveFirst(double[][] a) {
    int n = a.length;
    for (int col = 0; col < n; col++) {
      int pivot = col;
      for (int r = col + 1; r < n; r++) if (Math.abs(a[r][col]) > Math.abs(a[pivot][col])) pivot = r;
      double[] swap = a[col];
      a[col] = a[pivot];
      a[pivot] = swap;
      for (int r = col + 1; r < n; r++) {
        double f = a[r][col] / a[col][col];
        if (f == 0) continue;
        for (int c = col; c <= n; c++) a[r][c] -= f * a[col][c];
      }
    }
    double[] x = new double[n];
    for (int r = n - 1; r >= 0; r--) {
      double sum = a[r][n];
      for (int c = r + 1; c < n; c++) sum -= a[r][c] * x[c];
      x[r] = sum / a[r][r];
    }
    return x[0];
  }
}
