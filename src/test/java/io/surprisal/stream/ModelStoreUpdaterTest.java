package io.surprisal.stream;

import static io.surprisal.stream.ModelRecords.encoded;
import static org.assertj.core.api.Assertions.assertThat;

import io.surprisal.generate.SyntheticMixtures;
import io.surprisal.model.BernoulliMixture;
import io.surprisal.model.ForgedRecords;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The trainedAt bound against a fixed clock: at most {@link ModelStoreUpdater#MAX_CLOCK_SKEW} ahead. */
class ModelStoreUpdaterTest {
  private static final int DIMENSION = 16;
  private static final long NOW = 1_764_115_200_000L;

  private final BernoulliMixture model = SyntheticMixtures.separated(2, DIMENSION, 3);
  private final ModelRegistry registry = new ModelRegistry();
  private final RecordingObserver observer = new RecordingObserver();
  private MockProcessorContext<Void, Void> context;
  private ModelStoreUpdater updater;

  @BeforeEach
  void start() {
    context = new MockProcessorContext<>();
    KeyValueStore<String, byte[]> store = Stores.keyValueStoreBuilder(
            Stores.inMemoryKeyValueStore("model-store"), Serdes.String(), Serdes.ByteArray())
        .withLoggingDisabled()
        .build();
    store.init(context.getStateStoreContext(), store);
    context.addStateStore(store);
    updater = new ModelStoreUpdater("model-store", DIMENSION, ModelSignature.UNSIGNED, registry,
        observer, Clock.fixed(Instant.ofEpochMilli(NOW), ZoneOffset.UTC));
    updater.init(context);
  }

  @Test
  void shouldAcceptTrainedAtUpToTheClockSkewAheadAndRefuseOneMillisecondMore() {
    long skew = ModelStoreUpdater.MAX_CLOCK_SKEW.toMillis();
    send(1, trainedAt(encoded(1, model), NOW + skew));
    assertThat(registry.current().version()).isEqualTo(1);

    send(2, trainedAt(encoded(2, model), NOW + skew + 1));
    assertThat(registry.current().version()).isEqualTo(1);
    assertThat(observer.refusedReasons).containsExactly(
        "trainedAt " + (NOW + skew + 1) + " is more than 5 minutes ahead of this instance's"
            + " clock: a clock far ahead or a forged record");
  }

  private static byte[] trainedAt(byte[] record, long trainedAt) {
    return ForgedRecords.withLong(record, ForgedRecords.TRAINED_AT_AT, trainedAt);
  }

  private void send(long offset, byte[] value) {
    context.setRecordMetadata("models", 0, offset);
    updater.process(new Record<>("model", value, 0L));
  }
}
