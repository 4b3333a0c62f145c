package io.surprisal.cli;

import io.surprisal.kafka.DetectorTopics;
import io.surprisal.kafka.TopicAdmin;
import io.surprisal.metrics.DetectorMetrics;
import io.surprisal.metrics.Observability;
import io.surprisal.stream.DetectorConfig;
import io.surprisal.stream.DetectorConfigParser;
import io.surprisal.stream.DetectorService;
import java.time.Clock;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The detector against an existing cluster, until it is stopped (SIGTERM or Ctrl-C). */
@Command(name = "run", mixinStandardHelpOptions = true,
    description = "Run the detector against an existing Kafka cluster.")
final class RunCommand implements Callable<Integer> {
  @Mixin KafkaClientOptions kafka;
  @Mixin MetricsEndpointOptions endpoint;

  // fallbackValue: for an option true by default, picocli 4.7 otherwise sets it to the opposite
  // of the default when the option is given, so --create-topics meant false, --no-create-topics
  // true.
  @Option(names = "--create-topics", negatable = true, defaultValue = "true",
      fallbackValue = "true",
      description = "Create missing topics at start (default: ${DEFAULT-VALUE}).")
  boolean createTopics;

  @Option(names = "--partitions", defaultValue = "6",
      description = "Partitions for topics created here (default: ${DEFAULT-VALUE}).")
  int partitions;

  @Option(names = "--replication", defaultValue = "3",
      description = "Replication factor for topics created here (default: ${DEFAULT-VALUE}).")
  short replication;

  @Override
  public Integer call() throws InterruptedException {
    Properties properties = kafka.properties();
    endpoint.applyTo(properties);
    DetectorConfig config = DetectorConfigParser.parseAtStart(properties);
    if (createTopics) {
      try (TopicAdmin admin = new TopicAdmin(
          config.kafka().getProperty("bootstrap.servers"), config.kafka())) {
        DetectorTopics.ensure(admin, config.topics(), partitions, replication);
      }
    }
    CountDownLatch stopped = new CountDownLatch(1);
    DetectorMetrics metrics = new DetectorMetrics(Clock.systemUTC());
    DetectorService detector = new DetectorService(config, metrics);
    Observability observability = Observability.start(detector, metrics, config);
    System.err.println("Metrics, health and status page on " + observability.statusPageUrl()
        + " (/metrics, /health, /ready)");
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      observability.close();
      detector.close();
      stopped.countDown();
    }, "surprisal-shutdown"));
    detector.start(Duration.ofMinutes(5));
    AtomicReference<Throwable> failure = new AtomicReference<>();
    watchForFailure(detector, failure, stopped);
    stopped.await();
    Throwable cause = failure.get();
    if (cause == null) return 0;
    System.err.println("surprisal: Kafka Streams stopped with an error and nothing is scored any "
        + "more; exiting so that a supervisor restarts the detector: " + cause.getMessage());
    return 1;
  }

  /**
   * Streams can still stop for good after RUNNING (a source topic deleted, an error it cannot
   * recover from); the process must not stay up then, answering 503 to /health while scoring
   * nothing, but exit so that its supervisor (systemd, Kubernetes) restarts it.
   */
  private static void watchForFailure(
      DetectorService detector, AtomicReference<Throwable> failure, CountDownLatch stopped) {
    Thread watch = new Thread(() -> {
      try {
        Throwable cause = detector.awaitFailure();
        failure.set(cause != null ? cause : new IllegalStateException("Streams gave no cause"));
        stopped.countDown();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "surprisal-failure-watch");
    watch.setDaemon(true);
    watch.start();
  }
}
