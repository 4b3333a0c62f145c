package io.surprisal.model;

import io.surprisal.event.BitVector;
import java.util.ArrayList;
import java.util.List;

/**
 * How many nats a universal compressor that knows nothing of what normal traffic looks like needs
 * for x: the Krichevsky–Trofimov code of an adaptive context coder over the bits in their order.
 * Each bit's context is the bit before it and, when the coder has a lag w, the bit w places back
 * too (0 before the vector starts). It measures how simple x is on its own terms: long runs, few
 * changes and, with a lag, bits that repeat the ones a row above them are cheap. Added to log p(x),
 * it gives the complexity-corrected surprisal of Serrà et al. (ICLR 2020), which ranks an event by
 * how much less probable the model finds it than its simplicity alone would make it, where raw
 * likelihood ranks simple events (few pixels on) as normal whatever they are.
 *
 * <p>Why a lag: Serrà et al. found the correction only as good as the compressor. Events laid out
 * in rows, as images are, repeat their bits one row down, which a coder that sees only the bit
 * before cannot use. The lag is the one layout fact the coder takes from the traffic
 * ({@link #fittedTo}): the row width, where there is one, found as the lag that codes the training
 * rows shortest; where no lag codes them clearly shorter than the bit before alone, the coder
 * has none. On Fashion-MNIST (28 × 28) the fit finds 28 and the corrected mixture's ROC-AUC rose
 * from 0.908 to 0.929 (docs/models.md).
 *
 * <p>A KT code's length depends on its counts only, here each context's count of 0s and 1s, which
 * the active bits give in O(nnz(x)); the log-gamma values come from tables built once per L.
 */
public final class GenericCodeLength {
  /** The largest lag tried: wider rows than this are not expected of a binary event. */
  public static final int MAX_LAG = 1024;
  /**
   * How much shorter, as a share, a lag must code the rows than the bit before alone. Images code
   * far shorter with their row width (Fashion-MNIST: 37%); tabular bits find a lag that saves a
   * little from the order of their one-hot blocks (0.1% to 7% on the data sets of docs/quality.md),
   * and correcting by it cost their ROC-AUC up to 0.011 (celeba).
   */
  static final double MIN_LAG_GAIN = 0.1;
  /** How many active bits {@link #fittedTo} visits at most while it tries lags. */
  private static final long FIT_BUDGET = 50_000_000L;
  private static final int FIT_MIN_ROWS = 32;
  private static final int FIT_MAX_ROWS = 500;

  private final int dimension;
  /** 0: the bit before is the only context; else the second context's distance, ≥ 2. */
  private final int lag;
  /** log Γ(n + 1/2) − log Γ(1/2), n = 0..L. */
  private final double[] logGammaHalf;
  /** log Γ(n + 1) = log n!, n = 0..L. */
  private final double[] logFactorial;

  /** The coder whose only context is the bit before. */
  public GenericCodeLength(int dimension) {
    this(dimension, 0);
  }

  /**
   * @param lag 0 for the bit before alone, else the second context's distance in
   *     2..min(L − 1, {@link #MAX_LAG})
   */
  public GenericCodeLength(int dimension, int lag) {
    if (dimension < 1) throw new IllegalArgumentException("dimension must be >= 1, got " + dimension);
    if (lag != 0 && (lag < 2 || lag > Math.min(dimension - 1, MAX_LAG))) {
      throw new IllegalArgumentException("lag must be 0 or in 2.."
          + Math.min(dimension - 1, MAX_LAG) + " for L = " + dimension + ", got " + lag);
    }
    this.dimension = dimension;
    this.lag = lag;
    this.logGammaHalf = new double[dimension + 1];
    this.logFactorial = new double[dimension + 1];
    for (int n = 1; n <= dimension; n++) {
      logGammaHalf[n] = logGammaHalf[n - 1] + Math.log(n - 0.5);
      logFactorial[n] = logFactorial[n - 1] + Math.log(n);
    }
  }

  /**
   * The coder whose lag codes the given rows shortest in total, when that is at least
   * {@link #MIN_LAG_GAIN} shorter than the bit before alone; else the coder without a lag. Tries
   * every lag up to {@link #MAX_LAG} on up to {@value #FIT_MAX_ROWS} rows (fewer when their active
   * bits are many, so that the search stays well under a second).
   */
  public static GenericCodeLength fittedTo(List<BitVector> rows) {
    if (rows.isEmpty()) throw new IllegalArgumentException("need at least one row to fit a lag");
    int dimension = rows.get(0).dimension();
    int maxLag = Math.min(dimension - 1, MAX_LAG);
    GenericCodeLength plain = new GenericCodeLength(dimension);
    if (maxLag < 2) return plain;
    long activeBits = 0;
    for (BitVector row : rows) activeBits += row.activeCount();
    double meanActive = (double) activeBits / rows.size();
    int sample = (int) Math.max(FIT_MIN_ROWS,
        Math.min(FIT_MAX_ROWS, FIT_BUDGET / (maxLag * (meanActive + 1))));
    // Evenly spread over the rows, so that a window's order (by time) does not pick the sample.
    List<BitVector> sampled = new ArrayList<>();
    double step = Math.max(1.0, (double) rows.size() / sample);
    for (double i = 0; i < rows.size() && sampled.size() < sample; i += step) {
      sampled.add(rows.get((int) i));
    }
    GenericCodeLength best = plain;
    double plainTotal = plain.totalNats(sampled);
    double bestTotal = plainTotal;
    for (int lag = 2; lag <= maxLag; lag++) {
      GenericCodeLength candidate = new GenericCodeLength(dimension, lag, plain);
      double total = candidate.totalNats(sampled);
      if (total < bestTotal) {
        bestTotal = total;
        best = candidate;
      }
    }
    return bestTotal <= (1 - MIN_LAG_GAIN) * plainTotal ? best : plain;
  }

