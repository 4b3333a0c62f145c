package io.surprisal.stream;

import io.surprisal.event.BitVector;
import io.surprisal.event.MessageJson;
import io.surprisal.event.RegimeShift;
import io.surprisal.model.ModelCodec;
import io.surprisal.model.PublishedModel;
import io.surprisal.train.TrainingPipeline;
import io.surprisal.train.TrainingPipeline.TrainingOutcome;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.function.Supplier;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.Cancellable;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The trainer task: adds samples to the training window and, on a wall-clock punctuation, starts a
 * fit when one is due and publishes the result of a finished one. The samples topic has a single
 * partition, so exactly one instance runs this task; Kafka Streams moves it, with its changelogged
 * window, when that instance goes away.
 *
 * <p>Fitting runs on the process's fit thread so the stream thread keeps processing; the outcome is
 * only read and forwarded from the punctuation, on the stream thread, inside the task's
 * transaction. A fit that throws, or that the gate refuses (a diverged fit's non-finite
 * log-likelihood included), leaves the live model in place and is retried at the next interval.
 *
 * <p>A fit still running after surprisal.training.timeout is abandoned: counted as failed, its
 * thread interrupted, and its outcome ignored whenever it arrives. ND4J's native ops do not notice
 * interrupts, so the thread may stay busy a while; no new fit starts until it is free. On the one
 * fit thread a new fit would only queue behind it with its timeout already counting, and a second
 * thread would double training's off-heap memory (ND4J workspaces are per thread) while the first
 * still holds its own.
 *
 * <p>The same holds across tasks: at most one fit runs in the process ({@link FitSlot}). When Kafka
 * Streams closes this task and creates it again here (a rebalance), close() interrupts the fit but
 * cannot wait for it; the new task's fits are held back until that fit's thread has let go, and
 * start on a later punctuation. Nothing on the stream thread ever waits for a fit.
 *
 * <p>Samples are decoded strictly and stored in canonical form ({@link BitVectorCodec}); a record
 * that is not an encoded vector of the configured dimension is refused, counted and stored nowhere.
 *
 * <p>When surprisal.regime.enabled, every sample also feeds the regime-shift detector
 * ({@link RegimeTracking}); a detected shift is written to the regime-shifts child and starts an
 * early refit on the post-change samples as soon as enough have arrived, instead of waiting for the
 * next interval.
 */
final class TrainerProcessor implements Processor<byte[], byte[], String, byte[]> {
  private static final Logger log = LoggerFactory.getLogger(TrainerProcessor.class);
  /** The models topic is compacted under this one key: the latest record is the live model. */
  static final String MODEL_KEY = "model";
  private static final byte[] MODEL_KEY_BYTES = MODEL_KEY.getBytes(StandardCharsets.UTF_8);
  private static final Headers EMPTY_HEADERS = new RecordHeaders();
  /** This processor's children: where models and regime shifts go. */
  static final String MODELS_CHILD = "models-sink";
  static final String REGIME_SHIFTS_CHILD = "regime-shifts-sink";

  private final String windowStoreName;
  private final String regimeStoreName;
  private final int windowCapacity;
  private final int dimension;
  private final int minTrainingSize;
  private final Duration retrainInterval;
  private final Duration checkInterval;
  private final Duration timeout;
  private final ModelSignature signature;
  private final TrainingPipeline pipeline;
  private final OutputLimits limits;
  private final ModelRegistry registry;
  private final DetectorObserver observer;

  private ProcessorContext<String, byte[]> context;
  private TrainingWindow window;
  /** Null when regime detection is off. */
  private RegimeTracking regime;
  private final DetectorConfig config;
  private final FitSlot fitSlot = FitSlot.PROCESS;
  private SampleRefusals refusals;
  private Cancellable punctuation;
  /** The fit whose outcome is awaited, or null. */
  private Fit running;
  /** A timed-out fit whose thread has not stopped yet, or null. */
  private Fit abandoned;
  /** The last fit this task started, or null: until its thread lets go, the slot is still its. */
  private Fit lastStarted;
  /** Whether the fit now held back by another task's fit has been logged. */
  private boolean heldBackLogged;
  private long lastFitStartedAt = -1;
  private long lastPublishedVersion;

