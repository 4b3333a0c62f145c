package io.surprisal.benchmark;

import io.surprisal.event.BitVector;
import io.surprisal.event.EventParser;
import io.surprisal.generate.EventGenerator;
import io.surprisal.generate.SyntheticMixtures;
import io.surprisal.kafka.DetectorTopics;
import io.surprisal.kafka.TopicAdmin;
import io.surprisal.model.BernoulliMixture;
import io.surprisal.model.ModelCodec;
import io.surprisal.model.PublishedModel;
import io.surprisal.stream.DetectorConfig;
import io.surprisal.stream.DetectorConfigParser;
import io.surprisal.stream.DetectorService;
import io.surprisal.train.AcceptanceGate;
import io.surprisal.train.BernoulliMixtureTrainer;
import io.surprisal.train.Calibrator;
import io.surprisal.train.TrainingPipeline;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Events per second through the full detector topology against two pass-through topologies on the
 * same broker, the same pre-loaded events and the same Streams settings, alternating rounds so all
 * see the same machine load: a copy (source to sink, the bytes untouched) and, as issue 5 defines
 * the pass-through, one that parses each event with {@link EventParser} and re-serializes it. The
 * ratios are the price of detection over Kafka Streams alone and over a JSON pipeline.
 *
 * <p>The detector runs with a pre-trained model already on the models topic and a window that never
 * fills, so each round measures scoring alone: parse, score, a score record per event, alerts, and
 * the sampled copies. The first {@code warmupRounds} rounds of each run but are not counted (JIT).
 */
public final class ThroughputBenchmark {
  private static final Logger log = LoggerFactory.getLogger(ThroughputBenchmark.class);
  private static final String EVENTS = "bench-events";
  private static final String MODELS = "bench-models";

  /**
   * What to measure.
   *
   * @param streams Kafka Streams and client settings given to every topology alike (the detector's
   *     own defaults apply to the pass-throughs too, see {@link #streamsProperties})
   */
  public record Settings(int events, int dimension, int components, int partitions, int rounds,
      int warmupRounds, String processingGuarantee, long seed, Map<String, String> streams) {
    public Settings {
      streams = Map.copyOf(streams);
    }
  }

  /** Per-round rates (events/s) of the counted rounds, in the order run. */
  public record Result(Settings settings, String model, List<Double> passThroughEventsPerSecond,
      List<Double> jsonPassThroughEventsPerSecond, List<Double> detectorEventsPerSecond,
      double medianPassThrough, double medianJsonPassThrough, double medianDetector,
      double medianRatio, double medianRatioToJsonPassThrough) {}

  private final String bootstrap;
  private final Path stateRoot;

  public ThroughputBenchmark(String bootstrapServers, Path stateRoot) {
    this.bootstrap = bootstrapServers;
    this.stateRoot = stateRoot;
  }

  public Result run(Settings settings) throws Exception {
    String events = EVENTS;
    String models = MODELS;
    try (TopicAdmin admin = new TopicAdmin(bootstrap)) {
      admin.ensureTopic(events, settings.partitions(), (short) 1, Map.of());
      admin.ensureTopic(models, 1, (short) 1, Map.of("cleanup.policy", "compact"));
    }
    BernoulliMixture truth =
        SyntheticMixtures.separated(settings.components(), settings.dimension(), 0.02, 0.1,
            settings.seed());
    PublishedModel model = fit(truth, settings.seed());
    log.info("Benchmark model: {}", model.model());
    produce(models, "model", ModelCodec.encode(model));
    log.info("Producing {} events to {}", settings.events(), events);
    preload(events, truth, settings);

    List<Double> passThrough = new ArrayList<>();
    List<Double> jsonPassThrough = new ArrayList<>();
    List<Double> detector = new ArrayList<>();
    for (int round = 1 - settings.warmupRounds(); round <= settings.rounds(); round++) {
      double copy = measure("pass-through", round, settings,
          app -> passThroughStreams(app, events, "bench-copy-" + app, settings, false));
      double json = measure("json-pass-through", round, settings,
          app -> passThroughStreams(app, events, "bench-json-" + app, settings, true));
      double scoring = measure("detector", round, settings,
          app -> detectorStreams(app, settings));
      if (round >= 1) {
        passThrough.add(copy);
        jsonPassThrough.add(json);
        detector.add(scoring);
      }
    }
    double medianPass = median(passThrough);
    double medianJson = median(jsonPassThrough);
    double medianDetector = median(detector);
    return new Result(settings, model.model().toString(), passThrough, jsonPassThrough, detector,
        medianPass, medianJson, medianDetector, medianDetector / medianPass,
        medianDetector / medianJson);
  }

