package io.surprisal.regime;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How many sampled events each latent state took. Bounded: past {@value #MAX_STATES} distinct
 * states (a binary code of many bits has thousands), the rest are counted under {@link #OTHER},
 * so neither the detector's saved state nor a regime-shift message grows with the code space.
 */
final class LatentCounts {
  static final int MAX_STATES = 64;
  static final String OTHER = "other";

  private final Map<String, Long> counts = new LinkedHashMap<>();
  private long total;

  /** @param state the latent readout; null (a model without one) is not counted */
  void add(String state, long count) {
    if (state == null) return;
    String key = state;
    if (!counts.containsKey(key) && counts.size() >= MAX_STATES) key = OTHER;
    counts.merge(key, count, Long::sum);
    total += count;
  }

  void addAll(LatentCounts other) {
    other.counts.forEach(this::add);
  }

  void clear() {
    counts.clear();
    total = 0;
  }

  long total() {
    return total;
  }

  /** This state's share of all counted events, 0 when nothing was counted. */
  double share(String state) {
    return total == 0 ? 0 : counts.getOrDefault(state, 0L) / (double) total;
  }

  Map<String, Long> asMap() {
    return Map.copyOf(counts);
  }
}