  TrainerProcessor(
      String windowStoreName,
      DetectorConfig config,
      TrainingPipeline pipeline,
      ModelRegistry registry) {
    this(windowStoreName, null, config, pipeline, registry, DetectorObserver.NONE);
  }

  /**
   * @param regimeStoreName the regime detector's store, or null to run without regime detection
   * @param observer told the outcome of every training round, on the stream thread
   */
  TrainerProcessor(
      String windowStoreName,
      String regimeStoreName,
      DetectorConfig config,
      TrainingPipeline pipeline,
      ModelRegistry registry,
      DetectorObserver observer) {
    this.observer = observer;
    this.config = config;
    this.windowStoreName = windowStoreName;
    this.regimeStoreName = regimeStoreName;
    this.windowCapacity = config.windowSize();
    this.dimension = config.dimension();
    this.minTrainingSize = config.minTrainingSize();
    this.retrainInterval = config.retrainInterval();
    this.checkInterval = config.trainerCheckInterval();
    this.timeout = config.trainingTimeout();
    this.signature = config.modelSignature();
    this.pipeline = pipeline;
    this.limits = config.outputLimits();
    this.registry = registry;
  }

  @Override
  public void init(ProcessorContext<String, byte[]> context) {
    this.context = context;
    KeyValueStore<Long, byte[]> store = context.getStateStore(windowStoreName);
    this.window = new TrainingWindow(store, windowCapacity);
    if (regimeStoreName != null) {
      this.regime = new RegimeTracking(context.getStateStore(regimeStoreName), config);
    }
    this.refusals = new SampleRefusals(context.taskId());
    this.punctuation = context.schedule(checkInterval, PunctuationType.WALL_CLOCK_TIME, this::tick);
    log.info("Trainer task {} started with {} samples in its window", context.taskId(), window.size());
  }

  @Override
  public void process(Record<byte[], byte[]> record) {
    BitVector vector;
    try {
      vector = BitVectorCodec.decode(record.value());
    } catch (IllegalArgumentException e) {
      refuse(e.getMessage());
      return;
    }
    if (vector.dimension() != dimension) {
      refuse("sample's dimension must be " + dimension + " (surprisal.feature.dimension), got "
          + vector.dimension());
      return;
    }
    window.add(vector);
    if (regime != null) watchForShift(vector, record.timestamp());
  }

  private void refuse(String reason) {
    refusals.refuse(reason);
    observer.sampleRefused(reason);
  }

  private void watchForShift(BitVector sample, long timestamp) {
    RegimeShift shift = regime.observe(registry.current(), sample, timestamp);
    observer.regimeStatistic(regime.statistic(), regime.threshold());
    if (shift == null) return;
    context.forward(new Record<>(String.valueOf(shift.modelVersion()), MessageJson.write(shift),
        timestamp), REGIME_SHIFTS_CHILD);
    observer.regimeShift(shift);
    log.info("Regime shift under model version {}: {} samples since the estimated change point,"
            + " mean surprise {} sd; refitting on the post-change samples once {} have arrived",
        shift.modelVersion(), shift.samplesSinceChange(), String.format("%.2f", shift.magnitude()),
        config.regime().refitSamples());
  }

