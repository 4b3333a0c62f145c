package io.surprisal.generate;

import io.surprisal.event.Score;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Scores the detector against the generator's truth: which ids were injected anomalies. Counts
 * start with the first scored event (the first model live); unscored events are counted apart.
 * Thread-safe: the producer records truth while a consumer records scores.
 */
public final class DetectionTally {
  private final Set<String> anomalies = ConcurrentHashMap.newKeySet();
  private final Set<Long> versions = new TreeSet<>();
  private long unscored;
  private long scored;
  private long alerts;
  private long injected;
  private long detected;
  private long firstScoredNanos = -1;
  private Long firstScoredTimestamp;
  private long lastScoredNanos;

  /** What a run looked like; the demo prints it as one JSON line. */
  public record Summary(
      long events,
      long alerts,
      long injectedAnomalies,
      long detectedAnomalies,
      double recall,
      double falseAlertRate,
      int modelVersions,
      double eventsPerSecond,
      long unscoredEvents) {}

  public void recordAnomaly(String id) {
    anomalies.add(id);
  }

  public synchronized void recordScore(Score score) {
    if (!score.scored()) {
      unscored++;
      return;
    }
    long now = System.nanoTime();
    if (firstScoredNanos < 0) {
      firstScoredNanos = now;
      firstScoredTimestamp = score.timestamp();
    }
    lastScoredNanos = now;
    scored++;
    versions.add(score.modelVersion());
    if (score.alert()) alerts++;
    if (anomalies.contains(score.id())) {
      injected++;
      if (score.alert()) detected++;
    }
  }

  /** The event timestamp of the first scored event read (the first model live); null before. */
  public synchronized Long firstScoredTimestamp() {
    return firstScoredTimestamp;
  }

  public synchronized long seen() {
    return scored + unscored;
  }

  public synchronized Summary summary() {
    long normal = scored - injected;
    long falseAlerts = alerts - detected;
    double seconds = (lastScoredNanos - firstScoredNanos) / 1e9;
    return new Summary(
        scored,
        alerts,
        injected,
        detected,
        injected == 0 ? 0 : (double) detected / injected,
        normal == 0 ? 0 : (double) falseAlerts / normal,
        versions.size(),
        seconds > 0 ? scored / seconds : 0,
        unscored);
  }
}
