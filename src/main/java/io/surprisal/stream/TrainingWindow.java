package io.surprisal.stream;

import io.surprisal.event.BitVector;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The most recent {@code capacity} samples, kept as a ring buffer in a changelogged key-value store
 * so the window survives restarts and moves with the trainer task. Slot keys are 0..capacity-1;
 * key -1 holds how many samples were ever added, which says the next slot to overwrite.
 */
final class TrainingWindow {
  private static final long COUNT_KEY = -1L;

  private final KeyValueStore<Long, byte[]> store;
  private final int capacity;
  private long added;

  TrainingWindow(KeyValueStore<Long, byte[]> store, int capacity) {
    this.store = store;
    this.capacity = capacity;
    byte[] count = store.get(COUNT_KEY);
    this.added = count == null ? 0 : ByteBuffer.wrap(count).getLong();
  }

  void add(byte[] encodedVector) {
    store.put(added % capacity, encodedVector);
    added++;
    store.put(COUNT_KEY, ByteBuffer.allocate(Long.BYTES).putLong(added).array());
  }

  /** Vectors in the window now. */
  int size() {
    return (int) Math.min(added, capacity);
  }

  /** A copy of the window's vectors, for a fit that runs while new samples keep arriving. */
  List<BitVector> snapshot() {
    List<BitVector> vectors = new ArrayList<>(size());
    try (KeyValueIterator<Long, byte[]> slots = store.range(0L, (long) capacity - 1)) {
      while (slots.hasNext()) {
        KeyValue<Long, byte[]> slot = slots.next();
        vectors.add(BitVectorCodec.decode(slot.value));
      }
    }
    return vectors;
  }
}
