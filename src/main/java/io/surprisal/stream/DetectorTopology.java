package io.surprisal.stream;

import io.surprisal.train.AcceptanceGate;
import io.surprisal.train.Calibrator;
import io.surprisal.train.ModelTrainer;
import io.surprisal.train.ModelTrainers;
import io.surprisal.train.Nd4jRuntime;
import io.surprisal.train.TrainingPipeline;
import java.time.Clock;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.AutoOffsetReset;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TopologyConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.state.Stores;

/**
 * The detector as a Kafka Streams topology (see DESIGN.md, "Data flow"):
 *
 * <pre>
 * events → validate ─→ score ─→ alerts, scores, samples
 *              └→ dead-letters
 * samples → trainer (window store) → models → global store → every scorer
 *              └→ regime detector (its store) → regime-shifts, early refit
 * </pre>
 */
public final class DetectorTopology {
  static final String MODEL_STORE = "model-store";
  static final String WINDOW_STORE = "training-window";
  static final String REGIME_STORE = "regime-detector";
  /** No offset reset of a source's own: the one configured for the client (auto.offset.reset). */
  private static final AutoOffsetReset CONFIGURED_RESET = null;

  private DetectorTopology() {}

  /** The topology with a registry of its own. */
  public static Topology buildTopology(DetectorConfig config) {
    return buildTopology(config, new ModelRegistry());
  }

  /** @param registry receives every model this instance accepts; callers may watch it */
  public static Topology buildTopology(DetectorConfig config, ModelRegistry registry) {
    return buildTopology(config, registry, DetectorObserver.NONE);
  }

  /**
   * Under surprisal.format=avro this registers the score and alert schemas with the schema
   * registry before it builds anything ({@link MessageFormats#of}): the one thing it does beyond
   * building, so that a registry that is down stops the start rather than a stream thread.
   *
   * @param registry receives every model this instance accepts; callers may watch it
   * @param observer told of every event, alert, model and training round (metrics, status page)
   * @throws InvalidConfigException under surprisal.format=avro when the registry cannot be
   *     reached or refuses a schema
   */
  public static Topology buildTopology(
      DetectorConfig config, ModelRegistry registry, DetectorObserver observer) {
    DetectorConfig.Topics topics = config.topics();
    // Built from the real settings: the no-argument builder checks an empty config and warns.
    RecordTimestamps timestamps = new RecordTimestamps();
    StreamsBuilder builder =
        new StreamsBuilder(new TopologyConfig(new StreamsConfig(config.kafka())));
    builder.addGlobalStore(
        Stores.keyValueStoreBuilder(
                Stores.inMemoryKeyValueStore(MODEL_STORE), Serdes.String(), Serdes.ByteArray())
            .withLoggingDisabled(),
        topics.models(),
        Consumed.with(Serdes.String(), Serdes.ByteArray()).withTimestampExtractor(timestamps),
        () -> new ModelStoreUpdater(
            MODEL_STORE, config.dimension(), config.modelSignature(), registry, observer));
    Topology topology = builder.build();

    ByteArraySerializer bytes = new ByteArraySerializer();
    OutputLimits limits = config.outputLimits();
    MessageFormats formats = MessageFormats.of(config);
    ScoringProcessor.Outputs outputs = new ScoringProcessor.Outputs(
        "alerts-sink", config.scoresEnabled() ? "scores-sink" : null, "samples-sink");
    topology
        .addSource(CONFIGURED_RESET, "events-source", timestamps, new ByteArrayDeserializer(),
            new ByteArrayDeserializer(), topics.events())
        .addProcessor("validate",
            () -> new EventValidator(formats.events().get(), "score", "dead-letters-sink", limits,
                observer),
            "events-source")
        .addSink("dead-letters-sink", topics.deadLetters(), bytes, bytes, "validate")
        .addProcessor("score",
            () -> new ScoringProcessor(registry, outputs, config.explainFeatures(),
                new EventSampler(config.sampleRate(), config.mixture().seed()), limits,
                formats.outputs(), observer),
            "validate")
        .addSink("alerts-sink", topics.alerts(), bytes, bytes, "score")
        .addSink("samples-sink", topics.samples(), bytes, bytes, "score");
    if (config.scoresEnabled()) {
      topology.addSink("scores-sink", topics.scores(), bytes, bytes, "score");
    }

    topology
        .addSource(CONFIGURED_RESET, "samples-source", timestamps, new ByteArrayDeserializer(),
            new ByteArrayDeserializer(), topics.samples())
        .addProcessor("trainer",
            () -> new TrainerProcessor(WINDOW_STORE,
                config.regime().enabled() ? REGIME_STORE : null, config,
                trainingPipeline(config), registry, observer),
            "samples-source")
        .addStateStore(
            Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(WINDOW_STORE), Serdes.Long(), Serdes.ByteArray()),
            "trainer")
        .addSink(TrainerProcessor.MODELS_CHILD, topics.models(), new StringSerializer(), bytes,
            "trainer")
        .addSink(TrainerProcessor.REGIME_SHIFTS_CHILD, topics.regimeShifts(),
            new StringSerializer(), bytes, "trainer");
    if (config.regime().enabled()) {
      RegimeTracking.prepare(config);
      // Written with every sample; the cache keeps the changelog to one record per commit.
      topology.addStateStore(
          Stores.keyValueStoreBuilder(
                  Stores.persistentKeyValueStore(REGIME_STORE), Serdes.String(), Serdes.ByteArray())
              .withCachingEnabled(),
          "trainer");
    }
    return topology;
  }

  private static TrainingPipeline trainingPipeline(DetectorConfig config) {
    Nd4jRuntime.limitThreads(config.trainingThreads());
    return new TrainingPipeline(
        trainer(config),
        new Calibrator(config.alertRate(), config.maxContamination()),
        new AcceptanceGate(config.acceptanceMargin()),
        config.holdoutFraction(),
        config.mixture().seed(),
        Clock.systemUTC(),
        config.score());
  }

  /** The trainer of the configured model kind; calibration, gate and publishing are the same. */
  static ModelTrainer trainer(DetectorConfig config) {
    return ModelTrainers.create(
        config.modelKind(), config.mixture(), config.binaryLatent(), config.vae());
  }
}
