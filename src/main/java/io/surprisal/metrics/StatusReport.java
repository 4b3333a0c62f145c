package io.surprisal.metrics;

import io.surprisal.event.Alert;
import io.surprisal.model.PublishedModel;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The status page's data ({@code /api/status}): built on request from in-memory state only, as
 * plain maps and lists for Jackson. Log-likelihoods are reported in nats as log p(x) (negative);
 * the histogram's bounds are those of the surprisal summary, negated, so the page can draw the
 * threshold on the same axis.
 */
final class StatusReport {
  /** Seconds of traffic the histogram covers. */
  static final int HISTOGRAM_SECONDS = 60;

  private StatusReport() {}

  static Map<String, Object> build(
      String streamsState, boolean ready, DetectorMetrics metrics, TrafficHistory history,
      long now) {
    Map<String, Object> report = new LinkedHashMap<>();
    report.put("now", now);
    report.put("state", streamsState);
    report.put("ready", ready);
    report.put("model", model(metrics));
    report.put("totals", Map.of(
        "scored", metrics.scoredCount(), "unscored", metrics.unscoredCount(),
        "invalid", metrics.invalidCount(), "alerts", metrics.alertCount()));
    report.put("drift", finiteOrNull(metrics.drift()));
    List<Map<String, Object>> rates = new ArrayList<>();
    for (TrafficHistory.Rate rate : history.rates()) {
      rates.add(Map.of("t", rate.at(), "events", rate.events(), "alerts", rate.alerts()));
    }
    report.put("rates", rates);
    report.put("histogram", histogram(history.recentBucketCounts(HISTOGRAM_SECONDS)));
    List<Map<String, Object>> models = new ArrayList<>();
    for (ModelTimeline.Entry e : metrics.timeline().entries()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("liveAt", e.liveAt());
      m.put("version", e.version());
      m.put("trainedAt", e.trainedAt());
      m.put("windowSize", e.windowSize());
      m.put("threshold", finiteOrNull(e.threshold()));
      m.put("holdoutLogLikelihood", finiteOrNull(e.holdoutMeanLogLikelihood()));
      models.add(m);
    }
    report.put("models", models);
    List<Alert> alerts = metrics.recentAlerts().newestFirst();
    report.put("alerts", alerts);
    return report;
  }

  private static Map<String, Object> model(DetectorMetrics metrics) {
    PublishedModel live = metrics.liveModel();
    if (live == null) return null;
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("version", live.version());
    m.put("description", live.model().toString());
    m.put("trainedAt", live.trainedAt());
    m.put("ageSeconds", finiteOrNull(metrics.modelAgeSeconds()));
    m.put("windowSize", live.windowSize());
    m.put("threshold", finiteOrNull(live.calibration().threshold()));
    m.put("targetAlertRate", live.calibration().targetAlertRate());
    m.put("holdoutLogLikelihood", finiteOrNull(live.holdoutMeanLogLikelihood()));
    return m;
  }

  /**
   * Buckets of log p(x), most likely first: {@code from} and {@code to} bound each bucket in nats
   * (log p(x) in [from, to)), the last one open-ended ({@code from} null).
   */
  private static List<Map<String, Object>> histogram(long[] counts) {
    List<Map<String, Object>> buckets = new ArrayList<>();
    double[] bounds = DetectorMetrics.SURPRISAL_BUCKETS;
    for (int i = 0; i < counts.length; i++) {
      Map<String, Object> b = new LinkedHashMap<>();
      b.put("from", i < bounds.length ? -bounds[i] : null);
      b.put("to", i == 0 ? 0.0 : -bounds[i - 1]);
      b.put("count", counts[i]);
      buckets.add(b);
    }
    return buckets;
  }

  /** JSON has no NaN or infinity. */
  private static Double finiteOrNull(double value) {
    return Double.isFinite(value) ? value : null;
  }
}
