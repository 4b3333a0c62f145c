package io.surprisal.bench.jmh;

import com.amazon.randomcutforest.RandomCutForest;
import io.surprisal.event.BitVector;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * AWS Random Cut Forest's per-event work on a stream: score an event, then add it to the forest,
 * configured as {@code RcfBaseline} runs it (50 trees, sample size 256, parallel execution off, so
 * one thread: the time per event is the per-core cost). Same dimensions and the same kind of inputs
 * as {@link MixtureScoringBenchmark} (each bit set with probability 0.05 or 0.5), so the two
 * compare in one JMH run.
 *
 * <p>Before timing, the forest scores and then takes 4,096 events from a separately seeded stream:
 * 16 times its sample size, so every tree's reservoir is full and the forest is past its
 * output-after warm-up (before it, RCF answers 0 without walking the trees). Scoring them too gets
 * both halves of the timed operation JIT-compiled first: JMH's own one-second warm-up iterations
 * cover only a few hundred events at L = 784, and without this the times kept falling through the
 * measured iterations. The timed events are then new to the forest. Points
 * are converted to RCF's float[] once in setup; the conversion RcfBaseline does per event is left
 * out of the timing, which only flatters RCF.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class RcfScoreUpdateBenchmark {
  private static final int TREES = 50;
  private static final int SAMPLE_SIZE = 256;
  private static final int WARM_EVENTS = 16 * SAMPLE_SIZE;
  // Distinct inputs cycled through while timing; a power of two for the cheap wrap-around. More
  // than RCF can process in one measurement second at L = 784, so few events repeat within one.
  private static final int INPUTS = 8192;

  @Param({"39", "784"})
  int dimension;

  @Param({"sparse", "dense"})
  String input;

  private RandomCutForest forest;
  private float[][] events;
  private int next;

  @Setup
  public void setUp() {
    double density = input.equals("dense") ? 0.5 : 0.05;
    forest = RandomCutForest.builder().dimensions(dimension).numberOfTrees(TREES)
        .sampleSize(SAMPLE_SIZE).randomSeed(42L).parallelExecutionEnabled(false).build();
    for (BitVector x : Inputs.random(WARM_EVENTS, dimension, density, 6L)) {
      float[] point = dense(x);
      forest.getAnomalyScore(point);
      forest.update(point);
    }
    if (forest.getAnomalyScore(dense(Inputs.random(1, dimension, density, 7L)[0])) == 0.0) {
      throw new IllegalStateException("the forest still answers 0 after " + WARM_EVENTS
          + " updates: it is not warmed up");
    }
    BitVector[] timed = Inputs.random(INPUTS, dimension, density, 2L);
    events = new float[INPUTS][];
    for (int i = 0; i < INPUTS; i++) events[i] = dense(timed[i]);
  }

  @Benchmark
  public double scoreThenUpdate() {
    float[] point = events[next];
    next = (next + 1) & (INPUTS - 1);
    double score = forest.getAnomalyScore(point);
    forest.update(point);
    return score;
  }

  private static float[] dense(BitVector x) {
    float[] point = new float[x.dimension()];
    for (int i = 0; i < x.activeCount(); i++) point[x.activeIndex(i)] = 1f;
    return point;
  }
}
