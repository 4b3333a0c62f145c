package io.surprisal.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.surprisal.generate.SyntheticMixtures;
import io.surprisal.model.BernoulliMixture;
import io.surprisal.model.ModelCodec;
import io.surprisal.model.PublishedModel;
import io.surprisal.stream.DetectorConfig;
import io.surprisal.stream.DetectorConfigParser;
import io.surprisal.stream.DetectorObserver;
import io.surprisal.stream.DetectorTopology;
import io.surprisal.stream.ModelRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Random;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The real topology reports to the real meters: every processor's observer call is wired, checked
 * by comparing the meters with what the topology wrote to its topics.
 */
class DetectorMetricsTopologyTest {
  private static final int DIMENSION = 16;
  private final BernoulliMixture truth = SyntheticMixtures.separated(2, DIMENSION, 3);
  private final ModelRegistry registry = new ModelRegistry();
  private final PrometheusMeterRegistry meters =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final DetectorMetrics metrics = new DetectorMetrics(Clock.systemUTC());
  private TopologyTestDriver driver;
  private TestInputTopic<byte[], byte[]> events;
  private TestInputTopic<String, byte[]> models;
  private TestOutputTopic<byte[], byte[]> alerts;
  private TestOutputTopic<byte[], byte[]> deadLetters;

  @BeforeEach
  void start() {
    DetectorConfig config = DetectorConfigParser.parse(DetectorConfigParser.properties(
        "bootstrap.servers=unused:9092",
        "surprisal.feature.dimension=" + DIMENSION,
        "surprisal.sample.rate=1.0",
        "surprisal.window.size=2000",
        "surprisal.min.training.size=1000",
        "surprisal.retrain.interval=1h",
        "surprisal.trainer.check-interval=100ms",
        "surprisal.mixture.components=1,2,3"));
    metrics.bindTo(meters);
    driver = new TopologyTestDriver(DetectorTopology.buildTopology(config, registry, metrics),
        config.kafka(), Instant.ofEpochMilli(0));
    ByteArraySerializer bytes = new ByteArraySerializer();
    ByteArrayDeserializer fromBytes = new ByteArrayDeserializer();
    events = driver.createInputTopic("events", bytes, bytes);
    models = driver.createInputTopic(config.topics().models(), new StringSerializer(), bytes);
    alerts = driver.createOutputTopic("alerts", fromBytes, fromBytes);
    deadLetters = driver.createOutputTopic("dead-letters", fromBytes, fromBytes);
  }

  @AfterEach
  void stop() {
    driver.close();
    meters.close();
  }

  @Test
  void shouldCountWhatTheTopologyDoesFromFirstEventToTrainedModelAndAlerts() throws Exception {
    send("{\"id\": \"x\", ");
    send("{\"id\": \"y\", \"active\": [16]}");
    assertThat(deadLetters.readRecordsToList()).hasSize(2);
    assertThat(sample("surprisal_events_total{outcome=\"invalid\",reason=\"malformed_json\"}"))
        .isEqualTo(1);
    assertThat(sample("surprisal_events_total{outcome=\"invalid\",reason=\"out_of_range\"}"))
        .isEqualTo(1);
    assertThat(sample("surprisal_dead_letter_records_total")).isEqualTo(2);

    Random random = new Random(5);
    for (int i = 0; i < 1000; i++) {
      send("{\"id\":\"t" + i + "\",\"bits\":\"" + truth.sample(random).toBitString() + "\"}");
    }
    assertThat(sample("surprisal_events_total{outcome=\"unscored\",reason=\"none\"}"))
        .isEqualTo(1000);
    trainFirstModel();
    PublishedModel live = registry.current();
    assertThat(sample("surprisal_training_runs_total{result=\"accepted\"}")).isEqualTo(1);
    assertThat(sample("surprisal_training_window_size_events")).isEqualTo(1000);
    assertThat(sample("surprisal_training_duration_seconds_count")).isEqualTo(1);
    assertThat(sample("surprisal_model_version")).isEqualTo(live.version());
    assertThat(sample("surprisal_model_threshold_nats")).isEqualTo(live.calibration().threshold());
    assertThat(sample("surprisal_model_holdout_log_likelihood_nats"))
        .isEqualTo(live.holdoutMeanLogLikelihood());

    for (int i = 0; i < 200; i++) {
      send("{\"id\":\"s" + i + "\",\"bits\":\"" + truth.sample(random).toBitString() + "\"}");
    }
    send("{\"id\":\"odd\",\"bits\":\"" + "1".repeat(DIMENSION) + "\"}");
    int written = alerts.readRecordsToList().size();
    assertThat(written).isGreaterThanOrEqualTo(1);
    assertThat(sample("surprisal_events_total{outcome=\"scored\",reason=\"none\"}")).isEqualTo(201);
    assertThat(sample("surprisal_alerts_total")).isEqualTo(written);
    assertThat(sample("surprisal_event_surprisal_nats_count")).isEqualTo(201);
    // The first scored event is timed, then every TIME_EVERY-th: 1, 17, ..., 193.
    assertThat(sample("surprisal_scoring_latency_seconds_count"))
        .isEqualTo((201 - 1) / DetectorObserver.TIME_EVERY + 1);
    assertThat(metrics.recentAlerts().newestFirst().get(0).id()).isEqualTo("odd");

    byte[] corrupt = ModelCodec.encode(live.withVersion(live.version() + 1));
    corrupt[corrupt.length / 2] ^= 0x10;
    models.pipeInput("model", corrupt);
    assertThat(sample("surprisal_model_refused_records_total")).isEqualTo(1);
  }

  private void trainFirstModel() throws InterruptedException {
    driver.advanceWallClockTime(Duration.ofMillis(100)); // starts the fit
    for (int i = 0; i < 600 && registry.current() == null; i++) {
      Thread.sleep(50);
      driver.advanceWallClockTime(Duration.ofMillis(100)); // publishes it once finished
    }
    assertThat(registry.current()).as("first model published").isNotNull();
  }

  private void send(String json) {
    events.pipeInput("k".getBytes(StandardCharsets.UTF_8), json.getBytes(StandardCharsets.UTF_8));
  }

  /** The value of one exact series line of the scrape. */
  private double sample(String series) {
    String scrape = meters.scrape();
    for (String line : scrape.split("\n")) {
      if (line.startsWith(series + " ")) {
        return Double.parseDouble(line.substring(series.length() + 1).trim());
      }
    }
    throw new AssertionError("no series " + series + " in:\n" + scrape);
  }
}
