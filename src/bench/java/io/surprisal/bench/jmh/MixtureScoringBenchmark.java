package io.surprisal.bench.jmh;

import io.surprisal.event.BitVector;
import io.surprisal.generate.SyntheticMixtures;
import io.surprisal.model.BernoulliMixture;
import io.surprisal.model.Scored;
import java.util.SplittableRandom;
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
 * The mixture's per-event kernel, {@code score(x)}: log p(x) and the latent readout, as the scoring
 * processor calls it. Its cost is K·nnz(x), so inputs come at two densities: sparse (5% of bits
 * set, e.g. active features of a transaction) and dense (50%, e.g. binarized images). K = 32, the
 * largest K the trainer tries by default.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class MixtureScoringBenchmark {
  private static final int COMPONENTS = 32;
  private static final int INPUTS = 1024;

  @Param({"39", "256", "784"})
  int dimension;

  @Param({"sparse", "dense"})
  String input;

  private BernoulliMixture model;
  private BitVector[] events;
  private int next;

  @Setup
  public void setUp() {
    model = SyntheticMixtures.separated(COMPONENTS, dimension, 1L);
    events = Inputs.random(INPUTS, dimension, input.equals("dense") ? 0.5 : 0.05, 2L);
  }

  @Benchmark
  public Scored score() {
    BitVector x = events[next];
    next = (next + 1) & (INPUTS - 1);
    return model.score(x);
  }
}