  private interface StreamsFactory {
    AutoCloseable start(String applicationId) throws Exception;
  }

  /** Runs one topology from the first offset until every input record's offset is committed. */
  private double measure(String name, int round, Settings settings, StreamsFactory factory)
      throws Exception {
    String applicationId = "bench-" + name + "-" + round + "-" + System.nanoTime();
    long started = System.nanoTime();
    try (AutoCloseable streams = factory.start(applicationId)) {
      long running = System.nanoTime();
      awaitCommitted(applicationId, EVENTS, settings.events(), Duration.ofMinutes(10));
      double seconds = (System.nanoTime() - running) / 1e9;
      double rate = settings.events() / seconds;
      log.info("Round {} {}: {} events in {} s = {} events/s (start-up {} ms)", round, name,
          settings.events(), String.format("%.2f", seconds), String.format("%.0f", rate),
          (running - started) / 1_000_000);
      return rate;
    }
  }

  /** @param parse parse and re-serialize each event (issue 5's pass-through), else copy bytes */
  private AutoCloseable passThroughStreams(String applicationId, String input, String output,
      Settings settings, boolean parse) throws InterruptedException {
    try (TopicAdmin admin = new TopicAdmin(bootstrap)) {
      admin.ensureTopic(output, settings.partitions(), (short) 1, Map.of());
    }
    Topology topology = new Topology();
    topology.addSource("in", input);
    if (parse) {
      topology.addProcessor("json", () -> new JsonPassThrough(settings.dimension()), "in")
          .addSink("out", output, "json");
    } else {
      topology.addSink("out", output, "in");
    }
    Properties p = streamsProperties(applicationId, settings);
    // The detector's own Streams defaults, so that only the topology differs between them.
    DetectorConfigParser.parse(detectorProperties(applicationId, settings)).kafka()
        .forEach((key, value) -> p.putIfAbsent(key, value));
    p.setProperty("application.id", applicationId);
    p.put(StreamsConfig.DEFAULT_KEY_SERDE_CLASS_CONFIG,
        org.apache.kafka.common.serialization.Serdes.ByteArraySerde.class);
    p.put(StreamsConfig.DEFAULT_VALUE_SERDE_CLASS_CONFIG,
        org.apache.kafka.common.serialization.Serdes.ByteArraySerde.class);
    KafkaStreams streams = new KafkaStreams(topology, p);
    CountDownLatch running = new CountDownLatch(1);
    streams.setStateListener((now, before) -> {
      if (now == KafkaStreams.State.RUNNING) running.countDown();
    });
    streams.start();
    if (!running.await(2, TimeUnit.MINUTES)) throw new IllegalStateException("not RUNNING");
    return () -> streams.close(Duration.ofSeconds(30));
  }

  private AutoCloseable detectorStreams(String applicationId, Settings settings) {
    DetectorConfig config = DetectorConfigParser.parse(detectorProperties(applicationId, settings));
    try (TopicAdmin admin = new TopicAdmin(bootstrap)) {
      // All of the detector's topics, with the layout its topology relies on.
      DetectorTopics.ensure(admin, config.topics(), settings.partitions(), (short) 1);
    }
    DetectorService detector = new DetectorService(config);
    detector.start(Duration.ofMinutes(2));
    if (detector.registry().current() == null) {
      throw new IllegalStateException("the benchmark model is not live after start");
    }
    return detector;
  }

