package io.surprisal.stream;

import static org.assertj.core.api.Assertions.assertThat;

import io.surprisal.event.BitVector;
import io.surprisal.generate.SyntheticMixtures;
import io.surprisal.model.BernoulliMixture;
import io.surprisal.model.ModelCodec;
import io.surprisal.model.PublishedModel;
import io.surprisal.train.AcceptanceGate;
import io.surprisal.train.BernoulliMixtureTrainer;
import io.surprisal.train.Calibrator;
import io.surprisal.train.TrainingPipeline;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.MockProcessorContext.CapturedForward;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The trainer's punctuation, fired by hand. */
class TrainerProcessorTest {
  private static final int DIMENSION = 12;
  private final BernoulliMixture truth = SyntheticMixtures.separated(3, DIMENSION, 0.02, 0.1, 8);
  private final ModelRegistry registry = new ModelRegistry();
  private final RecordingObserver observer = new RecordingObserver();
  private MockProcessorContext<String, byte[]> context;
  private KeyValueStore<Long, byte[]> store;
  private TrainerProcessor trainer;

  @BeforeEach
  void init() {
    init("1,2,3,4", 1.0);
  }

  private void init(String candidateComponents, double margin, String... settings) {
    java.util.Properties properties = DetectorConfigParser.properties(
        "bootstrap.servers=unused:9092",
        "surprisal.feature.dimension=" + DIMENSION,
        "surprisal.window.size=1000",
        "surprisal.min.training.size=500",
        // As the pipeline below calibrates: q = 0.01 on 30% of the window.
        "surprisal.alert.rate=0.01",
        "surprisal.holdout.fraction=0.3",
        "surprisal.retrain.interval=60s",
        "surprisal.mixture.components=" + candidateComponents);
    properties.putAll(DetectorConfigParser.properties(settings));
    DetectorConfig config = DetectorConfigParser.parse(properties);
    context = new MockProcessorContext<>(config.kafka());
    store = WindowStores.register(context, DetectorTopology.WINDOW_STORE);
    TrainingPipeline pipeline = new TrainingPipeline(
        new BernoulliMixtureTrainer(config.mixture()),
        new Calibrator(0.01, Calibrator.DEFAULT_MAX_CONTAMINATION),
        new AcceptanceGate(margin), 0.3, 1, Clock.systemUTC());
    trainer = new TrainerProcessor(
        DetectorTopology.WINDOW_STORE, null, config, pipeline, registry, observer);
    trainer.init(context);
  }

  @Test
  void shouldNotFitBeforeMinTrainingSize() {
    feed(499, truth);
    fireUntilSettled(0);
    assertThat(context.forwarded()).isEmpty();
  }

  @Test
  void shouldPublishFirstModelAsVersionOneOnceTheFitFinishes() throws Exception {
    feed(500, truth);
    List<CapturedForward<? extends String, ? extends byte[]>> forwarded = fireUntilSettled(0);
    assertThat(forwarded).hasSize(1);
    Record<? extends String, ? extends byte[]> record = forwarded.get(0).record();
    assertThat(record.key()).isEqualTo(TrainerProcessor.MODEL_KEY);
    PublishedModel model = ModelCodec.decode(record.value());
    assertThat(model.version()).isEqualTo(1);
    assertThat(model.windowSize()).isEqualTo(500);
  }

  @Test
  void shouldKeepLiveModelWhenTheRefitIsWorseOnTheHoldout() {
    // A trainer limited to one component cannot match the three-component truth, which is live:
    // with margin 0 the gate must refuse its fit, and nothing is published.
    init("1", 0.0);
    registry.offer(new PublishedModel(1, 0L, 500, -10.0,
        new io.surprisal.model.Calibration(-30, 0.01, 1, new double[] {-30}), truth));
    feed(500, truth);
    assertThat(fireUntilSettled(0)).isEmpty();
    assertThat(registry.current().version()).isEqualTo(1);
  }

  @Test
  void shouldCountAFitTooLargeForOneRecordAsFailedAndPublishNothing() {
    // K = 8 components over 2,500 bits: 160 kB of parameters, over the smallest record allowed.
    int dimension = 2500;
    init("8", 1.0, "surprisal.feature.dimension=" + dimension,
        "max.request.size=" + (OutputLimits.MIN_RECORD_BYTES + OutputLimits.FRAMING_BYTES));
    feed(500, SyntheticMixtures.separated(2, dimension, 3));

    assertThat(fireUntilSettled(0)).isEmpty();
    assertThat(observer.trainingResults).containsExactly(DetectorObserver.TrainingResult.FAILED);
    assertThat(registry.current()).isNull();
  }

