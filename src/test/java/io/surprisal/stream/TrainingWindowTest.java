package io.surprisal.stream;

import static org.assertj.core.api.Assertions.assertThat;

import io.surprisal.event.BitVector;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The training window's ring buffer, and its layout when the configured capacity changes. */
class TrainingWindowTest {
  private KeyValueStore<Long, byte[]> store;

  @BeforeEach
  void createStore() {
    MockProcessorContext<Void, Void> context = new MockProcessorContext<>();
    store = WindowStores.register(context, "window");
  }

  @Test
  void shouldKeepTheNewestSamplesOldestFirstAfterWrappingAround() {
    TrainingWindow window = new TrainingWindow(store, 4);
    IntStream.range(0, 7).forEach(i -> window.add(vector(i)));
    assertThat(window.size()).isEqualTo(4);
    assertThat(window.snapshot()).containsExactly(vector(3), vector(4), vector(5), vector(6));
  }

  @Test
  void shouldListSamplesInArrivalOrderBeforeTheWindowIsFull() {
    TrainingWindow window = new TrainingWindow(store, 10);
    IntStream.range(0, 3).forEach(i -> window.add(vector(i)));
    assertThat(window.snapshot()).containsExactly(vector(0), vector(1), vector(2));
  }

  @Test
  void shouldResumeFromTheStoreAfterARestart() {
    TrainingWindow before = new TrainingWindow(store, 4);
    IntStream.range(0, 5).forEach(i -> before.add(vector(i)));
    TrainingWindow after = new TrainingWindow(store, 4);
    after.add(vector(5));
    List<BitVector> snapshot = after.snapshot();
    assertThat(snapshot).containsExactly(vector(2), vector(3), vector(4), vector(5));
  }

  @Test
  void shouldKeepTheNewestSamplesInOrderWhenReopenedWithASmallerCapacity() {
    TrainingWindow before = new TrainingWindow(store, 1000);
    IntStream.range(0, 1500).forEach(i -> before.add(vector(i)));

    TrainingWindow after = new TrainingWindow(store, 300);
    assertThat(after.size()).isEqualTo(300);
    assertThat(after.snapshot()).containsExactlyElementsOf(vectors(1200, 1500));
    assertThat(slotKeys()).containsExactlyElementsOf(range(0, 300));
    after.add(vector(1500));
    assertThat(after.snapshot()).containsExactlyElementsOf(vectors(1201, 1501));
    assertThat(new TrainingWindow(store, 300).snapshot())
        .as("reopened with the same capacity: as it was")
        .containsExactlyElementsOf(vectors(1201, 1501));
  }

  @Test
  void shouldKeepEverySampleInOrderWhenReopenedWithALargerCapacity() {
    TrainingWindow before = new TrainingWindow(store, 1000);
    IntStream.range(0, 1500).forEach(i -> before.add(vector(i)));

    TrainingWindow after = new TrainingWindow(store, 5000);
    assertThat(after.size()).isEqualTo(1000);
    assertThat(after.snapshot()).containsExactlyElementsOf(vectors(500, 1500));
    assertThat(slotKeys()).containsExactlyElementsOf(range(0, 1000));
    IntStream.range(1500, 5600).forEach(i -> after.add(vector(i)));
    assertThat(after.size()).isEqualTo(5000);
    assertThat(after.snapshot()).containsExactlyElementsOf(vectors(600, 5600));
  }

  @Test
  void shouldReadAWindowWithoutItsCapacityAsARingOfTheSlotsItHolds() {
    // The newest 500 in slots 0..499, and one sample that arrived padded with trailing bytes.
    writeOlderLayout(1000, 1500);
    store.put(1100L % 1000, Arrays.copyOf(BitVectorCodec.encode(vector(1100)), 1 << 20));

    TrainingWindow after = new TrainingWindow(store, 1000);
    List<BitVector> expected = vectors(500, 1500);
    expected.remove(vector(1100));
    assertThat(after.size()).isEqualTo(999);
    assertThat(after.snapshot()).containsExactlyElementsOf(expected);
    assertThat(slotKeys()).containsExactlyElementsOf(range(0, 999));
    assertThat(store.get(TrainingWindow.CAPACITY_KEY))
        .isEqualTo(ByteBuffer.allocate(8).putLong(1000).array());
  }

  @Test
  void shouldReadAWindowWithoutItsCapacityWrittenWithASmallerOneInOrder() {
    writeOlderLayout(300, 1500);
    TrainingWindow after = new TrainingWindow(store, 1000);
    assertThat(after.size()).isEqualTo(300);
    assertThat(after.snapshot()).containsExactlyElementsOf(vectors(1200, 1500));
    after.add(vector(1500));
    assertThat(after.snapshot()).containsExactlyElementsOf(vectors(1200, 1501));
  }

  /** As the code before the capacity key wrote a window: slot added % capacity, count at -1. */
  private void writeOlderLayout(int capacity, int samples) {
    for (int i = 0; i < samples; i++) {
      store.put((long) (i % capacity), BitVectorCodec.encode(vector(i)));
    }
    store.put(TrainingWindow.COUNT_KEY, ByteBuffer.allocate(8).putLong(samples).array());
  }

  private List<Long> slotKeys() {
    List<Long> keys = new ArrayList<>();
    try (KeyValueIterator<Long, byte[]> all = store.all()) {
      all.forEachRemaining(entry -> {
        if (entry.key >= 0) keys.add(entry.key);
      });
    }
    keys.sort(null);
    return keys;
  }

  private static List<Long> range(long from, long to) {
    return LongStream.range(from, to).boxed().toList();
  }

  private static List<BitVector> vectors(int from, int to) {
    return IntStream.range(from, to).mapToObj(TrainingWindowTest::vector)
        .collect(Collectors.toCollection(ArrayList::new));
  }

  /** A distinct 16-bit vector per i < 65536: the binary digits of i. */
  private static BitVector vector(int i) {
    return BitVector.ofActive(16, IntStream.range(0, 16).filter(b -> (i >> b & 1) == 1).toArray());
  }
}
