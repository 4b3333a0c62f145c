package io.surprisal.cli;

import io.surprisal.generate.EventGenerator;
import io.surprisal.generate.SyntheticMixtures;
import io.surprisal.generate.TrafficProducer;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Synthetic events from a known latent model, with injected anomalies, to any cluster. */
@Command(name = "generate", mixinStandardHelpOptions = true,
    description = "Produce synthetic events (a known Bernoulli mixture plus injected anomalies).")
final class GenerateCommand implements Callable<Integer> {
  @Mixin KafkaClientOptions kafka;
  @Mixin GeneratorOptions generator;

  @Option(names = "--topic", defaultValue = "events",
      description = "Topic to write to (default: ${DEFAULT-VALUE}).")
  String topic;

  @Option(names = "--count", defaultValue = "100000",
      description = "Events to send (default: ${DEFAULT-VALUE}).")
  long count;

  @Option(names = "--truth", paramLabel = "FILE",
      description = "Write the ids of the injected anomalies here, one per line.")
  Path truthFile;

  @Override
  public Integer call() throws IOException {
    Properties client = kafka.properties();
    if (client.getProperty("bootstrap.servers", "").isBlank()) {
      throw new IllegalArgumentException("bootstrap.servers is missing: pass --bootstrap-servers");
    }
    client.keySet().removeIf(key -> key.toString().startsWith("surprisal."));
    EventGenerator events = generator.create("gen-");
    try (TrafficProducer producer = new TrafficProducer(client, topic);
        PrintWriter truth = truthFile == null ? null
            : new PrintWriter(Files.newBufferedWriter(truthFile))) {
      producer.run(events, count, generator.rate, event -> {
        if (event.anomaly() && truth != null) truth.println(event.id());
      });
      System.err.printf("Sent %d events to %s%n", producer.sent(), topic);
    }
    return 0;
  }

  /** The generator's settings, shared with the demo. */
  static final class GeneratorOptions {
    @Option(names = "--dimension", defaultValue = "64",
        description = "Bits per event, L (default: ${DEFAULT-VALUE}).")
    int dimension;

    @Option(names = "--components", defaultValue = "8",
        description = "Latent classes of the generating mixture (default: ${DEFAULT-VALUE}).")
    int components;

    @Option(names = "--anomaly-rate", defaultValue = "0.005",
        description = "Share of events replaced by anomalies (default: ${DEFAULT-VALUE}).")
    double anomalyRate;

    @Option(names = "--rate", defaultValue = "3000",
        description = "Events per second (default: ${DEFAULT-VALUE}).")
    double rate;

    @Option(names = "--seed", defaultValue = "1",
        description = "Seed of the generating model and the traffic (default: ${DEFAULT-VALUE}).")
    long seed;

    EventGenerator create(String idPrefix) {
      if (!(rate > 0)) throw new IllegalArgumentException("--rate must be > 0, got " + rate);
      return new EventGenerator(
          SyntheticMixtures.separated(components, dimension, 0.02, 0.1, seed), anomalyRate,
          seed + 1, idPrefix);
    }
  }
}
