package io.surprisal.model;

import io.surprisal.event.BitVector;
import java.util.SplittableRandom;

/** Random streams seeded by an event's bits, so a sampled score of x is reproducible. */
final class EventRandom {
  private EventRandom() {}

  /** The same x always gives the same stream; different x almost surely different ones. */
  static SplittableRandom forEvent(BitVector x) {
    long seed = 0x9E3779B97F4A7C15L * (x.dimension() + 1L);
    for (int i = 0, n = x.activeCount(); i < n; i++) {
      seed = (seed ^ x.activeIndex(i)) * 0xBF58476D1CE4E5B9L;
      seed ^= seed >>> 31;
    }
    return new SplittableRandom(seed);
  }
}
