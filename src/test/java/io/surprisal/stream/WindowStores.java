package io.surprisal.stream;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

/** An in-memory training-window store, registered with a mock context as the topology would. */
final class WindowStores {
  private WindowStores() {}

  static KeyValueStore<Long, byte[]> register(MockProcessorContext<?, ?> context, String name) {
    KeyValueStore<Long, byte[]> store = Stores.keyValueStoreBuilder(
            Stores.inMemoryKeyValueStore(name), Serdes.Long(), Serdes.ByteArray())
        .withLoggingDisabled()
        .build();
    store.init(context.getStateStoreContext(), store);
    context.addStateStore(store);
    return store;
  }
}
