package io.surprisal.it;

import io.surprisal.generate.EventGenerator;
import io.surprisal.generate.SyntheticMixtures;
import io.surprisal.generate.TrafficProducer;
import io.surprisal.kafka.DetectorTopics;
import io.surprisal.kafka.EmbeddedKafkaBroker;
import io.surprisal.kafka.TopicAdmin;
import io.surprisal.metrics.DetectorMetrics;
import io.surprisal.metrics.Observability;
import io.surprisal.stream.DetectorConfig;
import io.surprisal.stream.DetectorConfigParser;
import io.surprisal.stream.DetectorService;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * A detector with its HTTP endpoint on a free loopback port, on an in-process broker, for the
 * observability tests: small training settings so the first model is live a few seconds after
 * {@link #MIN_TRAINING} events.
 */
final class ObservedDetector implements AutoCloseable {
  static final int MIN_TRAINING = 700; // × 0.3: a holdout of 210, enough to calibrate q = 0.001

  private final HttpClient http = HttpClient.newHttpClient();
  private final EmbeddedKafkaBroker broker;
  private final Path state;
  private final DetectorConfig config;
  private final DetectorService detector;
  private final Observability observability;
  private TrafficProducer background;
  private Thread backgroundThread;

  ObservedDetector(String applicationId) throws IOException {
    broker = EmbeddedKafkaBroker.start();
    state = Files.createTempDirectory("surprisal-" + applicationId + "-");
    config = DetectorConfigParser.parse(DetectorConfigParser.properties(
        "bootstrap.servers=" + broker.bootstrapServers(),
        "application.id=" + applicationId,
        "state.dir=" + state,
        "surprisal.feature.dimension=64",
        "surprisal.sample.rate=1.0",
        "surprisal.window.size=2000",
        "surprisal.min.training.size=" + MIN_TRAINING,
        "surprisal.holdout.fraction=0.3",
        "surprisal.retrain.interval=2s",
        "surprisal.trainer.check-interval=200ms",
        "surprisal.mixture.components=1,2,4,8",
        "surprisal.mixture.restarts=1",
        // The observability tests check that every alerting rule is wired and that none fires on
        // healthy traffic, not the regime monitor's power. Its holdouts here are 210 rows, whose
        // lower tail can sit a few standard errors off, and at the default of a false alarm per
        // million samples one fired once in many runs (a shift after 19 samples): the longest
        // run length allowed raises its threshold so far that it becomes far rarer, and leaves
        // its series in place.
        "surprisal.regime.mean-run-length=1e12",
        "surprisal.metrics.port=0"));
    try (TopicAdmin admin = new TopicAdmin(broker.bootstrapServers())) {
      DetectorTopics.ensure(admin, config.topics(), 2, (short) 1);
    }
    DetectorMetrics metrics = new DetectorMetrics(Clock.systemUTC());
    detector = new DetectorService(config, metrics);
    observability = Observability.start(detector, metrics, config);
    detector.start(Duration.ofSeconds(60));
  }

  DetectorService detector() {
    return detector;
  }

  Observability observability() {
    return observability;
  }

  /** The endpoint's base address, ending in "/". */
  String base() {
    return observability.statusPageUrl();
  }

  /** Sends generated events (1% anomalies) as fast as the producer goes, and waits for them. */
  void sendTraffic(int events, long seed) {
    EventGenerator generator = new EventGenerator(
        SyntheticMixtures.separated(4, 64, 0.02, 0.1, 2024), 0.01, seed, "obs-" + seed + "-");
    try (TrafficProducer producer = new TrafficProducer(client(), config.topics().events())) {
      producer.run(generator, events, 20_000, event -> {});
    }
  }

  /** Starts sending generated events at {@code rate} per second until {@link #close}. */
  void startTraffic(double rate, long seed) {
    EventGenerator generator = new EventGenerator(
        SyntheticMixtures.separated(4, 64, 0.02, 0.1, 2024), 0.01, seed, "live-" + seed + "-");
    background = new TrafficProducer(client(), config.topics().events());
    backgroundThread = new Thread(
        () -> background.run(generator, Long.MAX_VALUE, rate, event -> {}), "test-traffic");
    backgroundThread.start();
  }

  /** Sends raw payloads, valid or not, to the events topic. */
  void sendRaw(String... payloads) {
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(client(), new StringSerializer(), new StringSerializer())) {
      for (String payload : payloads) {
        producer.send(new ProducerRecord<>(config.topics().events(), "raw", payload));
      }
    }
  }

  /** Waits until a model is live, at most {@code timeout}. */
  void awaitModel(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (detector.registry().current() == null) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("no model was live within " + timeout);
      }
      Thread.sleep(100);
    }
  }

  HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return http.send(HttpRequest.newBuilder(URI.create(base() + path)).GET().build(),
        HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
  }

  HttpResponse<String> post(String path) throws IOException, InterruptedException {
    return http.send(HttpRequest.newBuilder(URI.create(base() + path))
            .POST(HttpRequest.BodyPublishers.ofString("x")).build(),
        HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
  }

  private Properties client() {
    Properties client = new Properties();
    client.setProperty("bootstrap.servers", broker.bootstrapServers());
    return client;
  }

  @Override
  public void close() throws IOException {
    if (background != null) {
      background.stop();
      try {
        backgroundThread.join(10_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      background.close();
    }
    observability.close();
    detector.close();
    broker.close();
    try (var paths = Files.walk(state)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
