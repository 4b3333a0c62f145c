package io.surprisal.stream;

import static org.assertj.core.api.Assertions.assertThat;

import io.surprisal.event.BitVector;
import io.surprisal.event.FeatureContribution;
import io.surprisal.generate.SyntheticMixtures;
import io.surprisal.model.BernoulliMixture;
import io.surprisal.model.DensityModel;
import io.surprisal.model.ModelCodec;
import io.surprisal.model.PublishedModel;
import io.surprisal.stream.DetectorObserver.TrainingResult;
import io.surprisal.train.AcceptanceGate;
import io.surprisal.train.Calibrator;
import io.surprisal.train.ModelTrainer;
import io.surprisal.train.TrainingPipeline;
import java.time.Clock;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.random.RandomGenerator;
import org.apache.kafka.streams.processor.Punctuator;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Training failures (issue 6, item 5), with the trainer's punctuation fired by hand: a fit that
 * throws, diverges or runs past surprisal.training.timeout leaves the live model in place, is
 * counted and logged once, and is retried at the next interval (60 s here).
 */
class TrainerFailureTest {
  private static final int DIMENSION = 12;
  private static final long INTERVAL = 60_000;
  private static final long TIMEOUT = 5_000;
  private final BernoulliMixture truth = SyntheticMixtures.separated(3, DIMENSION, 0.02, 0.1, 8);
  private final ModelRegistry registry = new ModelRegistry();
  private final RecordingObserver observer = new RecordingObserver();
  private final CapturedLog log = new CapturedLog();
  private final AtomicInteger fits = new AtomicInteger();
  /** Opened at the end of each test: a fit left blocked on it would hold the process's fit slot. */
  private final CountDownLatch release = new CountDownLatch(1);
  private DetectorConfig config;
  private TrainingPipeline pipeline;
  private MockProcessorContext<String, byte[]> context;
  private TrainerProcessor trainer;
  private Punctuator punctuator;

  private void init(ModelTrainer modelTrainer, String... extra) {
    String[] settings = {
        "bootstrap.servers=unused:9092",
        "surprisal.feature.dimension=" + DIMENSION,
        "surprisal.window.size=1000",
        "surprisal.min.training.size=500",
        // As the pipeline below calibrates: q = 0.01 on 30% of the window.
        "surprisal.alert.rate=0.01",
        "surprisal.holdout.fraction=0.3",
        "surprisal.retrain.interval=60s",
        "surprisal.training.timeout=5s"};
    String[] all = java.util.stream.Stream.concat(
        java.util.Arrays.stream(settings), java.util.Arrays.stream(extra)).toArray(String[]::new);
    config = DetectorConfigParser.parse(DetectorConfigParser.properties(all));
    context = new MockProcessorContext<>(config.kafka());
    WindowStores.register(context, DetectorTopology.WINDOW_STORE);
    ModelTrainer counting = rows -> {
      fits.incrementAndGet();
      return modelTrainer.fit(rows);
    };
    pipeline = new TrainingPipeline(counting,
        new Calibrator(0.01, Calibrator.DEFAULT_MAX_CONTAMINATION),
        new AcceptanceGate(1.0), 0.3, 1, Clock.systemUTC());
    initTrainer();
    feed(500);
  }

  /** A new trainer task on the same context and window store, as Kafka Streams would create. */
  private void initTrainer() {
    trainer = new TrainerProcessor(
        DetectorTopology.WINDOW_STORE, null, config, pipeline, registry, observer);
    trainer.init(context);
    List<MockProcessorContext.CapturedPunctuator> punctuators = context.scheduledPunctuators();
    punctuator = punctuators.get(punctuators.size() - 1).getPunctuator();
  }

  @AfterEach
  void close() throws InterruptedException {
    release.countDown();
    if (trainer != null) trainer.close();
    for (int i = 0; i < 600 && FitSlot.PROCESS.holder() != null; i++) Thread.sleep(10);
    log.close();
  }

