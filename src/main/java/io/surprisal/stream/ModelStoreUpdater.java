package io.surprisal.stream;

import io.surprisal.model.ModelCodec;
import io.surprisal.model.ModelDimensionException;
import io.surprisal.model.ModelFormatException;
import io.surprisal.model.PublishedModel;
import java.time.Clock;
import java.time.Duration;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Feeds the global model store from the models topic on every instance. Each record is checked
 * (signature when surprisal.model.signing-key is set, then checksum, format version, dimension from
 * the shape header, parameters, a trainedAt that is not in the future and a newer version) before
 * it reaches the store or the {@link ModelRegistry}; a record that fails is logged once with its
 * offset and reason and counted, and the live model stays, in the registry and in the store.
 * StreamsBuilder#addGlobalStore replays the topic through this processor on restore too, so a
 * restarted instance applies the same checks, and a record that could throw here would stop every
 * restart: whatever a record makes decoding throw refuses that record.
 */
final class ModelStoreUpdater implements Processor<String, byte[], Void, Void> {
  /**
   * How far a model's trainedAt may be ahead of this instance's clock (the trainer's clock on
   * another instance may run ahead). Further, it is refused: the trainer retrains when the live
   * model's trainedAt is a retrain interval old, so a future trainedAt would stop retraining.
   */
  static final Duration MAX_CLOCK_SKEW = Duration.ofMinutes(5);

  private static final Logger log = LoggerFactory.getLogger(ModelStoreUpdater.class);

  private final String storeName;
  private final int dimension;
  private final ModelSignature signature;
  private final ModelRegistry registry;
  private final DetectorObserver observer;
  private final Clock clock;
  private KeyValueStore<String, byte[]> store;
  private ProcessorContext<Void, Void> context;

  ModelStoreUpdater(
      String storeName,
      int dimension,
      ModelSignature signature,
      ModelRegistry registry,
      DetectorObserver observer) {
    this(storeName, dimension, signature, registry, observer, Clock.systemUTC());
  }

  /**
   * @param signature verifies each record before it is decoded
   * @param observer told of every model made live and every record refused
   * @param clock the clock trainedAt is compared with: the trainer's, the system clock
   */
  ModelStoreUpdater(
      String storeName,
      int dimension,
      ModelSignature signature,
      ModelRegistry registry,
      DetectorObserver observer,
      Clock clock) {
    this.observer = observer;
    this.storeName = storeName;
    this.dimension = dimension;
    this.signature = signature;
    this.registry = registry;
    this.clock = clock;
  }

  @Override
  public void init(ProcessorContext<Void, Void> context) {
    this.context = context;
    this.store = context.getStateStore(storeName);
  }

  @Override
  public void process(Record<String, byte[]> record) {
    String where = context.recordMetadata()
        .map(m -> m.topic() + "-" + m.partition() + "@" + m.offset())
        .orElse("unknown offset");
    if (record.value() == null) {
      // Kept out of the store, which keeps the live model's bytes. Compaction still drops the
      // model from the topic once the tombstone is older than delete.retention.ms: an instance
      // restarted after that has no model until the next fit.
      refuse(where, "model record has no value (a tombstone): a model is only ever replaced by a"
          + " newer version, never deleted");
      return;
    }
    PublishedModel model;
    try {
      model = ModelCodec.decode(signature.verify(record.value()), dimension);
    } catch (ModelDimensionException e) {
      refuse(where, "model dimension " + e.declared() + " differs from "
          + "surprisal.feature.dimension " + dimension);
      return;
    } catch (ModelFormatException e) {
      refuse(where, e.getMessage());
      return;
    } catch (Throwable e) {
      // Not a refusal the codec foresaw (an OutOfMemoryError, a StackOverflowError, a bug):
      // still this record's fault, and the global thread must outlive it.
      refuse(where, "model record could not be decoded: " + e, e);
      return;
    }
    long aheadMillis = model.trainedAt() - clock.millis();
    if (aheadMillis > MAX_CLOCK_SKEW.toMillis()) {
      refuse(where, "trainedAt " + model.trainedAt() + " is more than " + MAX_CLOCK_SKEW.toMinutes()
          + " minutes ahead of this instance's clock: a clock far ahead or a forged record");
      return;
    }
    if (!registry.offer(model)) {
      PublishedModel live = registry.current();
      refuse(where, "version " + model.version() + " is not newer than the live version "
          + (live == null ? "none" : live.version()));
      return;
    }
    store.put(record.key(), record.value());
    observer.modelLive(model);
    log.info("Model version {} is live: {}, threshold {}",
        model.version(), model.model(), model.thresholdText());
  }

  private void refuse(String where, String reason) {
    refuse(where, reason, null);
  }

  /** @param unexpected what decoding threw that no check foresaw, logged with its stack, or null */
  private void refuse(String where, String reason, Throwable unexpected) {
    registry.countRefused();
    observer.modelRefused(reason);
    log.warn("Refused model record {}: {}; the live model stays", where, reason, unexpected);
  }
}
