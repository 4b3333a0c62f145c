package io.surprisal.model;

/** Checks on parameter arrays shared by the models, their factories and calibrations. */
final class Arrays2 {
  private Arrays2() {}

  /** @throws IllegalArgumentException naming the array when its size or a value is wrong */
  static void requireFinite(String name, double[] values, long expected) {
    if (values.length != expected) {
      throw new IllegalArgumentException(
          name + " must hold " + expected + " values, got " + values.length);
    }
    for (int i = 0; i < values.length; i++) {
      if (!Double.isFinite(values[i])) {
        throw new IllegalArgumentException(name + "[" + i + "] must be finite, got " + values[i]);
      }
    }
  }

  /** Refuses values that are not finite or not ascending, naming {@code name} and the place. */
  static void requireFiniteAscending(String name, double[] values) {
    for (int i = 0; i < values.length; i++) {
      double v = values[i];
      if (!Double.isFinite(v) || (i > 0 && v < values[i - 1])) {
        throw new IllegalArgumentException(
            name + " must be finite and ascending, got " + v + " at " + i);
      }
    }
  }

  /**
   * How many of the ascending {@code sorted} values are below {@code value} (or at it too, when
   * {@code inclusive}): a binary search.
   */
  static int countBelow(double[] sorted, double value, boolean inclusive) {
    int low = 0;
    int high = sorted.length;
    while (low < high) {
      int mid = (low + high) >>> 1;
      double v = sorted[mid];
      if (v < value || (inclusive && v == value)) low = mid + 1; else high = mid;
    }
    return low;
  }
}
