package io.surprisal.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The share of the last {@value #RECENT} scored events in each latent state (a mixture component,
 * a binary code), as the gauge {@code surprisal.latent.share{state}}: which regime the traffic is
 * in, for a Grafana panel. Cardinality is bounded: past {@value #MAX_STATES} distinct states the
 * rest count as {@value #OTHER}. A new live model starts the shares afresh, since its state labels
 * name different components.
 *
 * <p>A ring of the recent labels under one lock: an uncontended lock costs tens of nanoseconds per
 * event, and the shares are exact over a fixed number of events rather than decayed.
 */
final class LatentOccupancy {
  static final int RECENT = 4096;
  static final int MAX_STATES = 64;
  static final String OTHER = "other";

  private final String[] recent = new String[RECENT];
  private final Map<String, Integer> counts = new HashMap<>();
  private int next;
  private int filled;
  private final Set<String> registered = ConcurrentHashMap.newKeySet();
  private volatile MeterRegistry registry;

  void bindTo(MeterRegistry registry) {
    this.registry = registry;
  }

  void record(String state) {
    String label;
    synchronized (this) {
      label = counts.containsKey(state) || registered.contains(state)
          || registered.size() < MAX_STATES ? state : OTHER;
      if (filled == RECENT) counts.merge(recent[next], -1, Integer::sum);
      else filled++;
      recent[next] = label;
      next = (next + 1) % RECENT;
      counts.merge(label, 1, Integer::sum);
    }
    MeterRegistry target = registry;
    if (target != null && !registered.contains(label) && registered.add(label)) {
      Gauge.builder("surprisal.latent.share", this, o -> o.share(label))
          .description("Share of the last " + RECENT + " scored events on this instance whose"
              + " most probable latent state is this one (a mixture component or binary code)")
          .baseUnit("ratio").tag("state", label).register(target);
    }
  }

  synchronized double share(String label) {
    return filled == 0 ? 0 : counts.getOrDefault(label, 0) / (double) filled;
  }

  synchronized void clear() {
    counts.clear();
    java.util.Arrays.fill(recent, null);
    next = 0;
    filled = 0;
  }
}
