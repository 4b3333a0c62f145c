package io.surprisal.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.surprisal.event.MessageJson;
import io.surprisal.generate.DemoScenario;
import io.surprisal.generate.DetectionTally;
import io.surprisal.generate.ScoresConsumer;
import io.surprisal.generate.TrafficProducer;
import io.surprisal.kafka.DetectorTopics;
import io.surprisal.kafka.LocalBroker;
import io.surprisal.kafka.LocalBrokerLauncher;
import io.surprisal.kafka.TopicAdmin;
import io.surprisal.metrics.DetectorMetrics;
import io.surprisal.metrics.Observability;
import io.surprisal.model.PublishedModel;
import io.surprisal.stream.DetectorConfig;
import io.surprisal.stream.DetectorConfigParser;
import io.surprisal.stream.DetectorService;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Everything on one machine: a real Kafka broker in-process, the generator, the detector, and a
 * reader of the scores topic that checks every alert against the generator's truth.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = "Start an embedded Kafka broker, a generator and the detector; print live status "
        + "and, at the end, one JSON summary line on stdout. Exits 1, early, if the detector "
        + "stops with an error.")
final class DemoCommand implements Callable<Integer> {
  /** Turns a scenario's summary record into a tree, to add the detector's state to it. */
  private static final ObjectMapper SUMMARY_MAPPER = new ObjectMapper();

  @Mixin GenerateCommand.GeneratorOptions generator;
  @Mixin MarketOptions market;
  @Mixin MetricsEndpointOptions endpoint;
  @Spec CommandSpec spec;

