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

  /**
   * A copy of the window's vectors, oldest first, for a fit that runs while new samples keep
   * arriving. Once the ring has wrapped, the oldest sample sits in the slot written next.
   */
  List<BitVector> snapshot() {
    int size = size();
    long oldestSlot = added <= capacity ? 0 : added % capacity;
    List<BitVector> vectors = new ArrayList<>(size);
    readSlots(oldestSlot, size - 1, vectors);
    readSlots(0, oldestSlot - 1, vectors);
    return vectors;
  }

  /** The newest {@code count} vectors (all of them when fewer), oldest first. */
  List<BitVector> newest(int count) {
    List<BitVector> all = snapshot();
    return new ArrayList<>(all.subList(Math.max(0, all.size() - count), all.size()));
  }

  private void readSlots(long from, long to, List<BitVector> into) {
    if (from > to) return;
    try (KeyValueIterator<Long, byte[]> slots = store.range(from, to)) {
      while (slots.hasNext()) {
        KeyValue<Long, byte[]> slot = slots.next();
        into.add(BitVectorCodec.decode(slot.value));
      }
    }
  }
}