  @Test
  void shouldCountAThrowingFitAsFailedAndRetryItAtTheNextInterval() throws Exception {
    AtomicBoolean broken = new AtomicBoolean(true);
    init(rows -> {
      if (broken.get()) throw new IllegalStateException("EM step produced a singular matrix");
      return truth;
    });
    assertThat(fireUntilSettled(0)).isEmpty();
    assertThat(observer.trainingResults).containsExactly(TrainingResult.FAILED);
    assertThat(observer.trainingWindowSizes).containsExactly(500);
    assertThat(registry.current()).isNull();
    assertThat(log.lines("Fit of model version 1 failed", "retrying at the next interval"))
        .isEqualTo(1);
    assertThat(log.lines("singular matrix")).as("the cause is logged").isPositive();

    assertThat(fireUntilSettled(INTERVAL - 1)).isEmpty();
    assertThat(fits).as("no retry before the interval").hasValue(1);
    broken.set(false);
    assertThat(fireUntilSettled(INTERVAL)).hasSize(1);
    assertThat(fits).hasValue(2);
    assertThat(observer.trainingResults)
        .containsExactly(TrainingResult.FAILED, TrainingResult.ACCEPTED);
    assertThat(publishedVersion(0)).isEqualTo(1);
  }

  @Test
  void shouldCountADivergedFitAsRejectedKeepTheLiveModelAndRetryAtTheNextInterval() {
    init(rows -> new Diverged(DIMENSION));
    registry.offer(ModelRecords.published(1, truth));
    long trainedAt = registry.current().trainedAt();
    assertThat(fireUntilSettled(trainedAt + INTERVAL)).isEmpty();
    assertThat(observer.trainingResults).containsExactly(TrainingResult.REJECTED);
    assertThat(registry.current().version()).isEqualTo(1);
    assertThat(log.lines("Refitted model version 2 rejected by the acceptance gate",
        "candidate's holdout log-likelihood is NaN")).isEqualTo(1);

    assertThat(fireUntilSettled(trainedAt + 2 * INTERVAL - 1)).isEmpty();
    assertThat(fits).hasValue(1);
    assertThat(fireUntilSettled(trainedAt + 2 * INTERVAL)).isEmpty();
    assertThat(fits).as("retried one interval after the diverged fit started").hasValue(2);
    assertThat(observer.trainingResults)
        .containsExactly(TrainingResult.REJECTED, TrainingResult.REJECTED);
  }

  @Test
  void shouldAbandonAFitPastTheTimeoutInterruptItAndRetryAtTheNextInterval() throws Exception {
    CountDownLatch entered = new CountDownLatch(1);
    AtomicBoolean hang = new AtomicBoolean(true);
    AtomicBoolean interrupted = new AtomicBoolean();
    init(rows -> {
      if (!hang.get()) return truth;
      entered.countDown();
      try {
        Thread.sleep(Long.MAX_VALUE);
      } catch (InterruptedException e) {
        interrupted.set(true);
        throw new IllegalStateException("fit interrupted", e);
      }
      return truth;
    });
    punctuator.punctuate(0);
    assertThat(entered.await(30, TimeUnit.SECONDS)).isTrue();
    punctuator.punctuate(TIMEOUT - 1);
    assertThat(trainer.isFitRunning()).isTrue();
    assertThat(observer.trainingResults).isEmpty();

    punctuator.punctuate(TIMEOUT);
    assertThat(trainer.isFitRunning()).isFalse();
    assertThat(observer.trainingResults).containsExactly(TrainingResult.FAILED);
    assertThat(observer.trainingMillis).containsExactly(TIMEOUT);
    assertThat(log.lines("Fit of model version 1 passed surprisal.training.timeout (PT5S)",
        "abandoned")).isEqualTo(1);
    awaitFitThreadFree();
    assertThat(interrupted).as("the fit thread was interrupted").isTrue();

    hang.set(false);
    assertThat(fireUntilSettled(INTERVAL - 1)).isEmpty();
    assertThat(fireUntilSettled(INTERVAL)).hasSize(1);
    assertThat(fits).hasValue(2);
    assertThat(publishedVersion(0)).isEqualTo(1);
    // The interrupted fit's exception arrived after the timeout: ignored, not counted twice.
    assertThat(observer.trainingResults)
        .containsExactly(TrainingResult.FAILED, TrainingResult.ACCEPTED);
  }

