package io.surprisal.benchmark;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.surprisal.event.BitVector;
import io.surprisal.event.EventParser;
import io.surprisal.generate.EventGenerator;
import io.surprisal.generate.SyntheticMixtures;
import io.surprisal.kafka.DetectorTopics;
import io.surprisal.kafka.TopicAdmin;
import io.surprisal.metrics.DetectorMetrics;
import io.surprisal.model.BernoulliMixture;
import io.surprisal.model.BinaryLatentModel;
import io.surprisal.model.VaeModel;
import io.surprisal.model.ModelCodec;
import io.surprisal.model.PublishedModel;
import io.surprisal.stream.DetectorConfig;
import io.surprisal.stream.DetectorConfigParser;
import io.surprisal.stream.DetectorService;
import io.surprisal.train.AcceptanceGate;
import io.surprisal.train.BernoulliMixtureTrainer;
import io.surprisal.train.Calibrator;
import io.surprisal.train.DetectionScore;
import io.surprisal.train.ModelTrainer;
import io.surprisal.train.ModelTrainers;
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
 * fills, so each round measures scoring alone: parse, score, a score record per event, alerts, the
 * sampled copies and the per-event metrics. The first {@code warmupRounds} rounds of each run but
 * are not counted (JIT).
 *
 * <p>With a baseline score, a second detector runs in the same rounds on a model of the same fit
 * whose threshold is set on that score: what one score costs over another, measured where both
 * see the same load. The two detectors swap places every round, and their ratio is taken per
 * round, since the machine's pace drifts between rounds by more than the difference sought.
 */
public final class ThroughputBenchmark {
  private static final Logger log = LoggerFactory.getLogger(ThroughputBenchmark.class);
  private static final String EVENTS = "bench-events";
  private static final String MODELS = "bench-models";
  private static final String BASELINE_MODELS = "bench-baseline-models";
  private static final String LATENCY_EVENTS = "bench-latency-events";
  /** Rows the neural kinds are fitted on, and their epochs: the rounds time scoring, not fit. */
  private static final int NEURAL_FIT_ROWS = 5_000;
  private static final int NEURAL_FIT_EPOCHS = 3;

  /**
   * What to measure.
   *
   * @param model the kind the detector scores with: mixture, binary-latent or vae
   * @param scoringSamples S, importance samples per score of the neural kinds (binary-latent at its
   *     default shape, 64 latent bits, above its enumeration limit of 12, so that it samples)
   * @param streams Kafka Streams and client settings given to every topology alike (the detector's
   *     own defaults apply to the pass-throughs too, see {@link #streamsProperties})
   * @param latencySeconds length of the latency run after the rounds; 0 skips it
   * @param latencyRate events/s offered in the latency run; 0 means a quarter of the detector's
   *     median rate in the rounds
   * @param score what the pre-trained model's threshold is set on (surprisal.score)
   * @param baselineScore the score of a second detector run in the same rounds, or null for none
   */
  public record Settings(int events, int dimension, int components, int partitions, int rounds,
      int warmupRounds, String processingGuarantee, long seed, Map<String, String> streams,
      String model, int scoringSamples, int latencySeconds, int latencyRate,
      DetectionScore score, DetectionScore baselineScore) {
    public Settings {
      streams = Map.copyOf(streams);
    }
  }

  /**
   * Per-round rates (events/s) of the counted rounds, in the order run. The baseline's fields are
   * null without a baseline score.
   *
   * @param medianRoundRatioToBaseline the median over rounds of the detector's rate over the
   *     baseline detector's in the same round
   */
  public record Result(Settings settings, String model, List<Double> passThroughEventsPerSecond,
      List<Double> jsonPassThroughEventsPerSecond, List<Double> detectorEventsPerSecond,
      double medianPassThrough, double medianJsonPassThrough, double medianDetector,
      double medianRatio, double medianRatioToJsonPassThrough, LatencyBenchmark.Result latency,
      String baselineModel, List<Double> baselineDetectorEventsPerSecond,
      Double medianBaselineDetector, Double medianRoundRatioToBaseline) {}

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
    PublishedModel model = fit(truth, settings, settings.score());
    log.info("Benchmark model: {}", model.model());
    produce(models, "model", ModelCodec.encode(model));
    DetectionScore baselineScore = settings.baselineScore();
    PublishedModel baselineModel = null;
    if (baselineScore != null) {
      try (TopicAdmin admin = new TopicAdmin(bootstrap)) {
        admin.ensureTopic(BASELINE_MODELS, 1, (short) 1, Map.of("cleanup.policy", "compact"));
      }
      baselineModel = fit(truth, settings, baselineScore);
      log.info("Baseline model ({} score): {}", baselineScore.label(), baselineModel.model());
      produce(BASELINE_MODELS, "model", ModelCodec.encode(baselineModel));
    }
    log.info("Producing {} events to {}", settings.events(), events);
    preload(events, truth, settings);

