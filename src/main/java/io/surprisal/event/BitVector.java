package io.surprisal.event;

import java.util.Arrays;

/**
 * An immutable binary vector x ∈ {0,1}^L, held as the sorted indices of its set bits.
 *
 * <p>Scoring touches only the set bits (the mixture's cost is K·nnz(x)), so the sparse form is the
 * one every consumer wants; dense views are built on demand.
 */
public final class BitVector {
  private final int dimension;
  private final int[] active;

  private BitVector(int dimension, int[] sortedUniqueActive) {
    this.dimension = dimension;
    this.active = sortedUniqueActive;
  }

  /**
   * Builds a vector from the indices of its set bits, in any order.
   *
   * @throws IllegalArgumentException naming the offending index if one is outside 0..dimension-1 or
   *     repeats
   */
  public static BitVector ofActive(int dimension, int... indices) {
    if (dimension <= 0) {
      throw new IllegalArgumentException("dimension must be > 0, got " + dimension);
    }
    int[] sorted = indices.clone();
    Arrays.sort(sorted);
    for (int i = 0; i < sorted.length; i++) {
      if (sorted[i] < 0 || sorted[i] >= dimension) {
        throw new IllegalArgumentException(
            "index " + sorted[i] + " is outside 0.." + (dimension - 1));
      }
      if (i > 0 && sorted[i] == sorted[i - 1]) {
        throw new IllegalArgumentException("index " + sorted[i] + " repeats");
      }
    }
    return new BitVector(dimension, sorted);
  }

  /** Builds a vector from dense 0/1 values; any non-zero value counts as a set bit. */
  public static BitVector ofDense(int[] bits) {
    int count = 0;
    for (int bit : bits) {
      if (bit != 0) count++;
    }
    int[] active = new int[count];
    int next = 0;
    for (int d = 0; d < bits.length; d++) {
      if (bits[d] != 0) active[next++] = d;
    }
    return new BitVector(bits.length, active);
  }

  /** Builds a vector from already sorted, unique, in-range indices without copying or checking. */
  static BitVector trusted(int dimension, int[] sortedUniqueActive) {
    return new BitVector(dimension, sortedUniqueActive);
  }

  public int dimension() {
    return dimension;
  }

  /** Number of set bits, nnz(x). */
  public int activeCount() {
    return active.length;
  }

  /** The i-th set bit's index, in increasing order; i in 0..activeCount()-1. */
  public int activeIndex(int i) {
    return active[i];
  }

  /** A copy of the set bits' indices in increasing order. */
  public int[] activeIndices() {
    return active.clone();
  }

  public boolean get(int index) {
    return Arrays.binarySearch(active, index) >= 0;
  }

  /** Dense 0/1 view as doubles, the layout the training math wants. */
  public void copyInto(double[] row) {
    Arrays.fill(row, 0.0);
    for (int d : active) row[d] = 1.0;
  }

  /** The vector as a string of '0' and '1', bit 0 first. */
  public String toBitString() {
    char[] chars = new char[dimension];
    Arrays.fill(chars, '0');
    for (int d : active) chars[d] = '1';
    return new String(chars);
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof BitVector that
        && dimension == that.dimension
        && Arrays.equals(active, that.active);
  }

  @Override
  public int hashCode() {
    return 31 * dimension + Arrays.hashCode(active);
  }

  @Override
  public String toString() {
    return "BitVector{L=" + dimension + ", active=" + Arrays.toString(active) + "}";
  }
}
