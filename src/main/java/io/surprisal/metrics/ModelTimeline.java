package io.surprisal.metrics;

import io.surprisal.model.PublishedModel;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * The models this instance made live, oldest first, for the status page's "model versions over
 * time". Written once per model (rare), so a plain monitor is fine here.
 */
final class ModelTimeline {
  /**
   * One model going live.
   *
   * @param liveAt epoch milliseconds when this instance made it live
   */
  record Entry(long liveAt, long version, long trainedAt, int windowSize, double threshold,
      double holdoutMeanLogLikelihood) {}

  private final int capacity;
  private final Deque<Entry> entries = new ArrayDeque<>();

  ModelTimeline(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be >= 1, got " + capacity);
    }
    this.capacity = capacity;
  }

  synchronized void add(PublishedModel model, long liveAt) {
    if (entries.size() == capacity) entries.removeFirst();
    entries.addLast(new Entry(liveAt, model.version(), model.trainedAt(), model.windowSize(),
        model.calibration().threshold(), model.holdoutMeanLogLikelihood()));
  }

  synchronized List<Entry> entries() {
    return new ArrayList<>(entries);
  }
}
