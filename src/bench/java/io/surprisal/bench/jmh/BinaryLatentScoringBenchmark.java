package io.surprisal.bench.jmh;

import io.surprisal.event.BitVector;
import io.surprisal.model.BinaryInputMlp;
import io.surprisal.model.BinaryLatentModel;
import io.surprisal.model.Scored;
import java.util.Random;
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
 * The binary-latent model's per-event kernel at L = 39 and 784 above its enumeration limit, where
 * log p(x) is an importance-sampling estimate over S codes drawn from the inference network: S = 1
 * and 16.
 * The default shape: K = 64 latent bits (above the enumeration limit of 12), H = 128, one tanh
 * layer; seeded random weights, since the cost does not depend on their values.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class BinaryLatentScoringBenchmark {
  private static final int LATENT = 64;
  private static final int HIDDEN = 128;
  private static final int ENUMERATION_LIMIT = 12;
  private static final int INPUTS = 256;

  @Param({"39", "784"})
  int dimension;

  @Param({"1", "16"})
  int samples;

  @Param({"sparse", "dense"})
  String input;

  private BinaryLatentModel model;
  private BitVector[] events;
  private int next;

  @Setup
  public void setUp() {
    Random random = new Random(3L);
    BinaryInputMlp decoder = BinaryInputMlp.of(LATENT, HIDDEN, dimension,
        Inputs.gaussian(LATENT * HIDDEN, 1.0, random), Inputs.gaussian(HIDDEN, 0.5, random),
        Inputs.gaussian(HIDDEN * dimension, 1.0 / Math.sqrt(HIDDEN), random),
        Inputs.gaussian(dimension, 1.0, random));
    BinaryInputMlp encoder = BinaryInputMlp.of(dimension, HIDDEN, LATENT,
        Inputs.gaussian(dimension * HIDDEN, 0.05, random), Inputs.gaussian(HIDDEN, 0.5, random),
        Inputs.gaussian(HIDDEN * LATENT, 1.0 / Math.sqrt(HIDDEN), random),
        Inputs.gaussian(LATENT, 1.0, random));
    model = BinaryLatentModel.of(Inputs.gaussian(LATENT, 1.0, random), decoder, encoder,
        ENUMERATION_LIMIT, samples);
    events = Inputs.random(INPUTS, dimension, input.equals("dense") ? 0.5 : 0.05, 4L);
  }

  @Benchmark
  public Scored score() {
    BitVector x = events[next];
    next = (next + 1) % INPUTS;
    return model.score(x);
  }
}