  @Test
  void shouldIgnoreTheLateOutcomeOfAFitThatIgnoresInterruptsAndNotStartAnotherBesideIt()
      throws Exception {
    // ND4J's native ops do not notice interrupts: this fit only returns when released.
    CountDownLatch entered = new CountDownLatch(1);
    AtomicBoolean letGo = new AtomicBoolean();
    AtomicBoolean sawInterrupt = new AtomicBoolean();
    AtomicInteger call = new AtomicInteger();
    init(rows -> {
      if (call.incrementAndGet() > 1) return truth;
      entered.countDown();
      while (!letGo.get() && release.getCount() > 0) LockSupport.parkNanos(1_000_000);
      sawInterrupt.set(Thread.currentThread().isInterrupted());
      return truth;
    });
    punctuator.punctuate(0);
    assertThat(entered.await(30, TimeUnit.SECONDS)).isTrue();
    punctuator.punctuate(TIMEOUT);
    assertThat(observer.trainingResults).containsExactly(TrainingResult.FAILED);
    assertThat(trainer.isAbandonedFitBusy()).isTrue();

    // Due by the interval, but the abandoned fit still holds the fit thread.
    punctuator.punctuate(INTERVAL);
    assertThat(fits).hasValue(1);
    assertThat(trainer.isFitRunning()).isFalse();

    letGo.set(true);
    awaitFitThreadFree();
    assertThat(sawInterrupt).isTrue();
    assertThat(fireUntilSettled(INTERVAL)).as("only the new fit's model is published").hasSize(1);
    assertThat(fits).hasValue(2);
    assertThat(log.lines("The timed-out fit of version 1 has stopped; fits resume")).isEqualTo(1);
    assertThat(publishedVersion(0)).isEqualTo(1);
    assertThat(observer.trainingResults)
        .containsExactly(TrainingResult.FAILED, TrainingResult.ACCEPTED);
  }

  @Test
  void shouldNotStartASecondFitBesideTheClosedTasksStuckFitWhenTheTaskIsCreatedAgain()
      throws Exception {
    CountDownLatch entered = new CountDownLatch(1);
    AtomicBoolean sawInterrupt = new AtomicBoolean();
    AtomicInteger call = new AtomicInteger();
    init(rows -> {
      if (call.incrementAndGet() > 1) return truth;
      entered.countDown();
      awaitIgnoringInterrupts(release, sawInterrupt);
      return truth;
    });
    punctuator.punctuate(0);
    assertThat(entered.await(30, TimeUnit.SECONDS)).isTrue();

    // A rebalance: Kafka Streams closes the task and creates it again here, on the same store.
    trainer.close();
    initTrainer();
    for (long now = 0; now <= 3 * INTERVAL; now += 1_000) {
      punctuator.punctuate(now);
      assertThat(trainer.isFitRunning()).as("no fit beside the stuck one, at %d ms", now).isFalse();
    }
    assertThat(fits).hasValue(1);
    assertThat(log.lines("A fit is due on trainer task 0_0 but the fit of model version 1 by"
        + " trainer task 0_0 is still running in this process")).as("logged once").isEqualTo(1);

    release.countDown();
    long now = 3 * INTERVAL + 1_000;
    awaitFitStarted(now);
    assertThat(sawInterrupt).as("close() interrupted the old task's fit").isTrue();
    assertThat(fireUntilSettled(now)).as("only the new task publishes").hasSize(1);
    assertThat(fits).hasValue(2);
    assertThat(publishedVersion(0)).isEqualTo(1);
    assertThat(observer.trainingResults).containsExactly(TrainingResult.ACCEPTED);
  }

