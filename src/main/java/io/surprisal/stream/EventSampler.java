package io.surprisal.stream;

/**
 * Chooses which events are copied to the training samples. The choice is a hash of the event id,
 * not a coin flip, so a record reprocessed after a crash is sampled the same way again.
 */
final class EventSampler {
  private final long threshold;
  private final long seed;

  /** @param rate share of events sampled, in (0, 1] */
  EventSampler(double rate, long seed) {
    this.threshold = rate >= 1.0 ? Long.MAX_VALUE : (long) (rate * Long.MAX_VALUE);
    this.seed = seed;
  }

  boolean accepts(String eventId) {
    return (mix(eventId.hashCode() ^ seed) >>> 1) < threshold || threshold == Long.MAX_VALUE;
  }

  /** SplitMix64's finalizer: spreads the 32-bit String hash over all 64 bits. */
  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }
}
