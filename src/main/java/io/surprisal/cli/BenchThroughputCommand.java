package io.surprisal.cli;

import io.surprisal.benchmark.ThroughputBenchmark;
import io.surprisal.train.DetectionScore;
import io.surprisal.event.MessageJson;
import io.surprisal.kafka.LocalBroker;
import io.surprisal.kafka.LocalBrokerLauncher;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The detector's throughput against a pass-through topology, on the embedded broker. */
@Command(name = "bench-throughput", mixinStandardHelpOptions = true,
    description = "Measure events/s of the detector topology and of two pass-through topologies "
        + "(a byte copy, and a parse and re-serialize) side by side in alternating rounds on an "
        + "embedded broker; one JSON line on stdout.")
final class BenchThroughputCommand implements Callable<Integer> {
  @Option(names = "--events", defaultValue = "500000",
      description = "Events pre-loaded and processed per round (default: ${DEFAULT-VALUE}).")
  int events;

  @Option(names = "--dimension", defaultValue = "39",
      description = "Bits per event (default: ${DEFAULT-VALUE}).")
  int dimension;

  @Option(names = "--components", defaultValue = "16",
      description = "Components of the generating mixture (default: ${DEFAULT-VALUE}).")
  int components;

  @Option(names = "--partitions", defaultValue = "2",
      description = "Partitions of the input topic (default: ${DEFAULT-VALUE}).")
  int partitions;

  @Option(names = "--rounds", defaultValue = "3",
      description = "Rounds of each topology, alternating (default: ${DEFAULT-VALUE}).")
  int rounds;

  @Option(names = "--warmup-rounds", defaultValue = "1",
      description = "Rounds of each topology run first and not counted: JIT warm-up "
          + "(default: ${DEFAULT-VALUE}).")
  int warmupRounds;

  @Option(names = {"-p", "--property"}, paramLabel = "KEY=VALUE",
      description = "A Kafka Streams or client setting for every topology alike, e.g. "
          + "-p producer.linger.ms=20; repeatable.")
  Map<String, String> streams = new LinkedHashMap<>();

  @Option(names = "--processing-guarantee", defaultValue = "exactly_once_v2",
      description = "exactly_once_v2 or at_least_once, for both topologies (default: "
          + "${DEFAULT-VALUE}).")
  String processingGuarantee;

  @Option(names = "--seed", defaultValue = "1", description = "Seed (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--model", paramLabel = "KIND", defaultValue = "mixture",
      description = "The kind the detector scores with: mixture, binary-latent (16 latent bits, "
          + "sampled) or vae (D = 16); the neural kinds are fitted briefly, since the cost of a "
          + "score depends on their shape, not their training (default: ${DEFAULT-VALUE}).")
  String model;

  @Option(names = "--scoring-samples", paramLabel = "S", defaultValue = "16",
      description = "Importance samples per score of the neural kinds (default: ${DEFAULT-VALUE}).")
  int scoringSamples;

  @Option(names = "--latency-seconds", paramLabel = "N", defaultValue = "0",
      description = "After the rounds, offer events at a fixed rate for N seconds with a window "
          + "that refits during the run, and report p50/p99 event latency (send to committed "
          + "score) in steady state and during a retrain; 0 skips it (default: ${DEFAULT-VALUE}).")
  int latencySeconds;

  @Option(names = "--latency-rate", paramLabel = "EVENTS_PER_S", defaultValue = "0",
      description = "Events/s offered in the latency run; 0 means a quarter of the detector's "
          + "median rate in the rounds (default: ${DEFAULT-VALUE}).")
  int latencyRate;

  @Option(names = "--score", paramLabel = "SCORE", defaultValue = "likelihood",
      description = "What the pre-trained model's threshold is set on, as surprisal.score: "
          + "likelihood or ensemble (default: ${DEFAULT-VALUE}, the figures of "
          + "docs/benchmarks.md).")
  String score;

  @Option(names = "--baseline-score", paramLabel = "SCORE",
      description = "Also run, in the same rounds, a detector whose model (the same fit) has its "
          + "threshold set on this score, and report the detector's rate over it per round: "
          + "e.g. --score ensemble --baseline-score likelihood for what the ensemble costs "
          + "(default: none).")
  String baselineScore;

  @Override
  public Integer call() throws Exception {
    TrainingOptions.requireKnownModel(model);
    Path state = Files.createTempDirectory("surprisal-bench-");
    try (LocalBroker broker = LocalBrokerLauncher.start()) {
      ThroughputBenchmark.Result result = new ThroughputBenchmark(broker.bootstrapServers(), state)
          .run(new ThroughputBenchmark.Settings(events, dimension, components, partitions, rounds,
              warmupRounds, processingGuarantee, seed, streams, model, scoringSamples,
              latencySeconds, latencyRate, DetectionScore.ofLabel(score),
              baselineScore == null ? null : DetectionScore.ofLabel(baselineScore)));
      System.out.println(new String(MessageJson.write(result), StandardCharsets.UTF_8));
    }
    return 0;
  }
}