  @Test
  void shouldLetTwoDetectorsInOneProcessTakeTurnsWithoutHoldingUpEitherStreamThread()
      throws Exception {
    CountDownLatch entered = new CountDownLatch(1);
    init(rows -> {
      entered.countDown();
      awaitIgnoringInterrupts(release, new AtomicBoolean());
      return truth;
    });
    punctuator.punctuate(0);
    assertThat(entered.await(30, TimeUnit.SECONDS)).isTrue();

    // Another detector in this JVM, its own store and registry, also due for its first fit.
    MockProcessorContext<String, byte[]> otherContext = new MockProcessorContext<>(config.kafka());
    WindowStores.register(otherContext, DetectorTopology.WINDOW_STORE);
    TrainerProcessor other = new TrainerProcessor(DetectorTopology.WINDOW_STORE, config,
        new TrainingPipeline(rows -> truth,
            new Calibrator(0.01, Calibrator.DEFAULT_MAX_CONTAMINATION), new AcceptanceGate(1.0),
            0.3, 1, Clock.systemUTC()),
        new ModelRegistry());
    other.init(otherContext);
    try {
      Random random = new Random(7);
      for (int i = 0; i < 500; i++) {
        other.process(new org.apache.kafka.streams.processor.api.Record<>(
            null, BitVectorCodec.encode(truth.sample(random)), i));
      }
      Punctuator otherPunctuator = otherContext.scheduledPunctuators().get(0).getPunctuator();
      for (long now = 0; now <= TIMEOUT - 1; now += 1_000) {
        otherPunctuator.punctuate(now);
        punctuator.punctuate(now);
      }
      assertThat(other.isFitRunning()).isFalse();
      assertThat(trainer.isFitRunning()).isTrue();

      release.countDown();
      assertThat(fireUntilSettled(TIMEOUT - 1)).hasSize(1);
      for (int i = 0; i < 600 && !other.isFitRunning(); i++) {
        Thread.sleep(10);
        otherPunctuator.punctuate(TIMEOUT - 1);
      }
      for (int i = 0; i < 600 && other.isFitRunning(); i++) {
        Thread.sleep(10);
        otherPunctuator.punctuate(TIMEOUT - 1);
      }
      assertThat(otherContext.forwarded()).as("the other detector's turn came").hasSize(1);
    } finally {
      other.close();
    }
  }

  @Test
  void shouldSignThePublishedModelWhenASigningKeyIsSet() throws Exception {
    String secret = "correct horse battery staple, 2026-11";
    init(rows -> truth, "surprisal.model.signing-key=" + secret);
    List<MockProcessorContext.CapturedForward<? extends String, ? extends byte[]>> forwarded =
        fireUntilSettled(0);
    assertThat(forwarded).hasSize(1);
    byte[] record = forwarded.get(0).record().value();
    assertThat(ModelSignature.isSigned(record)).isTrue();
    PublishedModel model = ModelCodec.decode(ModelSignature.withSecret(secret).verify(record));
    assertThat(model.version()).isEqualTo(1);
  }

  private long publishedVersion(int index) throws Exception {
    return ModelCodec.decode(context.forwarded().get(index).record().value()).version();
  }

  private void feed(int count) {
    Random random = new Random(count);
    for (int i = 0; i < count; i++) {
      trainer.process(new org.apache.kafka.streams.processor.api.Record<>(
          null, BitVectorCodec.encode(truth.sample(random)), i));
    }
  }

  /** What an ND4J native op does with an interrupt: notes it and carries on. */
  private static void awaitIgnoringInterrupts(CountDownLatch latch, AtomicBoolean sawInterrupt) {
    while (true) {
      try {
        latch.await();
        return;
      } catch (InterruptedException e) {
        sawInterrupt.set(true);
      }
    }
  }

  /** Fires the punctuation at {@code now} until a fit has started. */
  private void awaitFitStarted(long now) throws InterruptedException {
    for (int i = 0; i < 600 && !trainer.isFitRunning(); i++) {
      punctuator.punctuate(now);
      if (!trainer.isFitRunning()) Thread.sleep(10);
    }
    assertThat(trainer.isFitRunning()).as("fit started within 6 s").isTrue();
  }

  private void awaitFitThreadFree() throws InterruptedException {
    for (int i = 0; i < 600 && trainer.isAbandonedFitBusy(); i++) Thread.sleep(10);
    assertThat(trainer.isAbandonedFitBusy()).as("fit thread free within 6 s").isFalse();
  }

  /** Fires the punctuation at {@code now} until no fit is running (none times out: now is fixed). */
  private List<MockProcessorContext.CapturedForward<? extends String, ? extends byte[]>>
      fireUntilSettled(long now) {
    punctuator.punctuate(now);
    for (int i = 0; i < 600 && trainer.isFitRunning(); i++) {
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      punctuator.punctuate(now);
    }
    assertThat(trainer.isFitRunning()).as("fit finished within 12 s").isFalse();
    return context.forwarded();
  }

  /** What a fit that diverged returns: parameters whose log-likelihoods are NaN. */
  private record Diverged(int dimension) implements DensityModel {
    @Override
    public String kind() {
      return "mixture";
    }

    @Override
    public double logLikelihood(BitVector x) {
      return Double.NaN;
    }

    @Override
    public List<FeatureContribution> explain(BitVector x, int count) {
      return List.of();
    }

    @Override
    public BitVector sample(RandomGenerator random) {
      return BitVector.ofActive(dimension);
    }
  }
}
