package io.surprisal.cli;

import io.surprisal.benchmark.EmTrainingBenchmark;
import io.surprisal.dataset.IdxImages;
import io.surprisal.event.BitVector;
import io.surprisal.event.MessageJson;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** EM's training time in ND4J on binarized Fashion-MNIST: a fixed number of iterations, timed. */
@Command(name = "bench-em", mixinStandardHelpOptions = true,
    description = "Time a fixed number of EM iterations (one K, one start, no convergence stop) on"
        + " the binarized training images of an IDX image set (Fashion-MNIST); progress per"
        + " iteration on stderr, one JSON line on stdout.")
final class BenchEmCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--images-dir", defaultValue = "/usr/share/datasets/fashion-mnist",
      description = "Directory with train-images-idx3-ubyte.gz and train-labels-idx1-ubyte.gz "
          + "(default: ${DEFAULT-VALUE}, from Debian's dataset-fashion-mnist).")
  Path directory;

  @Option(names = "--pixel-cut", defaultValue = "128",
      description = "Pixels at or above this value are 1 (default: ${DEFAULT-VALUE}).")
  int pixelCut;

  @Option(names = "--limit", paramLabel = "N", defaultValue = "60000",
      description = "Use the first N training images (default: all ${DEFAULT-VALUE}).")
  int limit;

  @Option(names = "--components", paramLabel = "K", defaultValue = "64",
      description = "Mixture components (default: ${DEFAULT-VALUE}).")
  int components;

  @Option(names = "--iterations", defaultValue = "10",
      description = "EM iterations run, exactly (default: ${DEFAULT-VALUE}).")
  int iterations;

  @Option(names = "--prior", defaultValue = "1.0",
      description = "α of the Beta(1+α, 1+α) smoothing, as surprisal.mixture.prior "
          + "(default: ${DEFAULT-VALUE}).")
  double prior;

  @Option(names = "--threads", defaultValue = "1",
      description = "Threads ND4J may use, as surprisal.training.threads (default: "
          + "${DEFAULT-VALUE}).")
  int threads;

  @Option(names = "--seed", defaultValue = "42",
      description = "Picks the start's rows (default: ${DEFAULT-VALUE}).")
  long seed;

  @Override
  public Integer call() throws IOException {
    // Settings are checked before the images load, so a bad option fails at once.
    EmTrainingBenchmark.Settings settings =
        new EmTrainingBenchmark.Settings(components, iterations, prior, seed, threads);
    if (limit < 1) throw new IllegalArgumentException("--limit must be >= 1, got " + limit);
    PrintWriter err = spec.commandLine().getErr();
    IdxImages.Labelled train = IdxImages.read(directory.resolve("train-images-idx3-ubyte.gz"),
        directory.resolve("train-labels-idx1-ubyte.gz"), pixelCut);
    List<BitVector> rows = train.images().subList(0, Math.min(limit, train.images().size()));
    err.printf(Locale.ROOT, "EM on %,d images of %d pixels, K = %d, %d iterations, %d thread(s)%n",
        rows.size(), train.dimension(), components, iterations, threads);
    err.flush();
    EmTrainingBenchmark.Result result = EmTrainingBenchmark.run(rows, settings, iteration -> {
      err.printf(Locale.ROOT, "iteration %d/%d: %.3f s, mean log-likelihood at its start %.4f%n",
          iteration.number(), iterations, iteration.seconds(), iteration.meanLogLikelihood());
      err.flush();
    });
    PrintWriter out = spec.commandLine().getOut();
    out.println(new String(MessageJson.write(result), StandardCharsets.UTF_8));
    out.flush();
    return 0;
  }
}