  /** A coder with another lag sharing {@code tables}' log-gamma tables (they depend on L only). */
  private GenericCodeLength(int dimension, int lag, GenericCodeLength tables) {
    this.dimension = dimension;
    this.lag = lag;
    this.logGammaHalf = tables.logGammaHalf;
    this.logFactorial = tables.logFactorial;
  }

  private double totalNats(List<BitVector> rows) {
    double total = 0;
    for (BitVector row : rows) total += nats(row);
    return total;
  }

  public int dimension() {
    return dimension;
  }

  /** The second context's distance, or 0 when the bit before is the only context. */
  public int lag() {
    return lag;
  }

  /** The code length of x in nats; the first bit costs log 2, each later one its KT share. */
  public double nats(BitVector x) {
    if (x.dimension() != dimension) {
      throw new IllegalArgumentException(
          "x has " + x.dimension() + " bits, the code was built for " + dimension);
    }
    return lag == 0 ? previousBitOnly(x) : withLag(x);
  }

  private double previousBitOnly(BitVector x) {
    int active = x.activeCount();
    // Transitions out of an active bit d (to d + 1, when there is one): on → on or on → off.
    int onOn = 0;
    // Counted without a branch on the next bit: on dense random traffic it went either way at
    // random, and mispredictions were most of the count's time.
    int last = active - 1;
    for (int i = 0; i < last; i++) {
      onOn += x.activeIndex(i + 1) == x.activeIndex(i) + 1 ? 1 : 0;
    }
    // Every active bit but one at L − 1 has a bit after it: on → on or on → off.
    int withNext = active - (active > 0 && x.activeIndex(last) == dimension - 1 ? 1 : 0);
    int onOff = withNext - onOn;
    int offOn = active - (active > 0 && x.activeIndex(0) == 0 ? 1 : 0) - onOn;
    int offOff = (dimension - 1) - (onOn + onOff) - offOn;
    return Math.log(2) + kt(offOff, offOn) + kt(onOff, onOn);
  }

  /**
   * Bits 1..L−1 in four contexts c = a + 2b, a the bit before, b the bit {@code lag} places back.
   * How many positions each context has follows from the active bits: a = 1 at d + 1 and b = 1 at
   * d + lag for every active d; how many of them hold a 1 is counted at the active bits.
   */
  private double withLag(BitVector x) {
    int active = x.activeCount();
    int beforeOn = 0; // positions whose bit before is 1
    int lagOn = 0; // positions whose bit lag places back is 1
    int bothOn = 0;
    int[] ones = new int[4];
    // Whether d + 1 − lag and d − lag are active, for ascending d: two pointers that only move
    // forward through the active bits, so the whole count is O(nnz).
    int nextRow = 0;
    int sameRow = 0;
    for (int i = 0; i < active; i++) {
      int d = x.activeIndex(i);
      if (d + 1 < dimension) {
        beforeOn++;
        int above = d + 1 - lag;
        while (nextRow < active && x.activeIndex(nextRow) < above) nextRow++;
        if (above >= 0 && nextRow < active && x.activeIndex(nextRow) == above) bothOn++;
      }
      if (d + lag < dimension) lagOn++;
      if (d >= 1) {
        int above = d - lag;
        while (sameRow < active && x.activeIndex(sameRow) < above) sameRow++;
        int a = i > 0 && x.activeIndex(i - 1) == d - 1 ? 1 : 0;
        int b = above >= 0 && sameRow < active && x.activeIndex(sameRow) == above ? 1 : 0;
        ones[a + 2 * b]++;
      }
    }
    int[] positions = {
        (dimension - 1) - beforeOn - lagOn + bothOn, beforeOn - bothOn, lagOn - bothOn, bothOn};
    double nats = Math.log(2);
    for (int c = 0; c < 4; c++) nats += kt(positions[c] - ones[c], ones[c]);
    return nats;
  }

  /** −log of the KT probability of a sequence with n0 zeros and n1 ones. */
  private double kt(int zeros, int ones) {
    // P = Γ(n0 + 1/2) Γ(n1 + 1/2) / (Γ(1/2)² Γ(n0 + n1 + 1))
    return logFactorial[zeros + ones] - logGammaHalf[zeros] - logGammaHalf[ones];
  }
}