    List<Double> passThrough = new ArrayList<>();
    List<Double> jsonPassThrough = new ArrayList<>();
    List<Double> detector = new ArrayList<>();
    List<Double> baseline = new ArrayList<>();
    List<Double> roundRatios = new ArrayList<>();
    for (int round = 1 - settings.warmupRounds(); round <= settings.rounds(); round++) {
      double copy = measure("pass-through", round, settings,
          app -> passThroughStreams(app, events, "bench-copy-" + app, settings, false));
      double json = measure("json-pass-through", round, settings,
          app -> passThroughStreams(app, events, "bench-json-" + app, settings, true));
      boolean baselineFirst = baselineScore != null && Math.floorMod(round, 2) == 0;
      double baselineRate = baselineFirst ? measureBaseline(round, settings) : Double.NaN;
      double scoring = measure("detector", round, settings,
          app -> detectorStreams(app, MODELS, settings));
      if (baselineScore != null && !baselineFirst) baselineRate = measureBaseline(round, settings);
      if (round >= 1) {
        passThrough.add(copy);
        jsonPassThrough.add(json);
        detector.add(scoring);
        if (baselineScore != null) {
          baseline.add(baselineRate);
          roundRatios.add(scoring / baselineRate);
        }
      }
    }
    double medianPass = median(passThrough);
    double medianJson = median(jsonPassThrough);
    double medianDetector = median(detector);
    LatencyBenchmark.Result latency = settings.latencySeconds() > 0
        ? latency(truth, settings, medianDetector) : null;
    return new Result(settings, model.model().toString(), passThrough, jsonPassThrough, detector,
        medianPass, medianJson, medianDetector, medianDetector / medianPass,
        medianDetector / medianJson, latency,
        baselineModel == null ? null : baselineModel.model().toString(),
        baselineModel == null ? null : baseline,
        baselineModel == null ? null : median(baseline),
        baselineModel == null ? null : median(roundRatios));
  }

  private double measureBaseline(int round, Settings settings) throws Exception {
    return measure("baseline-detector", round, settings,
        app -> detectorStreams(app, BASELINE_MODELS, settings));
  }

  /**
   * The latency run: the same detector and model, fed at a fixed rate below its capacity, with a
   * window that fills within about 15 s and refits every 20 s, so the run holds steady stretches
   * and retrains.
   */
  private LatencyBenchmark.Result latency(BernoulliMixture truth, Settings settings,
      double medianDetector) throws Exception {
    int rate = settings.latencyRate() > 0
        ? settings.latencyRate() : (int) Math.max(100, Math.round(medianDetector / 4));
    String applicationId = "bench-latency-" + System.nanoTime();
    Properties p = detectorProperties(applicationId, LATENCY_EVENTS, MODELS, settings);
    double sampleRate = 0.1;
    // At least 1,000: its holdout (a fifth) must be large enough to calibrate q = 0.001.
    int firstFit = (int) Math.max(1000, rate * sampleRate * 15);
    p.setProperty("surprisal.sample.rate", String.valueOf(sampleRate));
    p.setProperty("surprisal.min.training.size", String.valueOf(firstFit));
    p.setProperty("surprisal.window.size", String.valueOf(2 * firstFit));
    p.setProperty("surprisal.retrain.interval", "20s");
    // The early refit after a regime shift may not ask for more samples than the window holds.
    p.setProperty("surprisal.regime.refit-samples", String.valueOf(firstFit));
    log.info("Latency run: {} events/s for {} s, first fit at {} samples", rate,
        settings.latencySeconds(), firstFit);
    EventGenerator generator =
        new EventGenerator(truth, 0.005, settings.seed() + 2, "latency-");
    return new LatencyBenchmark(bootstrap)
        .run(p, settings.partitions(), generator, rate, settings.latencySeconds());
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
    DetectorConfigParser.parse(detectorProperties(applicationId, EVENTS, MODELS, settings)).kafka()
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

  /** @param models the topic the detector's pre-trained model is on */
  private AutoCloseable detectorStreams(String applicationId, String models, Settings settings) {
    DetectorConfig config =
        DetectorConfigParser.parse(detectorProperties(applicationId, EVENTS, models, settings));
    try (TopicAdmin admin = new TopicAdmin(bootstrap)) {
      // All of the detector's topics, with the layout its topology relies on.
      DetectorTopics.ensure(admin, config.topics(), settings.partitions(), (short) 1);
    }
    DetectorMetrics metrics = new DetectorMetrics(Clock.systemUTC());
    // The per-event meters `run` keeps, so that the rounds pay for them as a deployment does.
    metrics.bindTo(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
    DetectorService detector = new DetectorService(config, metrics);
    detector.start(Duration.ofMinutes(2));
    if (detector.registry().current() == null) {
      throw new IllegalStateException("the benchmark model is not live after start");
    }
    return detector;
  }

  private Properties detectorProperties(
      String applicationId, String events, String models, Settings settings) {
    Properties p = streamsProperties(applicationId, settings);
    p.setProperty("surprisal.feature.dimension", String.valueOf(settings.dimension()));
    modelProperties(settings).forEach(p::setProperty);
    p.setProperty("surprisal.topic.events", events);
    p.setProperty("surprisal.topic.models", models);
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

  /**
   * The model kind and, for the neural kinds, a small fit: the rounds time scoring, whose cost
   * depends on the shapes (L, K or D, H, S) and not on how well the weights are trained.
   */
  private static Map<String, String> modelProperties(Settings settings) {
    String s = String.valueOf(settings.scoringSamples());
    String epochs = String.valueOf(NEURAL_FIT_EPOCHS);
    return switch (settings.model()) {
      case BinaryLatentModel.KIND -> Map.of("surprisal.model.kind", BinaryLatentModel.KIND,
          "surprisal.binary-latent.scoring-samples", s,
          "surprisal.binary-latent.max-epochs", epochs);
      case VaeModel.KIND -> Map.of("surprisal.model.kind", VaeModel.KIND,
          "surprisal.vae.latent-dimension", "16",
          "surprisal.vae.scoring-samples", s,
          "surprisal.vae.max-epochs", epochs);
      default -> Map.of("surprisal.model.kind", settings.model());
    };
  }

  /** The benchmark's model, its threshold set on {@code score}; the same fit for every score. */
  private PublishedModel fit(BernoulliMixture truth, Settings settings, DetectionScore score) {
    Random random = new Random(settings.seed());
    boolean mixture = settings.model().equals(BernoulliMixture.KIND);
    List<BitVector> window = new ArrayList<>();
    for (int i = 0; i < (mixture ? 20_000 : NEURAL_FIT_ROWS); i++) window.add(truth.sample(random));
    ModelTrainer trainer;
    if (mixture) {
      trainer = new BernoulliMixtureTrainer(BernoulliMixtureTrainer.Settings.defaults());
    } else {
      Properties p = new Properties();
      p.setProperty("bootstrap.servers", bootstrap);
      p.setProperty("surprisal.feature.dimension", String.valueOf(settings.dimension()));
      modelProperties(settings).forEach(p::setProperty);
      DetectorConfig config = DetectorConfigParser.parse(p);
      trainer = ModelTrainers.create(
          config.modelKind(), config.mixture(), config.binaryLatent(), config.vae());
    }
    TrainingPipeline pipeline = new TrainingPipeline(trainer,
        new Calibrator(0.001, Calibrator.DEFAULT_MAX_CONTAMINATION),
        new AcceptanceGate(1.0), 0.2, settings.seed(), Clock.systemUTC(), score);
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
