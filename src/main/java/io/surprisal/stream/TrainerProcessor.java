package io.surprisal.stream;

import io.surprisal.event.BitVector;
import io.surprisal.model.ModelCodec;
import io.surprisal.model.PublishedModel;
import io.surprisal.train.TrainingPipeline;
import io.surprisal.train.TrainingPipeline.TrainingOutcome;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
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
 * <p>Fitting runs on this task's own thread so the stream thread keeps processing; the outcome is
 * only read and forwarded from the punctuation, on the stream thread, inside the task's
 * transaction.
 */
final class TrainerProcessor implements Processor<byte[], byte[], String, byte[]> {
  private static final Logger log = LoggerFactory.getLogger(TrainerProcessor.class);
  /** The models topic is compacted under this one key: the latest record is the live model. */
  static final String MODEL_KEY = "model";

  private final String windowStoreName;
  private final int windowCapacity;
  private final int dimension;
  private final int minTrainingSize;
  private final Duration retrainInterval;
  private final Duration checkInterval;
  private final TrainingPipeline pipeline;
  private final ModelRegistry registry;
  private final DetectorObserver observer;

  private ProcessorContext<String, byte[]> context;
  private TrainingWindow window;
  private ExecutorService fitter;
  private Cancellable punctuation;
  private CompletableFuture<TrainingOutcome> running;
  private long lastFitStartedAt = -1;
  private int runningWindowSize;
  private long lastPublishedVersion;

  TrainerProcessor(
      String windowStoreName,
      DetectorConfig config,
      TrainingPipeline pipeline,
      ModelRegistry registry) {
    this(windowStoreName, config, pipeline, registry, DetectorObserver.NONE);
  }

  /** @param observer told the outcome of every training round, on the stream thread */
  TrainerProcessor(
      String windowStoreName,
      DetectorConfig config,
      TrainingPipeline pipeline,
      ModelRegistry registry,
      DetectorObserver observer) {
    this.observer = observer;
    this.windowStoreName = windowStoreName;
    this.windowCapacity = config.windowSize();
    this.dimension = config.dimension();
    this.minTrainingSize = config.minTrainingSize();
    this.retrainInterval = config.retrainInterval();
    this.checkInterval = config.trainerCheckInterval();
    this.pipeline = pipeline;
    this.registry = registry;
  }

  @Override
  public void init(ProcessorContext<String, byte[]> context) {
    this.context = context;
    KeyValueStore<Long, byte[]> store = context.getStateStore(windowStoreName);
    this.window = new TrainingWindow(store, windowCapacity);
    this.fitter = Executors.newSingleThreadExecutor(runnable -> {
      Thread thread = new Thread(runnable, "surprisal-fit-" + context.taskId());
      thread.setDaemon(true);
      return thread;
    });
    this.punctuation = context.schedule(checkInterval, PunctuationType.WALL_CLOCK_TIME, this::tick);
    log.info("Trainer task {} started with {} samples in its window", context.taskId(), window.size());
  }

  @Override
  public void process(Record<byte[], byte[]> record) {
    BitVector vector;
    try {
      vector = BitVectorCodec.decode(record.value());
    } catch (IllegalArgumentException e) {
      log.warn("Skipped a sample that is not an encoded vector: {}", e.getMessage());
      return;
    }
    if (vector.dimension() != dimension) {
      log.warn("Skipped a sample of dimension {}, expected {}", vector.dimension(), dimension);
      return;
    }
    window.add(record.value());
  }

  void tick(long now) {
    if (running != null) {
      if (!running.isDone()) return;
      publish(running, now);
      running = null;
    }
    if (isFitDue(now)) {
      PublishedModel live = registry.current();
      long version = Math.max(live == null ? 0 : live.version(), lastPublishedVersion) + 1;
      List<BitVector> snapshot = window.snapshot();
      lastFitStartedAt = now;
      runningWindowSize = snapshot.size();
      log.info("Fitting model version {} on {} samples", version, snapshot.size());
      running = CompletableFuture.supplyAsync(() -> pipeline.run(snapshot, live, version), fitter);
    }
  }

  /** Whether a fit has started whose outcome has not been handled yet. */
  boolean isFitRunning() {
    return running != null;
  }

  private boolean isFitDue(long now) {
    if (window.size() < minTrainingSize) return false;
    PublishedModel live = registry.current();
    if (lastFitStartedAt < 0 && live == null) return true;
    long last = Math.max(lastFitStartedAt, live == null ? -1 : live.trainedAt());
    return now - last >= retrainInterval.toMillis();
  }

  private void publish(CompletableFuture<TrainingOutcome> finished, long now) {
    TrainingOutcome outcome;
    try {
      outcome = finished.get();
    } catch (ExecutionException e) {
      log.warn("Fit failed, the live model stays; retrying at the next interval", e.getCause());
      // Known to the check interval: the fit's own clock did not finish.
      observer.trainingFinished(DetectorObserver.TrainingResult.FAILED,
          Math.max(0, now - lastFitStartedAt), runningWindowSize);
      return;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    }
    observer.trainingFinished(
        outcome.accepted() ? DetectorObserver.TrainingResult.ACCEPTED
            : DetectorObserver.TrainingResult.REJECTED,
        outcome.fitMillis(), outcome.windowSize());
    if (!outcome.accepted()) {
      log.warn("Refitted model rejected by the acceptance gate: {}", outcome.decision().reason());
      return;
    }
    PublishedModel model = outcome.published();
    lastPublishedVersion = model.version();
    context.forward(new Record<>(MODEL_KEY, ModelCodec.encode(model), now));
    log.info("Published model version {} (fit on {} samples in {} ms, holdout mean {} nats)",
        model.version(), outcome.windowSize(), outcome.fitMillis(),
        String.format("%.3f", model.holdoutMeanLogLikelihood()));
  }

  @Override
  public void close() {
    if (punctuation != null) punctuation.cancel();
    if (fitter != null) fitter.shutdownNow();
  }
}