  @Option(names = "--scenario", defaultValue = "default",
      description = "Traffic to run: default (a known Bernoulli mixture with coin-flip "
          + "anomalies), market (instruments' up/down bits from hidden regimes that switch; "
          + "reports the detected switches), fraud (card transactions with injected fraud "
          + "patterns) (default: ${DEFAULT-VALUE}).")
  String scenario;

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
    DetectionTally tally = new DetectionTally();
    DemoScenario chosen = DemoScenarios.create(
        scenario, generator, market, duration, spec.commandLine().getParseResult(), tally);
    Path state = Files.createTempDirectory("surprisal-demo-");
    try (LocalBroker broker = LocalBrokerLauncher.start(); chosen) {
      String bootstrap = broker.bootstrapServers();
      DetectorConfig config =
          DetectorConfigParser.parseAtStart(detectorProperties(bootstrap, state, chosen));
      try (TopicAdmin admin = new TopicAdmin(bootstrap)) {
        DetectorTopics.ensure(admin, config.topics(), 3, (short) 1);
      }
      PrintWriter err = spec.commandLine().getErr();
      err.printf("Kafka broker listening on %s; topics %s (in), %s, %s, %s (out)%n"
              + "  attach any client, e.g.: kcat -b %s -t %s -C -e%n",
          bootstrap, config.topics().events(), config.topics().alerts(), config.topics().scores(),
          config.topics().deadLetters(), bootstrap, config.topics().alerts());
      Outcome outcome = runTraffic(config, bootstrap, chosen, tally, err);
      // Through picocli's writers (System.out and System.err unless a caller set others), so
      // tests can read them.
      PrintWriter out = spec.commandLine().getOut();
      out.println(new String(MessageJson.write(outcome.summary()), StandardCharsets.UTF_8));
      out.flush();
      if (outcome.detector().error() != null) {
        // As run does: a detector that died is a failed run, whatever the counts before it say.
        err.println("surprisal: the detector's Kafka Streams client stopped with an error, so the"
            + " traffic was stopped early; the summary covers what was scored before: "
            + outcome.detector().error());
        return 1;
      }
    } finally {
      deleteRecursively(state);
    }
    return 0;
  }

  /**
   * @param summary the scenario's summary with the detector's state at the end, as "detector"
   * @param detector that state; its error is set if the detector stopped for good
   */
  private record Outcome(JsonNode summary, DetectorStatus detector) {
    static Outcome of(Object scenarioSummary, DetectorStatus detector) {
      ObjectNode summary = SUMMARY_MAPPER.valueToTree(scenarioSummary);
      summary.set("detector", SUMMARY_MAPPER.valueToTree(detector));
      return new Outcome(summary, detector);
    }
  }

  private Properties detectorProperties(String bootstrap, Path state, DemoScenario chosen) {
    List<String> settings = new ArrayList<>(List.of(
        "bootstrap.servers=" + bootstrap,
        "application.id=surprisal-demo",
        "state.dir=" + state,
        "surprisal.feature.dimension=" + chosen.dimension(),
        "surprisal.retrain.interval=" + retrainInterval.toMillis() + "ms",
        "surprisal.trainer.check-interval=500ms"));
    settings.addAll(chosen.detectorSettings());
    Properties p = DetectorConfigParser.properties(settings.toArray(String[]::new));
    p.putAll(overrides);
    endpoint.applyTo(p);
    return p;
  }

  private Outcome runTraffic(DetectorConfig config, String bootstrap, DemoScenario chosen,
      DetectionTally tally, PrintWriter err) throws InterruptedException {
    Properties client = new Properties();
    client.setProperty("bootstrap.servers", bootstrap);
    DetectorMetrics metrics = new DetectorMetrics(Clock.systemUTC());
    try (DetectorService detector = new DetectorService(config, metrics);
        Observability observability = Observability.start(detector, metrics, config);
        ScoresConsumer scores = new ScoresConsumer(client, config.topics().scores(), tally);
        TrafficProducer producer = new TrafficProducer(client, config.topics().events())) {
      err.printf("Status page: %s  (also /metrics, /health, /ready)%n",
          observability.statusPageUrl());
      detector.start(Duration.ofSeconds(60));
      chosen.start(client, config);
      Thread reader = new Thread(scores, "demo-scores-reader");
      reader.start();
      Thread traffic = new Thread(() -> producer.run(chosen.events(), Long.MAX_VALUE,
          generator.rate, chosen::onSent), "demo-generator");
      traffic.start();
      long started = System.nanoTime();
      long end = started + duration.toNanos();
      boolean failed = false;
      // A detector that stopped for good scores nothing more: the traffic stops then, at once.
      while (!failed && System.nanoTime() < end) {
        long wait = Math.min(statusInterval.toMillis(),
            Math.max(1, (end - System.nanoTime()) / 1_000_000));
        failed = detector.awaitFailure(Duration.ofMillis(wait));
        printStatus(err, started, tally, detector, chosen);
      }
      producer.stop();
      // A dead detector may have left a send blocked (its events topic deleted, say): close now.
      if (failed) producer.close();
      traffic.join();
      // Let the detector finish what was sent, so the summary covers every event; a dead one
      // never will.
      long drainDeadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (!failed && tally.seen() < producer.sent() && System.nanoTime() < drainDeadline) {
        failed = detector.awaitFailure(Duration.ofMillis(100));
      }
      scores.close();
      reader.join();
      return Outcome.of(chosen.summary(), DetectorStatus.of(detector));
    }
  }

  private static void printStatus(PrintWriter err, long started, DetectionTally tally,
      DetectorService detector, DemoScenario chosen) {
    DetectionTally.Summary s = tally.summary();
    PublishedModel live = detector.registry().current();
    err.printf(
        "[%3ds] scored %,d (%.0f events/s), unscored %,d, alerts %,d, model %s, %s; %s%n",
        (System.nanoTime() - started) / 1_000_000_000L, s.events(), s.eventsPerSecond(),
        s.unscoredEvents(), s.alerts(), live == null ? "none yet" : "v" + live.version(),
        chosen.status(s), DetectorStatus.of(detector).describe());
  }

  private static void deleteRecursively(Path root) throws IOException {
    try (var paths = Files.walk(root)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
