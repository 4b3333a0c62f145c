package io.surprisal.metrics;

import io.surprisal.event.Alert;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The latest alerts of this instance, for the status page: a fixed ring written by stream threads
 * without locks (one counter increment and one slot write per alert) and read by the HTTP thread.
 */
final class RecentAlerts {
  private final AtomicReferenceArray<Alert> slots;
  private final AtomicLong written = new AtomicLong();

  RecentAlerts(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be >= 1, got " + capacity);
    }
    this.slots = new AtomicReferenceArray<>(capacity);
  }

  void add(Alert alert) {
    long index = written.getAndIncrement();
    slots.set((int) (index % slots.length()), alert);
  }

  /** Up to capacity alerts, newest first. */
  List<Alert> newestFirst() {
    long end = written.get();
    int n = (int) Math.min(end, slots.length());
    List<Alert> alerts = new ArrayList<>(n);
    for (long i = end - 1; i >= end - n; i--) {
      Alert alert = slots.get((int) (i % slots.length()));
      if (alert != null) alerts.add(alert);
    }
    return alerts;
  }
}
