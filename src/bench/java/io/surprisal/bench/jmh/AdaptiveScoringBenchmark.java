package io.surprisal.bench.jmh;

import io.surprisal.dataset.IdxImages;
import io.surprisal.event.BitVector;
import io.surprisal.model.DensityModel;
import io.surprisal.model.Scored;
import io.surprisal.train.BinaryLatentTrainer;
import io.surprisal.train.Calibrator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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
 * The binary-latent model's score at L = 784 on Fashion-MNIST test images, with all S = 64
 * importance samples ("fixed", as the offline commands and training score) and against the
 * threshold ("adaptive", as the stream scores: rounds of 8, 16, 32, 64 until the estimate is
 * clearly above it). A real fit, because how many samples an event takes depends on where it
 * scores: K = 16 bits above an enumeration limit of 12, H = 32, two epochs on 2,000 images; the
 * threshold is q = 0.001 of 1,000 other images' log p(x). Needs the Debian package
 * dataset-fashion-mnist.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class AdaptiveScoringBenchmark {
  private static final Path IMAGES = Path.of("/usr/share/datasets/fashion-mnist");

  @Param({"fixed", "adaptive"})
  String sampling;

  private DensityModel model;
  private double threshold;
  private List<BitVector> events;
  private int next;

  @Setup
  public void setUp() throws IOException {
    Path images = IMAGES.resolve("t10k-images-idx3-ubyte.gz");
    if (!Files.exists(images)) {
      throw new IllegalStateException(
          "Fashion-MNIST is not installed at " + IMAGES + " (apt-get install dataset-fashion-mnist)");
    }
    List<BitVector> all =
        IdxImages.read(images, IMAGES.resolve("t10k-labels-idx1-ubyte.gz"), 128).images();
    model = new BinaryLatentTrainer(new BinaryLatentTrainer.Settings(
        16, 32, 1, 0.01, 2, 256, 2, 0.1, 12, 64, 42L)).fit(all.subList(0, 2_000));
    double[] holdout = all.subList(2_000, 3_000).stream().mapToDouble(model::logLikelihood)
        .toArray();
    threshold = new Calibrator(0.001, Calibrator.DEFAULT_MAX_CONTAMINATION).calibrate(holdout)
        .threshold();
    events = all.subList(3_000, 5_000);
  }

  @Benchmark
  public Scored score() {
    BitVector x = events.get(next);
    next = (next + 1) % events.size();
    return sampling.equals("fixed") ? model.score(x) : model.score(x, threshold);
  }
}