  @Test
  void shouldRefitOnlyAfterTheRetrainInterval() {
    feed(500, truth);
    assertThat(fireUntilSettled(0)).hasSize(1);
    registry.offer(decode(context.forwarded().get(0).record().value()));
    context.resetForwards();
    long trainedAt = registry.current().trainedAt();
    assertThat(fireUntilSettled(trainedAt + 59_000)).isEmpty();
    List<CapturedForward<? extends String, ? extends byte[]>> refit = fireUntilSettled(trainedAt + 60_000);
    assertThat(refit).hasSize(1);
    assertThat(decode(refit.get(0).record().value()).version()).isEqualTo(2);
  }

  @Test
  void shouldRefuseSamplesThatAreNotEncodedVectorsOfTheDimensionAndStoreNothing() {
    byte[] valid = BitVectorCodecTest.sample(DIMENSION, 7, 2);
    try (CapturedLog log = new CapturedLog()) {
      process(Arrays.copyOf(valid, valid.length + 3));
      process(Arrays.copyOf(valid, valid.length - 1));
      process(BitVectorCodecTest.sample(DIMENSION, 2, DIMENSION));
      process(BitVectorCodecTest.sample(DIMENSION + 1, 2));
      process(null);

      assertThat(observer.refusedSamples).containsExactly(
          "sample has 3 trailing bytes: count 2 needs exactly 8 + 4*2 = 16 bytes, got 19",
          "sample is truncated: count 2 needs exactly 8 + 4*2 = 16 bytes, got 15",
          "sample's index 12 is outside 0..11",
          "sample's dimension must be 12 (surprisal.feature.dimension), got 13",
          "sample has no value (null)");
      assertThat(storedKeys()).as("nothing but the window's capacity")
          .containsExactly(TrainingWindow.CAPACITY_KEY);
      assertThat(log.lines("refused a sample, nothing stored: sample has 3 trailing bytes"))
          .isEqualTo(1);
      assertThat(log.lines("refused")).as("one line until the next punctuation").isEqualTo(1);

      punctuate(0);
      assertThat(log.lines("refused 4 more samples (5 since it started)",
          "the latest: sample has no value (null)")).isEqualTo(1);
      process(null);
      punctuate(SampleRefusals.SUMMARY_EVERY_MILLIS - 1);
      assertThat(log.lines("refused")).as("at most one summary a minute").isEqualTo(2);
      punctuate(SampleRefusals.SUMMARY_EVERY_MILLIS);
      assertThat(log.lines("refused 1 more samples (6 since it started)")).isEqualTo(1);
    }
  }

  @Test
  void shouldStoreTheCanonicalEncodingOfAValidSampleNotTheBytesAsReceived() {
    process(BitVectorCodecTest.sample(DIMENSION, 7, 2, 11));
    assertThat(store.get(0L)).isEqualTo(BitVectorCodecTest.sample(DIMENSION, 2, 7, 11));
    assertThat(observer.refusedSamples).isEmpty();
  }

  private void process(byte[] value) {
    trainer.process(new Record<>(null, value, 0));
  }

  private void punctuate(long now) {
    context.scheduledPunctuators().get(0).getPunctuator().punctuate(now);
  }

  private List<Long> storedKeys() {
    List<Long> keys = new ArrayList<>();
    try (KeyValueIterator<Long, byte[]> all = store.all()) {
      all.forEachRemaining(entry -> keys.add(entry.key));
    }
    return keys;
  }

  private static PublishedModel decode(byte[] bytes) {
    try {
      return ModelCodec.decode(bytes);
    } catch (io.surprisal.model.ModelFormatException e) {
      throw new AssertionError(e);
    }
  }

  private void feed(int count, BernoulliMixture source) {
    Random random = new Random(count);
    for (int i = 0; i < count; i++) {
      BitVector x = source.sample(random);
      trainer.process(new Record<>(null, BitVectorCodec.encode(x), i));
    }
  }

  /** Fires the punctuation at {@code now} until no fit is running, returning what was forwarded. */
  private List<CapturedForward<? extends String, ? extends byte[]>> fireUntilSettled(long now) {
    var punctuator = context.scheduledPunctuators().get(0).getPunctuator();
    punctuator.punctuate(now);
    for (int i = 0; i < 600 && trainer.isFitRunning(); i++) {
      sleep();
      punctuator.punctuate(now);
    }
    assertThat(trainer.isFitRunning()).as("fit finished within 30 s").isFalse();
    return context.forwarded();
  }

  private static void sleep() {
    try {
      Thread.sleep(50);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
