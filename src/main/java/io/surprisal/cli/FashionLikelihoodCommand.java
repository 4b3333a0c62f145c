package io.surprisal.cli;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.surprisal.dataset.IdxImages;
import io.surprisal.event.BitVector;
import io.surprisal.event.MessageJson;
import io.surprisal.model.BinaryLatentModel;
import io.surprisal.model.DensityModel;
import io.surprisal.model.VaeModel;
import io.surprisal.train.ModelTrainer;
import io.surprisal.train.Nd4jRuntime;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Density estimation on binarized Fashion-MNIST: fit one model kind on the training images, report
 * the mean log-likelihood of the test images and the model's per-event scoring cost. This is the
 * benchmark that compares the kinds (docs/models.md, "Model kinds"); it uses the trainer alone,
 * without the stream's calibration, since no threshold is needed.
 */
@Command(name = "fashion-likelihood", mixinStandardHelpOptions = true,
    description = "Fit --model on the binarized training images of an IDX image set (Fashion-MNIST)"
        + " and print one JSON line: the mean test log-likelihood and scoring ns/event.")
final class FashionLikelihoodCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin TrainingOptions training;

  @Option(names = "--images-dir", defaultValue = "/usr/share/datasets/fashion-mnist",
      description = "Directory with train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz, "
          + "t10k-images-idx3-ubyte.gz and t10k-labels-idx1-ubyte.gz (default: ${DEFAULT-VALUE}, "
          + "from Debian's dataset-fashion-mnist).")
  Path directory;

  @Option(names = "--pixel-cut", defaultValue = "128",
      description = "Pixels at or above this value are 1 (default: ${DEFAULT-VALUE}).")
  int pixelCut;

  @Option(names = "--train-limit", paramLabel = "N", defaultValue = "60000",
      description = "Fit on the first N training images (default: all ${DEFAULT-VALUE}).")
  int trainLimit;

  @Option(names = "--evaluation-samples", paramLabel = "S", defaultValue = "1000",
      description = "VAE and binary-latent above its enumeration limit: importance samples per "
          + "test image for the reported log-likelihood (default: ${DEFAULT-VALUE}); the IWAE "
          + "estimate only tightens as S grows.")
  int evaluationSamples;

  @Option(names = "--timing-samples", paramLabel = "S", split = ",", defaultValue = "1,4,16",
      description = "VAE and binary-latent above its enumeration limit: importance samples per "
          + "score at which scoring cost is timed "
          + "(default: ${DEFAULT-VALUE}).")
  List<Integer> timingSamples;

  @Override
  public Integer call() throws IOException {
    PrintWriter err = spec.commandLine().getErr();
    ModelTrainer trainer = training.trainer(); // an unknown --model fails before the images load
    Nd4jRuntime.limitThreads(training.trainingThreads);
    IdxImages.Labelled train = IdxImages.read(directory.resolve("train-images-idx3-ubyte.gz"),
        directory.resolve("train-labels-idx1-ubyte.gz"), pixelCut);
    IdxImages.Labelled test = IdxImages.read(directory.resolve("t10k-images-idx3-ubyte.gz"),
        directory.resolve("t10k-labels-idx1-ubyte.gz"), pixelCut);
    List<BitVector> rows = train.images().subList(0, Math.min(trainLimit, train.images().size()));
    err.printf("Fitting %s on %,d training images of %d pixels%n", training.model, rows.size(),
        train.dimension());
    long started = System.nanoTime();
    DensityModel model = trainer.fit(rows);
    double fitSeconds = (System.nanoTime() - started) / 1e9;
    err.printf(Locale.ROOT, "Fitted %s in %.0f s; scoring %,d test images%n", model, fitSeconds,
        test.images().size());

    List<BitVector> images = test.images();
    double[] values = new double[images.size()];
    for (int i = 0; i < values.length; i++) values[i] = testLogLikelihood(model, images.get(i), i);
    double mean = Arrays.stream(values).average().orElseThrow();
    double sd = Math.sqrt(Arrays.stream(values).map(v -> (v - mean) * (v - mean)).sum()
        / (values.length - 1));

    ObjectNode result = JsonNodeFactory.instance.objectNode();
    result.put("model", training.model);
    result.put("description", model.toString());
    result.put("trainImages", rows.size());
    result.put("testImages", values.length);
    result.put("meanTestLogLikelihood", mean);
    result.put("standardErrorOfMean", sd / Math.sqrt(values.length));
    if (sampled(model) != null) result.put("evaluationSamples", evaluationSamples);
    result.put("fitSeconds", fitSeconds);
    result.set("scoringNanosPerEvent", scoringCost(model, images));
    PrintWriter out = spec.commandLine().getOut();
    out.println(new String(MessageJson.write(result), StandardCharsets.UTF_8));
    out.flush();
    return 0;
  }

  /**
   * Exact for the mixture and enumerable binary-latent models; otherwise the IWAE estimate with
   * --evaluation-samples draws, the same for the VAE and a sampled binary-latent model so that the
   * two kinds are compared on one estimator.
   */
  private double testLogLikelihood(DensityModel model, BitVector x, int index) {
    SampledEstimate sampled = sampled(model);
    if (sampled == null) return model.logLikelihood(x);
    return sampled.logLikelihood(x, evaluationSamples, new SplittableRandom(training.seed + index));
  }

  /** log p(x) estimated from a number of importance samples, as both sampled kinds offer it. */
  private interface SampledEstimate {
    double logLikelihood(BitVector x, int samples, SplittableRandom random);
  }

  /** The model's importance-sampling estimate, or null when its log p(x) is exact. */
  private static SampledEstimate sampled(DensityModel model) {
    if (model instanceof VaeModel vae) {
      return (x, samples, random) -> vae.estimate(x, samples, random).logLikelihood();
    }
    if (model instanceof BinaryLatentModel binaryLatent && !binaryLatent.isExact()) {
      return (x, samples, random) -> binaryLatent.estimate(x, samples, random).logLikelihood();
    }
    return null;
  }

  /**
   * Median ns per {@code score} call over 5 passes of the first 2,000 test images (after one pass of
   * warm-up); for a sampled model at each timing S (the estimate with S draws is what score runs
   * when every draw is needed).
   */
  private ObjectNode scoringCost(DensityModel model, List<BitVector> images) {
    List<BitVector> timed = images.subList(0, Math.min(2_000, images.size()));
    ObjectNode cost = JsonNodeFactory.instance.objectNode();
    SampledEstimate sampled = sampled(model);
    if (sampled != null) {
      for (int samples : timingSamples) {
        cost.put("S=" + samples, medianNanos(timed,
            x -> sampled.logLikelihood(x, samples, new SplittableRandom(x.activeCount()))));
      }
    } else {
      cost.put("exact", medianNanos(timed, x -> model.score(x).logLikelihood()));
    }
    return cost;
  }

  private static double medianNanos(
      List<BitVector> events, java.util.function.ToDoubleFunction<BitVector> scorer) {
    double sink = 0;
    for (BitVector x : events) sink += scorer.applyAsDouble(x); // warm-up
    double[] passes = new double[5];
    for (int p = 0; p < passes.length; p++) {
      long started = System.nanoTime();
      for (BitVector x : events) sink += scorer.applyAsDouble(x);
      passes[p] = (double) (System.nanoTime() - started) / events.size();
    }
    if (Double.isNaN(sink)) throw new IllegalStateException("a score was NaN");
    Arrays.sort(passes);
    return passes[passes.length / 2];
  }
}
