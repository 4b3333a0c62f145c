package io.surprisal.stream;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.errors.StreamsException;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One running detector instance: the topology on a Kafka Streams client, and its live model. */
public final class DetectorService implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(DetectorService.class);

  private final ModelRegistry registry = new ModelRegistry();
  private final KafkaStreams streams;
  private final CountDownLatch running = new CountDownLatch(1);
  /** Counted down when the client reaches ERROR: its stream threads are gone for good. */
  private final CountDownLatch failed = new CountDownLatch(1);
  /** The first exception that stopped a stream thread, or null. */
  private final AtomicReference<Throwable> failure = new AtomicReference<>();

  public DetectorService(DetectorConfig config) {
    this(config, DetectorObserver.NONE);
  }

  /**
   * @param observer told of every event, alert, model and training round of this instance
   * @throws InvalidConfigException if state.dir cannot be used: locked by another instance of the
   *     same application on this host, or not creatable
   */
  public DetectorService(DetectorConfig config, DetectorObserver observer) {
    this.streams = newStreams(config, observer);
    // The default response (stop the whole client), but the cause is kept: start() reports it
    // instead of waiting out its timeout for a client that will never run, e.g. when the
    // cluster refuses the credentials.
    streams.setUncaughtExceptionHandler(exception -> {
      failure.compareAndSet(null, exception);
      return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
    });
    streams.setStateListener((now, before) -> {
      if (now == KafkaStreams.State.RUNNING) running.countDown();
      if (now == KafkaStreams.State.ERROR) {
        log.error("Kafka Streams stopped with an error", failure.get());
        failed.countDown();
        running.countDown();
      }
    });
  }

  /** The state directory is locked and created here, in the KafkaStreams constructor. */
  private KafkaStreams newStreams(DetectorConfig config, DetectorObserver observer) {
    try {
      return new KafkaStreams(
          DetectorTopology.buildTopology(config, registry, observer), config.kafka());
    } catch (StreamsException e) {
      Optional<String> problem = StateDirectoryFailure.describe(e, config.kafka());
      if (problem.isPresent()) throw new InvalidConfigException(problem.get(), e);
      throw e;
    }
  }

  /**
   * Starts processing and waits until the Streams client is RUNNING. Throws {@link
   * IllegalStateException} if it is not RUNNING within the timeout or stops with an error first,
   * with the error (an authentication failure, say) as its cause.
   */
  public void start(Duration timeout) {
    streams.start();
    try {
      if (!running.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new IllegalStateException(
            "Kafka Streams did not reach RUNNING within " + timeout + ", state " + streams.state());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while starting", e);
    }
    if (streams.state() != KafkaStreams.State.RUNNING && failure.get() != null) {
      throw new IllegalStateException(
          "Kafka Streams stopped before it was running: " + failure.get().getMessage(),
          failure.get());
    }
    log.info("Detector running");
  }

  /**
   * Blocks until the Streams client stops with an error (ERROR: no stream thread left, nothing is
   * scored any more, e.g. after a source topic was deleted) and returns the exception that stopped
   * it, or null where Streams gave none. A process that only serves the detector should exit then,
   * so that its supervisor restarts it.
   */
  public Throwable awaitFailure() throws InterruptedException {
    failed.await();
    return failure.get();
  }

  /**
   * Like {@link #awaitFailure()}, but gives up after {@code timeout}: true if the client has
   * stopped with an error, for good; {@link #failure()} then says why.
   */
  public boolean awaitFailure(Duration timeout) throws InterruptedException {
    return failed.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** The first exception that stopped a stream thread, or null (none yet, or Streams gave none). */
  public Throwable failure() {
    return failure.get();
  }

  public ModelRegistry registry() {
    return registry;
  }

  public KafkaStreams.State state() {
    return streams.state();
  }

  /** The Streams client, for metrics binders; callers must not start or close it. */
  public KafkaStreams kafkaStreams() {
    return streams;
  }

  /**
   * Stops processing and leaves the consumer group, so the tasks (the trainer's included) move to
   * the remaining instances at once instead of after the session timeout.
   */
  @Override
  public void close() {
    streams.close(CloseOptions.groupMembershipOperation(
            CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
        .withTimeout(Duration.ofSeconds(30)));
  }
}
