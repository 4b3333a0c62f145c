package io.surprisal.stream;

import io.surprisal.event.BitVector;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The most recent {@code capacity} samples, kept as a ring buffer in a changelogged key-value store
 * so the window survives restarts and moves with the trainer task. Slot keys are 0..capacity-1,
 * each holding a vector in {@link BitVectorCodec}'s canonical form; key -1 holds how many samples
 * were added since the slots were laid out, which says the next slot to overwrite; key -2 holds
 * the capacity the slots were laid out for.
 *
 * <p>The ring's order only holds for the capacity it was written with. Opened with another one
 * (surprisal.window.size changed between runs), the window is laid out again: the newest
 * min(size, capacity) samples move to slots 0..n-1 in arrival order and every other slot is
 * deleted. A store written before key -2 existed is laid out again too, read as a ring of as many
 * slots as it holds: while one capacity was used, its slots were keys 0..min(added, capacity)-1, so
 * their number is that capacity whenever the ring had wrapped and key order is arrival order when
 * it had not. That store also kept samples as they arrived, unchecked; laying it out again stores
 * them canonically and drops any that do not decode strictly. (Had that older code already been
 * run with two capacities, the order it scrambled cannot be recovered; the samples are kept.)
 *
 * <p>Under exactly-once the rewrite commits with the task's first transaction or not at all; under
 * at-least-once a crash in the middle of it can leave the order mixed, never an invalid slot.
 */
final class TrainingWindow {
  private static final Logger log = LoggerFactory.getLogger(TrainingWindow.class);
  static final long COUNT_KEY = -1L;
  static final long CAPACITY_KEY = -2L;

  private final KeyValueStore<Long, byte[]> store;
  private final int capacity;
  private long added;

  /** Opens the window in {@code store}, laying it out again for {@code capacity} if needed. */
  TrainingWindow(KeyValueStore<Long, byte[]> store, int capacity) {
    if (capacity <= 0) {
      throw new IllegalArgumentException("window capacity must be > 0, got " + capacity);
    }
    this.store = store;
    this.capacity = capacity;
    this.added = readLong(COUNT_KEY, 0);
    long laidOutFor = readLong(CAPACITY_KEY, -1);
    if (laidOutFor == capacity) return;
    int slots = countSlots();
    if (laidOutFor < 0 && slots == 0) {
      store.put(CAPACITY_KEY, longBytes(capacity));
      return;
    }
    if (laidOutFor < 0) {
      relayOut(slots, Math.max(added, slots), "an older layout without its capacity, read as "
          + slots + " slots");
    } else {
      relayOut((int) laidOutFor, added, "capacity " + laidOutFor);
    }
  }

  void add(BitVector vector) {
    store.put(added % capacity, BitVectorCodec.encode(vector));
    added++;
    store.put(COUNT_KEY, longBytes(added));
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
    List<BitVector> vectors = new ArrayList<>(size());
    for (byte[] slot : ringInOrder(capacity, added)) vectors.add(BitVectorCodec.decode(slot));
    return vectors;
  }

  /** The newest {@code count} vectors (all of them when fewer), oldest first. */
  List<BitVector> newest(int count) {
    List<BitVector> all = snapshot();
    return new ArrayList<>(all.subList(Math.max(0, all.size() - count), all.size()));
  }

  /**
   * Rewrites a ring of {@code oldCapacity} slots after {@code oldAdded} additions as this window's
   * layout: its newest valid samples, canonical, at slots 0..n-1.
   */
  private void relayOut(int oldCapacity, long oldAdded, String oldLayout) {
    List<byte[]> canonical = new ArrayList<>();
    int invalid = 0;
    for (byte[] slot : ringInOrder(oldCapacity, oldAdded)) {
      try {
        canonical.add(BitVectorCodec.encode(BitVectorCodec.decode(slot)));
      } catch (IllegalArgumentException e) {
        invalid++;
      }
    }
    List<byte[]> kept = canonical.subList(Math.max(0, canonical.size() - capacity),
        canonical.size());
    deleteSlotsFrom(kept.size());
    for (int slot = 0; slot < kept.size(); slot++) store.put((long) slot, kept.get(slot));
    added = kept.size();
    store.put(COUNT_KEY, longBytes(added));
    store.put(CAPACITY_KEY, longBytes(capacity));
    log.info("Training window laid out for {} re-laid out for surprisal.window.size={}: kept the"
            + " newest {} of {} samples{}", oldLayout, capacity, kept.size(), canonical.size(),
        invalid == 0 ? "" : ", dropped " + invalid + " that are not valid encoded vectors");
  }

  /** The stored slots of a ring of {@code ringCapacity} after {@code ringAdded} adds, oldest first. */
  private List<byte[]> ringInOrder(int ringCapacity, long ringAdded) {
    int size = (int) Math.min(ringAdded, ringCapacity);
    long oldestSlot = ringAdded <= ringCapacity ? 0 : ringAdded % ringCapacity;
    List<byte[]> slots = new ArrayList<>(size);
    readSlots(oldestSlot, size - 1, slots);
    readSlots(0, oldestSlot - 1, slots);
    return slots;
  }

  private void readSlots(long from, long to, List<byte[]> into) {
    if (from > to) return;
    try (KeyValueIterator<Long, byte[]> slots = store.range(from, to)) {
      while (slots.hasNext()) into.add(slots.next().value);
    }
  }

  private int countSlots() {
    int slots = 0;
    try (KeyValueIterator<Long, byte[]> keys = store.range(0L, Long.MAX_VALUE)) {
      for (; keys.hasNext(); keys.next()) slots++;
    }
    return slots;
  }

  /** Deletes the slots from {@code first} on; the ones below it are about to be overwritten. */
  private void deleteSlotsFrom(long first) {
    List<Long> keys = new ArrayList<>();
    try (KeyValueIterator<Long, byte[]> slots = store.range(first, Long.MAX_VALUE)) {
      while (slots.hasNext()) {
        KeyValue<Long, byte[]> slot = slots.next();
        keys.add(slot.key);
      }
    }
    for (Long key : keys) store.delete(key);
  }

  private long readLong(long key, long absent) {
    byte[] value = store.get(key);
    return value == null ? absent : ByteBuffer.wrap(value).getLong();
  }

  private static byte[] longBytes(long value) {
    return ByteBuffer.allocate(Long.BYTES).putLong(value).array();
  }
}
