package io.surprisal.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.surprisal.event.Alert;
import io.surprisal.event.FeatureContribution;
import io.surprisal.model.BernoulliMixture;
import io.surprisal.model.Calibration;
import io.surprisal.model.LowerTail;
import io.surprisal.model.PublishedModel;
import io.surprisal.model.RateInterval;
import io.surprisal.model.ThresholdMethod;
import io.surprisal.stream.DetectorObserver;
import io.surprisal.stream.DetectorObserver.TrainingResult;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What the observer calls turn into on /metrics, value by value. */
class DetectorMetricsTest {
  private static final long NOW = 1_764_000_000_000L;
  private final Clock clock = Clock.fixed(Instant.ofEpochMilli(NOW), ZoneOffset.UTC);
  private PrometheusMeterRegistry registry;
  private DetectorMetrics metrics;

  @BeforeEach
  void bind() {
    registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    metrics = new DetectorMetrics(clock);
    metrics.bindTo(registry);
  }

  @Test
  void shouldCountEventsByOutcomeAndInvalidEventsByReasonClass() {
    metrics.eventUnscored();
    metrics.eventScored(-3.0, 1_000);
    metrics.eventScored(-4.0, 1_000);
    metrics.eventInvalid("malformed JSON: Unexpected end-of-input");
    metrics.eventInvalid("active[0]=99 is outside 0..63");
    metrics.eventInvalid("active[1]=70 is outside 0..63");

    assertThat(sample("surprisal_events_total{outcome=\"scored\",reason=\"none\"}")).isEqualTo(2);
    assertThat(sample("surprisal_events_total{outcome=\"unscored\",reason=\"none\"}")).isEqualTo(1);
    assertThat(sample("surprisal_events_total{outcome=\"invalid\",reason=\"malformed_json\"}"))
        .isEqualTo(1);
    assertThat(sample("surprisal_events_total{outcome=\"invalid\",reason=\"out_of_range\"}"))
        .isEqualTo(2);
    assertThat(sample("surprisal_events_total{outcome=\"invalid\",reason=\"value\"}")).isZero();
    assertThat(sample("surprisal_dead_letter_records_total")).isEqualTo(3);
  }

  @Test
  void shouldRecordSurprisalInNatsBucketsAndScoringLatencyInSeconds() {
    metrics.eventScored(-0.5, 300);
    metrics.eventScored(-12.0, 800);
    metrics.eventScored(-12.4, 800);
    metrics.eventScored(-2_000.0, 3_000);

    // Buckets are cumulative upper bounds on -log p(x).
    assertThat(sample("surprisal_event_surprisal_nats_bucket{le=\"1.0\"}")).isEqualTo(1);
    assertThat(sample("surprisal_event_surprisal_nats_bucket{le=\"10.0\"}")).isEqualTo(1);
    assertThat(sample("surprisal_event_surprisal_nats_bucket{le=\"12.0\"}")).isEqualTo(2);
    assertThat(sample("surprisal_event_surprisal_nats_bucket{le=\"15.0\"}")).isEqualTo(3);
    assertThat(sample("surprisal_event_surprisal_nats_bucket{le=\"1000.0\"}")).isEqualTo(3);
    assertThat(sample("surprisal_event_surprisal_nats_bucket{le=\"+Inf\"}")).isEqualTo(4);
    assertThat(sample("surprisal_event_surprisal_nats_sum")).isCloseTo(2_024.9, within(1e-9));
    assertThat(sample("surprisal_scoring_latency_seconds_bucket{le=\"5.0E-7\"}")).isEqualTo(1);
    assertThat(sample("surprisal_scoring_latency_seconds_bucket{le=\"1.0E-6\"}")).isEqualTo(3);
    assertThat(sample("surprisal_scoring_latency_seconds_count")).isEqualTo(4);
    assertThat(sample("surprisal_scoring_latency_seconds_sum")).isCloseTo(4.9e-6, within(1e-12));
  }

  @Test
  void shouldRecordTheImportanceSamplesOfEachSampledScoreInRoundSizedBuckets() {
    metrics.eventSamples(8);
    metrics.eventSamples(8);
    metrics.eventSamples(32);
    metrics.eventSamples(64);

    assertThat(sample("surprisal_scoring_samples_bucket{le=\"4.0\"}")).isZero();
    assertThat(sample("surprisal_scoring_samples_bucket{le=\"8.0\"}")).isEqualTo(2);
    assertThat(sample("surprisal_scoring_samples_bucket{le=\"32.0\"}")).isEqualTo(3);
    assertThat(sample("surprisal_scoring_samples_bucket{le=\"64.0\"}")).isEqualTo(4);
    assertThat(sample("surprisal_scoring_samples_count")).isEqualTo(4);
    assertThat(sample("surprisal_scoring_samples_sum")).isEqualTo(112);
  }

