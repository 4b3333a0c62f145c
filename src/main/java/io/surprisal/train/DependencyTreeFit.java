package io.surprisal.train;

import io.surprisal.event.BitVector;
import io.surprisal.model.DependencyTree;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * Fits a {@link DependencyTree} by Chow and Liu's method (1968): the tree that maximizes the
 * likelihood is the maximum spanning tree of the bits weighted by their pairwise mutual
 * information. Counts of single bits and of pairs on together give every pair's 2×2 table; the
 * counts are smoothed by α per cell (as EM's Beta prior smooths θ) so a pair never seen together
 * is not impossible; Prim's algorithm grows the tree from bit 0.
 *
 * <p>Cost: the pair counts take Σ nnz(x)²/2 increments over the rows and L²/2 ints, the spanning
 * tree L² mutual informations. Both are bounded: above {@link #MAX_DIMENSION} bits there is no
 * tree (the caller goes without one), and rows beyond {@link #MAX_PAIR_INCREMENTS} of work are
 * left out, a seeded random subset kept (a tree's 2L − 1 probabilities need far fewer rows than a
 * window holds).
 */
public final class DependencyTreeFit {
  /** L²/2 pair counts: 32 MiB of ints at this L. */
  public static final int MAX_DIMENSION = 4096;
  /** About a second of counting on one core. */
  static final long MAX_PAIR_INCREMENTS = 1_000_000_000L;

  private DependencyTreeFit() {}

  /** True when a tree can be fitted over this many bits. */
  public static boolean fits(int dimension) {
    return dimension >= 1 && dimension <= MAX_DIMENSION;
  }

  /**
   * @param prior α added to every cell of every pair's 2×2 table (and to both cells of a bit's)
   * @param seed picks the rows kept when the counts would exceed their budget
   * @throws IllegalArgumentException when rows is empty or L is above {@link #MAX_DIMENSION}
   */
  public static DependencyTree fit(List<BitVector> rows, double prior, long seed) {
    if (rows.isEmpty()) throw new IllegalArgumentException("rows must not be empty");
    int dimension = rows.get(0).dimension();
    if (!fits(dimension)) {
      throw new IllegalArgumentException("a dependency tree takes at most " + MAX_DIMENSION
          + " bits, got " + dimension);
    }
    PairCounts counts = PairCounts.of(withinBudget(rows, seed), dimension);
    return spanningTree(counts, prior);
  }

  private static List<BitVector> withinBudget(List<BitVector> rows, long seed) {
    long work = 0;
    for (BitVector row : rows) work += pairs(row);
    if (work <= MAX_PAIR_INCREMENTS) return rows;
    List<BitVector> shuffled = new ArrayList<>(rows);
    Collections.shuffle(shuffled, new Random(seed));
    List<BitVector> kept = new ArrayList<>();
    long spent = 0;
    for (BitVector row : shuffled) {
      spent += pairs(row);
      if (spent > MAX_PAIR_INCREMENTS && !kept.isEmpty()) break;
      kept.add(row);
    }
    return kept;
  }

  private static long pairs(BitVector row) {
    long active = row.activeCount();
    return active * (active - 1) / 2;
  }

  /** How often each bit, and each pair of bits, is on: the sufficient statistics of a tree. */
  record PairCounts(int rows, int dimension, int[] ones, int[] together) {
    static PairCounts of(List<BitVector> rows, int dimension) {
      int[] ones = new int[dimension];
      int[] together = new int[triangle(dimension)];
      for (BitVector row : rows) {
        int[] active = row.activeIndices();
        for (int i = 0; i < active.length; i++) {
          int a = active[i];
          ones[a]++;
          int base = rowStart(a, dimension);
          for (int j = i + 1; j < active.length; j++) together[base + active[j] - a - 1]++;
        }
      }
      return new PairCounts(rows.size(), dimension, ones, together);
    }

    /** Rows with both a and b on, a ≠ b. */
    int together(int a, int b) {
      int low = Math.min(a, b);
      int high = Math.max(a, b);
      return together[rowStart(low, dimension) + high - low - 1];
    }

    private static int triangle(int dimension) {
      return (int) ((long) dimension * (dimension - 1) / 2);
    }

    /** Where pair (a, a+1) sits in the packed upper triangle. */
    private static int rowStart(int a, int dimension) {
      return (int) ((long) a * dimension - (long) a * (a + 1) / 2);
    }
  }

  /** Prim's maximum spanning tree over mutual information, then the smoothed conditionals. */
  static DependencyTree spanningTree(PairCounts counts, double prior) {
    int dimension = counts.dimension();
    int[] order = new int[dimension];
    int[] parent = new int[dimension];
    boolean[] placed = new boolean[dimension];
    double[] bestInformation = new double[dimension];
    int[] bestParent = new int[dimension];
    Arrays.fill(bestInformation, Double.NEGATIVE_INFINITY);
    parent[0] = DependencyTree.ROOT;
    int last = 0;
    placed[0] = true;
    for (int step = 1; step < dimension; step++) {
      int next = -1;
      for (int d = 0; d < dimension; d++) {
        if (placed[d]) continue;
        double information = mutualInformation(counts, last, d, prior);
        if (information > bestInformation[d]) {
          bestInformation[d] = information;
          bestParent[d] = last;
        }
        if (next < 0 || bestInformation[d] > bestInformation[next]) next = d;
      }
      placed[next] = true;
      parent[next] = bestParent[next];
      order[step] = next;
      last = next;
    }
    double[] onGivenOff = new double[dimension];
    double[] onGivenOn = new double[dimension];
    double n = counts.rows();
    for (int d = 0; d < dimension; d++) {
      int p = parent[d];
      if (p == DependencyTree.ROOT) {
        onGivenOff[d] = (counts.ones()[d] + prior) / (n + 2 * prior);
        onGivenOn[d] = onGivenOff[d];
        continue;
      }
      double both = counts.together(d, p);
      double parentOn = counts.ones()[p];
      onGivenOn[d] = (both + prior) / (parentOn + 2 * prior);
      onGivenOff[d] = (counts.ones()[d] - both + prior) / (n - parentOn + 2 * prior);
    }
    return new DependencyTree(order, parent, onGivenOff, onGivenOn);
  }

  /** I(x_a; x_b) in nats from the smoothed 2×2 table of the pair. */
  static double mutualInformation(PairCounts counts, int a, int b, double prior) {
    double n = counts.rows();
    double both = counts.together(a, b);
    double onlyA = counts.ones()[a] - both;
    double onlyB = counts.ones()[b] - both;
    double neither = n - both - onlyA - onlyB;
    double total = n + 4 * prior;
    double pBoth = (both + prior) / total;
    double pOnlyA = (onlyA + prior) / total;
    double pOnlyB = (onlyB + prior) / total;
    double pNeither = (neither + prior) / total;
    double pA = pBoth + pOnlyA;
    double pB = pBoth + pOnlyB;
    return pBoth * Math.log(pBoth / (pA * pB))
        + pOnlyA * Math.log(pOnlyA / (pA * (1 - pB)))
        + pOnlyB * Math.log(pOnlyB / ((1 - pA) * pB))
        + pNeither * Math.log(pNeither / ((1 - pA) * (1 - pB)));
  }
}
