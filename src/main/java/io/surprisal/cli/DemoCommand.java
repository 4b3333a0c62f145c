package io.surprisal.cli;

import io.surprisal.event.MessageJson;
import io.surprisal.generate.DetectionTally;
import io.surprisal.generate.ScoresConsumer;
import io.surprisal.generate.TrafficProducer;
import io.surprisal.kafka.DetectorTopics;
import io.surprisal.kafka.EmbeddedKafkaBroker;
import io.surprisal.kafka.TopicAdmin;
import io.surprisal.metrics.DetectorMetrics;
import io.surprisal.metrics.Observability;
import io.surprisal.model.PublishedModel;
import io.surprisal.stream.DetectorConfig;
import io.surprisal.stream.DetectorConfigParser;
import io.surprisal.stream.DetectorService;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Everything on one machine: a real Kafka broker in-process, the generator, the detector, and a
 * reader of the scores topic that checks every alert against the generator's truth.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = "Start an embedded Kafka broker, a generator and the detector; print live status "
        + "and, at the end, one JSON summary line on stdout.")
final class DemoCommand implements Callable<Integer> {
  @Mixin GenerateCommand.GeneratorOptions generator;
  @Mixin MetricsEndpointOptions endpoint;

  @Option(names = "--duration", defaultValue = "60s",
      description = "How long to generate events (default: ${DEFAULT-VALUE}).")
  Duration duration;

  @Option(names = "--retrain-interval", defaultValue = "10s",
      description = "Time between refits (default: ${DEFAULT-VALUE}).")
  Duration retrainInterval;

  @Option(names = "--status-interval", defaultValue = "5s",
      description = "Time between status lines (default: ${DEFAULT-VALUE}).")
  Duration statusInterval;

  @Option(names = {"-p", "--property"}, paramLabel = "KEY=VALUE",
      description = "A detector or Kafka Streams setting for the demo's detector; repeatable.")
  java.util.Map<String, String> overrides = java.util.Map.of();

  @Override
  public Integer call() throws Exception {
    Path state = Files.createTempDirectory("surprisal-demo-");
    try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
      String bootstrap = broker.bootstrapServers();
      DetectorConfig config = DetectorConfigParser.parse(detectorProperties(bootstrap, state));
      try (TopicAdmin admin = new TopicAdmin(bootstrap)) {
        DetectorTopics.ensure(admin, config.topics(), 3, (short) 1);
      }
      System.err.printf("Kafka broker listening on %s; topics %s (in), %s, %s, %s (out)%n"
              + "  attach any client, e.g.: kcat -b %s -t %s -C -e%n",
          bootstrap, config.topics().events(), config.topics().alerts(), config.topics().scores(),
          config.topics().deadLetters(), bootstrap, config.topics().alerts());
      DetectionTally.Summary summary = runTraffic(config, bootstrap);
      System.out.println(new String(MessageJson.write(summary), StandardCharsets.UTF_8));
    } finally {
      deleteRecursively(state);
    }
    return 0;
  }

  private Properties detectorProperties(String bootstrap, Path state) {
    Properties p = DetectorConfigParser.properties(
        "bootstrap.servers=" + bootstrap,
        "application.id=surprisal-demo",
        "state.dir=" + state,
        "surprisal.feature.dimension=" + generator.dimension,
        "surprisal.sample.rate=0.25",
        "surprisal.window.size=20000",
        "surprisal.min.training.size=5000",
        "surprisal.holdout.fraction=0.3",
        "surprisal.retrain.interval=" + retrainInterval.toMillis() + "ms",
        "surprisal.trainer.check-interval=500ms");
    p.putAll(overrides);
    endpoint.applyTo(p);
    return p;
  }

  private DetectionTally.Summary runTraffic(DetectorConfig config, String bootstrap)
      throws InterruptedException {
    Properties client = new Properties();
    client.setProperty("bootstrap.servers", bootstrap);
    DetectionTally tally = new DetectionTally();
    DetectorMetrics metrics = new DetectorMetrics(Clock.systemUTC());
    try (DetectorService detector = new DetectorService(config, metrics);
        Observability observability =
            Observability.start(detector, metrics, config.metricsEndpoint());
        ScoresConsumer scores = new ScoresConsumer(client, config.topics().scores(), tally);
        TrafficProducer producer = new TrafficProducer(client, config.topics().events())) {
      System.err.printf("Status page: %s  (also /metrics, /health, /ready)%n",
          observability.statusPageUrl());
      detector.start(Duration.ofSeconds(60));
      Thread reader = new Thread(scores, "demo-scores-reader");
      reader.start();
      Thread traffic = new Thread(() -> producer.run(generator.create("demo-"), Long.MAX_VALUE,
          generator.rate, event -> {
            if (event.anomaly()) tally.recordAnomaly(event.id());
          }), "demo-generator");
      traffic.start();
      long started = System.nanoTime();
      long end = started + duration.toNanos();
      while (System.nanoTime() < end) {
        Thread.sleep(Math.min(statusInterval.toMillis(), Math.max(1, (end - System.nanoTime()) / 1_000_000)));
        printStatus(started, tally, detector.registry().current());
      }
      producer.stop();
      traffic.join();
      // Let the detector finish what was sent, so the summary covers every event.
      long drainDeadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (tally.seen() < producer.sent() && System.nanoTime() < drainDeadline) Thread.sleep(100);
      scores.close();
      reader.join();
      return tally.summary();
    }
  }

  private static void printStatus(long started, DetectionTally tally, PublishedModel live) {
    DetectionTally.Summary s = tally.summary();
    System.err.printf(
        "[%3ds] scored %,d (%.0f events/s), unscored %,d, alerts %,d, model %s, recall %.3f, "
            + "false-alert rate %.5f%n",
        (System.nanoTime() - started) / 1_000_000_000L, s.events(), s.eventsPerSecond(),
        s.unscoredEvents(), s.alerts(), live == null ? "none yet" : "v" + live.version(),
        s.recall(), s.falseAlertRate());
  }

  private static void deleteRecursively(Path root) throws IOException {
    try (var paths = Files.walk(root)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
