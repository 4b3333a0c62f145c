package io.surprisal.metrics;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.distribution.CountAtBucket;
import java.util.ArrayList;
import java.util.List;

/**
 * Per-second samples of the detector's cumulative counts, kept for the last few minutes, from which
 * the status page draws events/s and alerts/s and the recent surprisal histogram. Sampled by one
 * scheduler thread and read by the HTTP thread; both go through this object's monitor, never the
 * stream threads.
 */
final class TrafficHistory {
  /**
   * Cumulative counts at one instant.
   *
   * @param surprisalBuckets cumulative count of scored events at or below each bucket's bound
   *     ({@link DetectorMetrics#SURPRISAL_BUCKETS}), empty when the summary is not bound
   */
  record Sample(long at, long scored, long unscored, long invalid, long alerts,
      double[] surprisalBuckets) {
    long events() {
      return scored + unscored + invalid;
    }
  }

  /** Rates between two consecutive samples, per second. */
  record Rate(long at, double events, double alerts) {}

  private final Sample[] ring;
  private long taken;

  /** @param capacity samples kept: with one sample a second, the seconds of history */
  TrafficHistory(int capacity) {
    if (capacity < 2) {
      throw new IllegalArgumentException("capacity must be >= 2, got " + capacity);
    }
    this.ring = new Sample[capacity];
  }

  /** Takes a sample of {@code metrics} at {@code now} (epoch milliseconds). */
  void sample(DetectorMetrics metrics, long now) {
    DistributionSummary summary = metrics.surprisalSummary();
    double[] buckets = new double[0];
    if (summary != null) {
      CountAtBucket[] counts = summary.takeSnapshot().histogramCounts();
      buckets = new double[counts.length];
      for (int i = 0; i < counts.length; i++) buckets[i] = counts[i].count();
    }
    add(new Sample(now, metrics.scoredCount(), metrics.unscoredCount(), metrics.invalidCount(),
        metrics.alertCount(), buckets));
  }

  synchronized void add(Sample sample) {
    ring[(int) (taken++ % ring.length)] = sample;
  }

  /** The kept samples, oldest first. */
  synchronized List<Sample> samples() {
    int n = (int) Math.min(taken, ring.length);
    List<Sample> samples = new ArrayList<>(n);
    for (long i = taken - n; i < taken; i++) samples.add(ring[(int) (i % ring.length)]);
    return samples;
  }

  /** Events/s and alerts/s between consecutive samples, oldest first. */
  List<Rate> rates() {
    List<Sample> samples = samples();
    List<Rate> rates = new ArrayList<>();
    for (int i = 1; i < samples.size(); i++) {
      Sample a = samples.get(i - 1);
      Sample b = samples.get(i);
      double seconds = (b.at() - a.at()) / 1000.0;
      if (seconds <= 0) continue;
      rates.add(new Rate(b.at(), (b.events() - a.events()) / seconds,
          (b.alerts() - a.alerts()) / seconds));
    }
    return rates;
  }

  /**
   * Scored events per surprisal bucket (not cumulative) between the newest sample and the one
   * {@code seconds} before it (or the oldest kept); the last entry counts events above the last
   * bound. Empty before two samples with buckets exist.
   */
  long[] recentBucketCounts(int seconds) {
    List<Sample> samples = samples();
    if (samples.size() < 2) return new long[0];
    Sample newest = samples.get(samples.size() - 1);
    Sample from = samples.get(0);
    for (Sample s : samples) {
      if (s.at() >= newest.at() - seconds * 1000L) {
        from = s;
        break;
      }
    }
    int n = newest.surprisalBuckets().length;
    if (n == 0 || from.surprisalBuckets().length != n) return new long[0];
    long[] counts = new long[n + 1];
    long below = 0;
    for (int i = 0; i < n; i++) {
      long cumulative =
          Math.round(newest.surprisalBuckets()[i] - from.surprisalBuckets()[i]);
      counts[i] = cumulative - below;
      below = cumulative;
    }
    counts[n] = Math.max(0, (newest.scored() - from.scored()) - below);
    return counts;
  }
}
