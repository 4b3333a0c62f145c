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
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The detector against an existing cluster, until it is stopped (SIGTERM or Ctrl-C). */
@Command(name = "run", mixinStandardHelpOptions = true,
    description = "Run the detector against an existing Kafka cluster.")
final class RunCommand implements Callable<Integer> {
  @Mixin KafkaClientOptions kafka;
  @Mixin MetricsEndpointOptions endpoint;

  @Option(names = "--create-topics", negatable = true, defaultValue = "true",
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
    DetectorConfig config = DetectorConfigParser.parse(properties);
    if (createTopics) {
      try (TopicAdmin admin = new TopicAdmin(
          config.kafka().getProperty("bootstrap.servers"), config.kafka())) {
        DetectorTopics.ensure(admin, config.topics(), partitions, replication);
      }
    }
    CountDownLatch stopped = new CountDownLatch(1);
    DetectorMetrics metrics = new DetectorMetrics(Clock.systemUTC());
    DetectorService detector = new DetectorService(config, metrics);
    Observability observability = Observability.start(detector, metrics, config.metricsEndpoint());
    System.err.println("Metrics, health and status page on " + observability.statusPageUrl()
        + " (/metrics, /health, /ready)");
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      observability.close();
      detector.close();
      stopped.countDown();
    }, "surprisal-shutdown"));
    detector.start(Duration.ofMinutes(5));
    stopped.await();
    return 0;
  }
}