  @Test
  void shouldServeScoringLatencyAsBucketsOnlyWithoutClientSidePercentiles() {
    metrics.eventScored(-3.0, 800);

    // Per-instance percentiles cannot be combined across instances; histogram_quantile over the
    // buckets serves one instance or all.
    assertThat(registry.scrape())
        .contains("surprisal_scoring_latency_seconds_bucket{")
        .doesNotContain("surprisal_scoring_latency_percentile", "quantile=", "phi=");
  }

  @Test
  void shouldShowNoModelUntilOneIsLiveThenItsVersionThresholdHoldoutAndAge() {
    assertThat(sample("surprisal_model_version")).isZero();
    assertThat(sample("surprisal_model_threshold_nats")).isNaN();
    assertThat(sample("surprisal_model_age_seconds")).isNaN();
    assertThat(sample("surprisal_drift_nats")).isNaN();

    metrics.modelLive(model(3, NOW - 90_000, -20.0, -42.0));

    assertThat(sample("surprisal_model_version")).isEqualTo(3);
    assertThat(sample("surprisal_model_threshold_nats")).isEqualTo(-42.0);
    assertThat(sample("surprisal_model_target_alert_rate_ratio")).isEqualTo(0.001);
    assertThat(sample("surprisal_model_holdout_log_likelihood_nats")).isEqualTo(-20.0);
    assertThat(sample("surprisal_model_age_seconds")).isEqualTo(90.0);
    assertThat(metrics.timeline().entries()).extracting(ModelTimeline.Entry::version)
        .containsExactly(3L);
  }

  @Test
  void shouldNameTheLiveModelInTheInfoGaugeAndDropTheSeriesOfTheModelItReplaced() {
    assertThat(infoSeries()).as("no model yet").isEmpty();

    metrics.modelLive(model(3, NOW, -20.0, -42.0));
    assertThat(infoSeries())
        .containsExactly("surprisal_model_info{kind=\"mixture\",score=\"likelihood\",version=\"3\"} 1");

    metrics.modelLive(model(4, NOW, -20.0, -42.0));
    assertThat(infoSeries()).as("version 3's series is gone, not left at 1")
        .containsExactly("surprisal_model_info{kind=\"mixture\",score=\"likelihood\",version=\"4\"} 1");
  }

  @Test
  void shouldNameAModelThatWentLiveBeforeTheMetricsWereBound() {
    DetectorMetrics early = new DetectorMetrics(clock);
    early.modelLive(model(5, NOW, -20.0, -42.0));
    PrometheusMeterRegistry later = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    early.bindTo(later);

    assertThat(later.scrape()).contains("surprisal_model_info{kind=\"mixture\",score=\"likelihood\",version=\"5\"} 1");
  }

  @Test
  void shouldShowHowTheLiveThresholdWasSetAndItsAlertRateInterval() {
    assertThat(sample("surprisal_model_threshold_method{method=\"tail-fit\"}")).isZero();
    assertThat(sample("surprisal_model_alert_rate_high_ratio")).isNaN();

    Calibration tailFit = new Calibration(-42.0, 0.001, 200, new double[] {-30.0},
        ThresholdMethod.TAIL_FIT, new RateInterval(0.0002, 0.0031), LowerTail.NONE);
    metrics.modelLive(
        new PublishedModel(4, NOW, 1_000, -20.0, tailFit, model(1, NOW, -20, -42).model()));

    assertThat(sample("surprisal_model_threshold_method{method=\"tail-fit\"}")).isEqualTo(1);
    assertThat(sample("surprisal_model_threshold_method{method=\"conformal\"}")).isZero();
    assertThat(sample("surprisal_model_threshold_method{method=\"holdout-minimum\"}")).isZero();
    assertThat(sample("surprisal_model_alert_rate_low_ratio")).isEqualTo(0.0002);
    assertThat(sample("surprisal_model_alert_rate_high_ratio")).isEqualTo(0.0031);

    // A model from a format-1 record: conformal, its interval unknown.
    metrics.modelLive(model(5, NOW, -20.0, -42.0));
    assertThat(sample("surprisal_model_threshold_method{method=\"conformal\"}")).isEqualTo(1);
    assertThat(sample("surprisal_model_alert_rate_low_ratio")).isNaN();
  }

