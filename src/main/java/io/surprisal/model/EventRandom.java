package io.surprisal.model;

import io.surprisal.event.BitVector;
import java.util.SplittableRandom;

/** Random streams seeded by an event's bits, so a sampled score of x is reproducible. */
final class EventRandom {
  private EventRandom() {}

  /** The same x always gives the same stream; different x almost surely different ones. */
  static SplittableRandom forEvent(BitVector x) {
    return new SplittableRandom(seed(x));
  }

  /**
   * A number in (0, 1] drawn from x's bits and {@code salt}, apart from {@link #forEvent}'s
   * stream: the same x and salt always give the same number.
   */
  static double uniform(BitVector x, int salt) {
    return 1.0 - new SplittableRandom(seed(x) ^ (0xD1B54A32D192ED03L * (salt + 1L))).nextDouble();
  }

  private static long seed(BitVector x) {
    long seed = 0x9E3779B97F4A7C15L * (x.dimension() + 1L);
    for (int i = 0, n = x.activeCount(); i < n; i++) {
      seed = (seed ^ x.activeIndex(i)) * 0xBF58476D1CE4E5B9L;
      seed ^= seed >>> 31;
    }
    return seed;
  }
}