  void tick(long now) {
    refusals.logSummary(now);
    if (running != null) {
      if (running.outcome.isDone()) {
        publish(running, now);
        running = null;
      } else if (now - running.startedAt >= timeout.toMillis()) {
        abandon(running, now);
        running = null;
      } else {
        return;
      }
    }
    // This task's own last fit may still hold the slot: abandoned (logged then), or just letting go.
    if (lastStarted != null && !lastStarted.threadWork.isDone()) return;
    if (abandoned != null) {
      log.info("The timed-out fit of version {} has stopped; fits resume", abandoned.version);
      abandoned = null;
    }
    boolean early = regime != null && regime.isRefitDue();
    if (early || isFitDue(now)) startFit(now, early);
  }

  /**
   * Starts the due fit if no other fit runs in this process; otherwise leaves it to a later tick.
   * The snapshot is taken only once the slot is this task's, as it copies the whole window.
   *
   * @param early an early refit after a regime shift, on the post-change samples alone
   */
  private void startFit(long now, boolean early) {
    PublishedModel live = registry.current();
    long version = Math.max(live == null ? 0 : live.version(), lastPublishedVersion) + 1;
    FitSlot.Claim claim = fitSlot.tryClaim(
        "the fit of model version " + version + " by trainer task " + context.taskId());
    if (claim == null) {
      if (!heldBackLogged) {
        log.info("A fit is due on trainer task {} but {} is still running in this process (one"
            + " fit at a time); it starts once that one lets go", context.taskId(),
            Objects.requireNonNullElse(fitSlot.holder(), "an earlier fit"));
        heldBackLogged = true;
      }
      return;
    }
    heldBackLogged = false;
    List<BitVector> snapshot;
    try {
      snapshot = early ? window.newest(regime.postChangeSamples()) : window.snapshot();
    } catch (RuntimeException e) {
      claim.release();
      throw e;
    }
    lastFitStartedAt = now;
    log.info("Fitting model version {} on {} {}samples", version, snapshot.size(),
        early ? "post-change " : "");
    Fit fit = new Fit(version, now, snapshot.size(), early,
        () -> pipeline.run(snapshot, live, version));
    fit.threadWork = claim.run(fit);
    lastStarted = fit;
    running = fit;
  }

  /**
   * A fit ended. After an early refit the regime detector listens again: at once when the refit
   * came to nothing, or under the new model when one was published (the old model's detector
   * stays quiet until the new one is live here, so one shift is not reported twice).
   */
  private void ended(Fit fit, boolean published) {
    if (fit.early && regime != null) regime.refitFinished(published);
  }

  private void abandon(Fit fit, long now) {
    ended(fit, false);
    fit.interrupt();
    abandoned = fit;
    long elapsed = now - fit.startedAt;
    log.warn("Fit of model version {} passed surprisal.training.timeout ({}) after {} ms and was"
            + " abandoned; the live model stays, its outcome will be ignored, and no fit starts"
            + " until its thread stops", fit.version, timeout, elapsed);
    observer.trainingFinished(DetectorObserver.TrainingResult.FAILED, elapsed, fit.windowSize);
  }

  /** Whether a fit has started whose outcome has not been handled yet. */
  boolean isFitRunning() {
    return running != null;
  }

  /** Whether a timed-out fit's thread is still busy, which holds back the next fit. */
  boolean isAbandonedFitBusy() {
    return abandoned != null && !abandoned.threadWork.isDone();
  }

  private boolean isFitDue(long now) {
    if (window.size() < minTrainingSize) return false;
    PublishedModel live = registry.current();
    if (lastFitStartedAt < 0 && live == null) return true;
    long last = Math.max(lastFitStartedAt, live == null ? -1 : live.trainedAt());
    return now - last >= retrainInterval.toMillis();
  }