  @Test
  void shouldReportDriftAsRunningMeanOfScoredTrafficMinusHoldoutMean() {
    metrics.modelLive(model(1, NOW, -20.0, -40.0));
    metrics.eventScored(-21.0, 100);
    metrics.eventScored(-23.0, 100);
    // Exact mean while fewer than 1/DRIFT_WEIGHT events have been seen: (-21 - 23) / 2 - (-20).
    assertThat(sample("surprisal_drift_nats")).isEqualTo(-2.0);
    for (int i = 0; i < 20_000; i++) metrics.eventScored(-25.0, 100);
    assertThat(sample("surprisal_drift_nats")).isCloseTo(-5.0, within(1e-6));

    // A new model restarts the running mean: drift is against the model that scores now.
    metrics.modelLive(model(2, NOW, -24.0, -40.0));
    assertThat(sample("surprisal_drift_nats")).isNaN();
    metrics.eventScored(-25.0, 100);
    assertThat(sample("surprisal_drift_nats")).isEqualTo(-1.0);
  }

  @Test
  void shouldCountTrainingRunsByResultAndKeepTheLatestWindowSizeAndDurations() {
    assertThat(sample("surprisal_training_window_size_events")).isEqualTo(-1);
    metrics.trainingFinished(TrainingResult.ACCEPTED, 1_500, 5_000);
    metrics.trainingFinished(TrainingResult.REJECTED, 500, 6_000);
    metrics.trainingFinished(TrainingResult.FAILED, 0, 7_000);

    assertThat(sample("surprisal_training_runs_total{result=\"accepted\"}")).isEqualTo(1);
    assertThat(sample("surprisal_training_runs_total{result=\"rejected\"}")).isEqualTo(1);
    assertThat(sample("surprisal_training_runs_total{result=\"failed\"}")).isEqualTo(1);
    assertThat(sample("surprisal_training_window_size_events")).isEqualTo(7_000);
    assertThat(sample("surprisal_training_duration_seconds_count")).isEqualTo(3);
    assertThat(sample("surprisal_training_duration_seconds_sum")).isEqualTo(2.0);
  }

  @Test
  void shouldCountRefusedSamplesAndKeepNonFiniteScoresOutOfTheHistogramAndDrift() {
    metrics.sampleRefused("sample has 3 trailing bytes");
    metrics.eventScored(-5.0, DetectorObserver.NOT_TIMED);
    metrics.eventScored(Double.NaN, DetectorObserver.NOT_TIMED);
    metrics.eventScored(Double.NEGATIVE_INFINITY, DetectorObserver.NOT_TIMED);

    assertThat(sample("surprisal_samples_refused_records_total")).isEqualTo(1);
    assertThat(sample("surprisal_events_total{outcome=\"scored\",reason=\"none\"}")).isEqualTo(1);
    assertThat(sample("surprisal_events_total{outcome=\"scored\",reason=\"non_finite\"}"))
        .isEqualTo(2);
    assertThat(sample("surprisal_event_surprisal_nats_count")).isEqualTo(1);
    assertThat(sample("surprisal_event_surprisal_nats_sum")).isEqualTo(5.0);
  }

  @Test
  void shouldCountAlertsAndRefusedModelsAndKeepTheLatestAlertsNewestFirst() {
    for (int i = 0; i < 25; i++) metrics.alert(alert("a-" + i));
    metrics.modelRefused("version 1 is not newer than the live version 2");

    assertThat(sample("surprisal_alerts_total")).isEqualTo(25);
    assertThat(sample("surprisal_model_refused_records_total")).isEqualTo(1);
    List<Alert> latest = metrics.recentAlerts().newestFirst();
    assertThat(latest).hasSize(20);
    assertThat(latest.get(0).id()).isEqualTo("a-24");
    assertThat(latest.get(19).id()).isEqualTo("a-5");
  }

  @Test
  void shouldRefuseToBindTwice() {
    assertThatThrownBy(() -> metrics.bindTo(registry))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("already bound");
  }

  static PublishedModel model(long version, long trainedAt, double holdoutMean, double threshold) {
    BernoulliMixture mixture =
        BernoulliMixture.of(new double[] {1.0}, new double[][] {{0.5, 0.5, 0.5, 0.5}});
    Calibration calibration = new Calibration(threshold, 0.001, 1, new double[] {threshold});
    return new PublishedModel(version, trainedAt, 1_000, holdoutMean, calibration, mixture);
  }

  static Alert alert(String id) {
    return new Alert(id, "key", NOW, -50.0, -40.0, 0.0, 1,
        List.of(new FeatureContribution(3, 1, -4.5)), null, null);
  }

  /** The scrape's surprisal_model_info sample lines. */
  private List<String> infoSeries() {
    return registry.scrape().lines().filter(l -> l.startsWith("surprisal_model_info")).toList();
  }

  /** The value of one exact series line of the scrape, e.g. {@code name{tag="v"}}. */
  private double sample(String series) {
    for (String line : registry.scrape().split("\n")) {
      if (line.startsWith(series + " ")) {
        return Double.parseDouble(line.substring(series.length() + 1).trim());
      }
    }
    throw new AssertionError("no series " + series + " in:\n" + registry.scrape());
  }
}
