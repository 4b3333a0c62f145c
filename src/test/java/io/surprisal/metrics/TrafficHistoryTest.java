package io.surprisal.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import org.junit.jupiter.api.Test;

/** The status page's history: per-second rates and the recent surprisal histogram. */
class TrafficHistoryTest {
  private final DetectorMetrics metrics = new DetectorMetrics(Clock.systemUTC());

  @Test
  void shouldDeriveRatesFromConsecutiveSamples() {
    TrafficHistory history = new TrafficHistory(10);
    history.sample(metrics, 10_000);
    for (int i = 0; i < 30; i++) metrics.eventUnscored();
    metrics.eventInvalid("payload is empty");
    history.sample(metrics, 12_000);

    assertThat(history.rates()).containsExactly(new TrafficHistory.Rate(12_000, 15.5, 0.0));
  }

  @Test
  void shouldKeepOnlyTheNewestSamples() {
    TrafficHistory history = new TrafficHistory(3);
    for (int t = 1; t <= 5; t++) history.sample(metrics, t * 1000L);
    assertThat(history.samples()).extracting(TrafficHistory.Sample::at)
        .containsExactly(3000L, 4000L, 5000L);
  }

  @Test
  void shouldCountScoredEventsPerSurprisalBucketOverTheRecentSeconds() {
    metrics.bindTo(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
    TrafficHistory history = new TrafficHistory(100);
    metrics.eventScored(-0.5, 100); // before the window: not counted
    history.sample(metrics, 0);
    metrics.eventScored(-0.5, 100);
    history.sample(metrics, 30_000);
    metrics.eventScored(-1.5, 100);
    metrics.eventScored(-1.5, 100);
    metrics.eventScored(-5_000, 100);
    history.sample(metrics, 60_000);

    long[] all = history.recentBucketCounts(60);
    assertThat(all).hasSize(DetectorMetrics.SURPRISAL_BUCKETS.length + 1);
    assertThat(all[0]).as("surprisal <= 1").isEqualTo(1);
    assertThat(all[1]).as("1 < surprisal <= 2").isEqualTo(2);
    assertThat(all[all.length - 1]).as("beyond the last bound").isEqualTo(1);
    assertThat(history.recentBucketCounts(30)[0]).as("only the last 30 s").isZero();
  }
}
