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
import java.util.List;
import java.util.Random;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.MockProcessorContext.CapturedForward;
import org.apache.kafka.streams.processor.api.Record;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The trainer's punctuation, fired by hand. */
class TrainerProcessorTest {
  private static final int DIMENSION = 12;
  private final BernoulliMixture truth = SyntheticMixtures.separated(3, DIMENSION, 0.02, 0.1, 8);
  private final ModelRegistry registry = new ModelRegistry();
  private MockProcessorContext<String, byte[]> context;
  private TrainerProcessor trainer;

  @BeforeEach
  void init() {
    init("1,2,3,4", 1.0);
  }

  private void init(String candidateComponents, double margin) {
    DetectorConfig config = DetectorConfigParser.parse(DetectorConfigParser.properties(
        "bootstrap.servers=unused:9092",
        "surprisal.feature.dimension=" + DIMENSION,
        "surprisal.window.size=1000",
        "surprisal.min.training.size=500",
        "surprisal.retrain.interval=60s",
        "surprisal.mixture.components=" + candidateComponents));
    context = new MockProcessorContext<>(config.kafka());
    WindowStores.register(context, DetectorTopology.WINDOW_STORE);
    TrainingPipeline pipeline = new TrainingPipeline(
        new BernoulliMixtureTrainer(config.mixture()), new Calibrator(0.01, 6),
        new AcceptanceGate(margin), 0.3, 1, Clock.systemUTC());
    trainer = new TrainerProcessor(DetectorTopology.WINDOW_STORE, config, pipeline, registry);
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
