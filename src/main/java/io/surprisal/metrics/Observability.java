package io.surprisal.metrics;

import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.surprisal.model.PublishedModel;
import io.surprisal.stream.DetectorConfig;
import io.surprisal.stream.DetectorService;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;

/**
 * Everything one detector instance shows about itself, wired together: the Prometheus registry
 * with {@link DetectorMetrics}, {@link BuildInfo}, Micrometer's {@link KafkaStreamsMetrics} and the
 * JVM and process binders, a once-a-second sampler for the status page's history, and the HTTP
 * endpoint.
 *
 * <p>Every meter carries the tag {@value #APPLICATION_ID_TAG} with the Kafka Streams application
 * id, so the instances of one detector can be told from another's in a Prometheus that scrapes
 * several, whatever job they are scraped under. The key is the one Micrometer gives Kafka's own
 * {@code application-id} tag (on {@code kafka.stream.client.state}): the two merge into one
 * Prometheus label, {@code application_id}, where a differently spelt key would render the same
 * label twice and break the scrape.
 *
 * <p>Start it after constructing the {@link DetectorService} with the same {@link
 * DetectorMetrics} as its observer, and before starting the service, so the detector's meters exist
 * before the first event. Closing it stops the endpoint and the binders, not the service.
 */
public final class Observability implements AutoCloseable {
  /** Streams states in which the instance is no longer alive (PENDING_ERROR leads to ERROR). */
  private static final Set<KafkaStreams.State> DEAD = EnumSet.of(
      KafkaStreams.State.PENDING_SHUTDOWN, KafkaStreams.State.NOT_RUNNING,
      KafkaStreams.State.PENDING_ERROR, KafkaStreams.State.ERROR);
  /** Seconds of per-second history the status page can draw. */
  static final int HISTORY_SECONDS = 300;
  /** The common tag naming the Kafka Streams application: {@code application_id} in Prometheus. */
  static final String APPLICATION_ID_TAG = "application.id";

  private final PrometheusMeterRegistry registry;
  private final List<AutoCloseable> closeables = new ArrayList<>();
  private final ScheduledExecutorService sampler;
  private final MetricsServer server;

  private Observability(DetectorService detector, DetectorMetrics metrics, DetectorConfig config,
      Clock clock) {
    registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    // Before any binder: common tags apply to the meters registered after them.
    registry.config().commonTags(
        APPLICATION_ID_TAG, config.kafka().getProperty(StreamsConfig.APPLICATION_ID_CONFIG));
    metrics.bindTo(registry);
    BuildInfo.ofThisJar().bindTo(registry);
    KafkaStreamsMetrics streamsMetrics = new KafkaStreamsMetrics(detector.kafkaStreams());
    JvmGcMetrics gc = new JvmGcMetrics();
    closeables.add(streamsMetrics);
    closeables.add(gc);
    for (MeterBinder binder : List.of(streamsMetrics, gc, new JvmMemoryMetrics(),
        new JvmThreadMetrics(), new ClassLoaderMetrics(), new ProcessorMetrics(),
        new UptimeMetrics(), new FileDescriptorMetrics())) {
      binder.bindTo(registry);
    }
    TrafficHistory history = new TrafficHistory(HISTORY_SECONDS + 1);
    sampler = Executors.newSingleThreadScheduledExecutor(runnable -> {
      Thread thread = new Thread(runnable, "surprisal-status-sampler");
      thread.setDaemon(true);
      return thread;
    });
    sampler.scheduleAtFixedRate(() -> history.sample(metrics, clock.millis()), 0, 1,
        TimeUnit.SECONDS);
    MetricsServer.Probes probes = new MetricsServer.Probes() {
      @Override
      public String streamsState() {
        return detector.state().name();
      }

      @Override
      public boolean healthy() {
        return !DEAD.contains(detector.state());
      }

      @Override
      public boolean ready() {
        return detector.state() == KafkaStreams.State.RUNNING
            && detector.registry().current() != null;
      }

      @Override
      public long modelVersion() {
        PublishedModel live = detector.registry().current();
        return live == null ? 0 : live.version();
      }
    };
    DetectorConfig.MetricsEndpoint endpoint = config.metricsEndpoint();
    try {
      server = new MetricsServer(endpoint.bind(), endpoint.port(), registry, probes,
          () -> StatusReport.build(probes.streamsState(), probes.ready(), metrics, history,
              clock.millis()));
    } catch (RuntimeException e) {
      closeQuietly();
      throw e;
    }
  }

  /**
   * Binds the meters and starts the endpoint for {@code detector}.
   *
   * @param metrics the observer {@code detector} was constructed with; not yet bound
   * @param config the configuration {@code detector} was constructed with: its application id
   *     tags every meter, its metrics endpoint says where to listen
   */
  public static Observability start(
      DetectorService detector, DetectorMetrics metrics, DetectorConfig config) {
    return new Observability(detector, metrics, config, Clock.systemUTC());
  }

  /** Where the endpoint listens, with the real port. */
  public InetSocketAddress address() {
    return server.address();
  }

  /** The status page's address, e.g. http://127.0.0.1:9464/ . */
  public String statusPageUrl() {
    InetSocketAddress address = address();
    String host = address.getAddress().isAnyLocalAddress()
        ? "127.0.0.1" : address.getAddress().getHostAddress();
    if (host.contains(":")) host = "[" + host + "]";
    return "http://" + host + ":" + address.getPort() + "/";
  }

  /** The registry behind {@code /metrics}, for tests and further binders. */
  public PrometheusMeterRegistry registry() {
    return registry;
  }

  @Override
  public void close() {
    server.close();
    closeQuietly();
  }

  private void closeQuietly() {
    sampler.shutdownNow();
    for (AutoCloseable closeable : closeables) {
      try {
        closeable.close();
      } catch (Exception e) {
        // Closing meters must not hide the reason the instance is stopping.
      }
    }
    registry.close();
  }
}
