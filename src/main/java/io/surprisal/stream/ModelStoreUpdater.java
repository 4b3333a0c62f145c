package io.surprisal.stream;

import io.surprisal.model.ModelCodec;
import io.surprisal.model.ModelFormatException;
import io.surprisal.model.PublishedModel;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Feeds the global model store from the models topic on every instance. Each record is checked
 * (signature when surprisal.model.signing-key is set, then checksum, format version, parameters,
 * dimension and a newer version) before it reaches the store or the {@link ModelRegistry}; a record
 * that fails is logged once with its reason and counted, and the live model stays.
 * StreamsBuilder#addGlobalStore replays the topic through this processor on restore too, so a
 * restarted instance applies the same checks.
 */
final class ModelStoreUpdater implements Processor<String, byte[], Void, Void> {
  private static final Logger log = LoggerFactory.getLogger(ModelStoreUpdater.class);

  private final String storeName;
  private final int dimension;
  private final ModelSignature signature;
  private final ModelRegistry registry;
  private final DetectorObserver observer;
  private KeyValueStore<String, byte[]> store;
  private ProcessorContext<Void, Void> context;

  /**
   * @param signature verifies each record before it is decoded
   * @param observer told of every model made live and every record refused
   */
  ModelStoreUpdater(
      String storeName,
      int dimension,
      ModelSignature signature,
      ModelRegistry registry,
      DetectorObserver observer) {
    this.observer = observer;
    this.storeName = storeName;
    this.dimension = dimension;
    this.signature = signature;
    this.registry = registry;
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
    PublishedModel model;
    try {
      model = ModelCodec.decode(signature.verify(record.value()));
    } catch (ModelFormatException e) {
      refuse(where, e.getMessage());
      return;
    }
    if (model.model().dimension() != dimension) {
      refuse(where, "model dimension " + model.model().dimension() + " differs from "
          + "surprisal.feature.dimension " + dimension);
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
    log.info("Model version {} is live: {}, threshold {} nats",
        model.version(), model.model(), String.format("%.3f", model.calibration().threshold()));
  }

  private void refuse(String where, String reason) {
    registry.countRefused();
    observer.modelRefused(reason);
    log.warn("Refused model record {}: {}; the live model stays", where, reason);
  }
}
