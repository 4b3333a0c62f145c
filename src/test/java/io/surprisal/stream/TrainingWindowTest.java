package io.surprisal.stream;

import static org.assertj.core.api.Assertions.assertThat;

import io.surprisal.event.BitVector;
import java.util.List;
import java.util.stream.IntStream;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

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
    IntStream.range(0, 7).forEach(i -> window.add(BitVectorCodec.encode(vector(i))));
    assertThat(window.size()).isEqualTo(4);
    assertThat(window.snapshot()).containsExactly(vector(3), vector(4), vector(5), vector(6));
  }

  @Test
  void shouldListSamplesInArrivalOrderBeforeTheWindowIsFull() {
    TrainingWindow window = new TrainingWindow(store, 10);
    IntStream.range(0, 3).forEach(i -> window.add(BitVectorCodec.encode(vector(i))));
    assertThat(window.snapshot()).containsExactly(vector(0), vector(1), vector(2));
  }

  @Test
  void shouldResumeFromTheStoreAfterARestart() {
    TrainingWindow before = new TrainingWindow(store, 4);
    IntStream.range(0, 5).forEach(i -> before.add(BitVectorCodec.encode(vector(i))));
    TrainingWindow after = new TrainingWindow(store, 4);
    after.add(BitVectorCodec.encode(vector(5)));
    List<BitVector> snapshot = after.snapshot();
    assertThat(snapshot).containsExactly(vector(2), vector(3), vector(4), vector(5));
  }

  /** A distinct 8-bit vector per i: the binary digits of i. */
  private static BitVector vector(int i) {
    return BitVector.ofActive(8, IntStream.range(0, 8).filter(b -> (i >> b & 1) == 1).toArray());
  }
}