  private Properties detectorProperties(String applicationId, Settings settings) {
    Properties p = streamsProperties(applicationId, settings);
    p.setProperty("surprisal.feature.dimension", String.valueOf(settings.dimension()));
    p.setProperty("surprisal.topic.events", EVENTS);
    p.setProperty("surprisal.topic.models", MODELS);
    p.setProperty("surprisal.topic.alerts", "bench-alerts-" + applicationId);
    p.setProperty("surprisal.topic.scores", "bench-scores-" + applicationId);
    p.setProperty("surprisal.topic.dead-letters", "bench-dead-letters-" + applicationId);
    p.setProperty("surprisal.topic.samples", "bench-samples-" + applicationId);
    p.setProperty("surprisal.topic.regime-shifts", "bench-regime-shifts-" + applicationId);
    p.setProperty("surprisal.sample.rate", "0.01");
    // A window that never reaches its first fit: the rounds measure scoring, not training.
    p.setProperty("surprisal.window.size", String.valueOf(Math.max(20, settings.events())));
    p.setProperty("surprisal.min.training.size", String.valueOf(Math.max(20, settings.events())));
    return p;
  }

  private Properties streamsProperties(String applicationId, Settings settings) {
    Properties p = new Properties();
    p.setProperty("bootstrap.servers", bootstrap);
    p.setProperty("application.id", applicationId);
    p.setProperty("state.dir", stateRoot.resolve(applicationId).toString());
    p.setProperty("processing.guarantee", settings.processingGuarantee());
    p.setProperty("auto.offset.reset", "earliest");
    // A round ends when every input offset is committed; at-least-once would otherwise commit
    // only every 30 s (its default), and the rounds would measure the commit interval.
    p.setProperty("commit.interval.ms", "100");
    settings.streams().forEach(p::setProperty);
    return p;
  }

  private void awaitCommitted(String group, String topic, long total, Duration timeout)
      throws Exception {
    Properties p = new Properties();
    p.setProperty("bootstrap.servers", bootstrap);
    long deadline = System.nanoTime() + timeout.toNanos();
    try (Admin admin = Admin.create(p)) {
      while (System.nanoTime() < deadline) {
        Map<TopicPartition, OffsetAndMetadata> offsets =
            admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
        long committed = offsets.entrySet().stream()
            .filter(e -> e.getKey().topic().equals(topic) && e.getValue() != null)
            .mapToLong(e -> e.getValue().offset()).sum();
        if (committed >= total) return;
        Thread.sleep(50);
      }
    }
    throw new IllegalStateException(group + " did not commit " + total + " offsets in time");
  }

  private PublishedModel fit(BernoulliMixture truth, long seed) {
    Random random = new Random(seed);
    List<BitVector> window = new ArrayList<>();
    for (int i = 0; i < 20_000; i++) window.add(truth.sample(random));
    TrainingPipeline pipeline = new TrainingPipeline(
        new BernoulliMixtureTrainer(BernoulliMixtureTrainer.Settings.defaults()),
        new Calibrator(0.001, 6), new AcceptanceGate(1.0), 0.2, seed, Clock.systemUTC());
    return pipeline.run(window, null, 1).published();
  }

  private void preload(String topic, BernoulliMixture truth, Settings settings) {
    EventGenerator generator = new EventGenerator(truth, 0.005, settings.seed() + 1, "b-");
    Properties p = new Properties();
    p.setProperty("bootstrap.servers", bootstrap);
    p.setProperty("linger.ms", "20");
    p.setProperty("batch.size", "262144");
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
      for (int i = 0; i < settings.events(); i++) {
        EventGenerator.GeneratedEvent event = generator.next();
        producer.send(new ProducerRecord<>(topic, event.key().getBytes(StandardCharsets.UTF_8),
            event.json()));
      }
    }
  }

  private void produce(String topic, String key, byte[] value) {
    Properties p = new Properties();
    p.setProperty("bootstrap.servers", bootstrap);
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer())) {
      producer.send(new ProducerRecord<>(topic, key, value));
    }
  }

  private static double median(List<Double> values) {
    List<Double> sorted = new ArrayList<>(values);
    sorted.sort(Double::compare);
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }
}