  private void publish(Fit finished, long now) {
    TrainingOutcome outcome;
    try {
      outcome = finished.outcome.get();
    } catch (ExecutionException e) {
      log.warn("Fit of model version {} failed, the live model stays; retrying at the next"
          + " interval", finished.version, e.getCause());
      // Known to the check interval: the fit's own clock did not finish.
      observer.trainingFinished(DetectorObserver.TrainingResult.FAILED,
          Math.max(0, now - finished.startedAt), finished.windowSize);
      ended(finished, false);
      return;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    }
    if (!outcome.accepted()) {
      ended(finished, false);
      observer.trainingFinished(DetectorObserver.TrainingResult.REJECTED, outcome.fitMillis(),
          outcome.windowSize());
      log.warn("Refitted model version {} rejected by the acceptance gate: {}; the live model"
          + " stays, retrying at the next interval", finished.version, outcome.decision().reason());
      return;
    }
    PublishedModel model = outcome.published();
    byte[] record = signature.sign(ModelCodec.encode(model));
    if (!limits.fits(MODEL_KEY_BYTES, record, EMPTY_HEADERS)) {
      // Under exactly-once a record the producer refuses aborts the stream thread's transaction,
      // scoring included; so a model too large to publish is a failed fit, not a send.
      ended(finished, false);
      observer.trainingFinished(DetectorObserver.TrainingResult.FAILED, outcome.fitMillis(),
          outcome.windowSize());
      log.warn("Model version {} takes {} bytes, more than the {} a record may hold here (the"
              + " producer's max.request.size); the live model stays. Raise max.request.size and"
              + " the models topic's max.message.bytes, or configure a smaller model",
          model.version(), record.length, limits.maxRecordBytes());
      return;
    }
    ended(finished, true);
    observer.trainingFinished(DetectorObserver.TrainingResult.ACCEPTED, outcome.fitMillis(),
        outcome.windowSize());
    lastPublishedVersion = model.version();
    context.forward(new Record<>(MODEL_KEY, record, now), MODELS_CHILD);
    log.info("Published model version {} (fit on {} samples in {} ms, holdout mean {} nats)",
        model.version(), outcome.windowSize(), outcome.fitMillis(),
        String.format("%.3f", model.holdoutMeanLogLikelihood()));
  }

  @Override
  public void close() {
    if (punctuation != null) punctuation.cancel();
    if (refusals != null) refusals.flush();
    // Nobody will read its outcome. An ND4J op may not notice; the fit slot then stays taken, and
    // the next trainer task in this process waits for it, until the thread lets go.
    if (running != null) running.interrupt();
  }

  /**
   * One fit handed to the fit thread. {@code outcome} is what the punctuation waits for;
   * {@code threadWork} is the fit thread's own work on it, done only once the thread has let go,
   * which for an interrupted ND4J op can be much later than the timeout.
   */
  private static final class Fit implements Runnable {
    final long version;
    final long startedAt;
    final int windowSize;
    final boolean early;
    final CompletableFuture<TrainingOutcome> outcome = new CompletableFuture<>();
    private final Supplier<TrainingOutcome> work;
    /** The fit thread while it runs this fit; guarded by this. */
    private Thread runner;
    /** Set by {@link #interrupt}; guarded by this. */
    private boolean stopped;
    Future<Void> threadWork;

    Fit(long version, long startedAt, int windowSize, boolean early,
        Supplier<TrainingOutcome> work) {
      this.version = version;
      this.early = early;
      this.startedAt = startedAt;
      this.windowSize = windowSize;
      this.work = work;
    }

    @Override
    public void run() {
      synchronized (this) {
        if (stopped) {
          outcome.completeExceptionally(new InterruptedException("stopped before it started"));
          return;
        }
        runner = Thread.currentThread();
      }
      try {
        outcome.complete(work.get());
      } catch (Throwable t) {
        outcome.completeExceptionally(t);
      } finally {
        // The fit thread is the process's, and the next fit may be another task's: an interrupt
        // meant for this fit must not outlive it.
        synchronized (this) {
          runner = null;
          Thread.interrupted();
        }
      }
    }

    /** Asks the fit to stop, or not to start if the fit thread has not picked it up yet. */
    synchronized void interrupt() {
      stopped = true;
      if (runner != null) runner.interrupt();
    }
  }
}
