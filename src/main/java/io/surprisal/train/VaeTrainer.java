package io.surprisal.train;

import io.surprisal.event.BitVector;
import io.surprisal.model.ImportanceEstimate;
import io.surprisal.model.BinaryInputMlp;
import io.surprisal.model.RealInputMlp;
import io.surprisal.model.VaeModel;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fits a {@link VaeModel} by maximizing the IWAE bound with k draws per row ({@link IwaeObjective}):
 * Adam on minibatches, early stopping on a validation slice's IWAE estimate with S = the scoring
 * samples (the estimator the stream scores with), keeping the best epoch's parameters.
 *
 * <p>Encoder and decoder share the hidden width. Gradients are hand-derived batched products, like
 * {@link BinaryLatentTrainer}'s and for the same reasons; IwaeObjectiveTest checks them against
 * finite differences.
 */
public final class VaeTrainer implements ModelTrainer {
  private static final Logger log = LoggerFactory.getLogger(VaeTrainer.class);
  /** Validation rows per product: bounds the S·chunk×L decoder output (64 draws: 128 MB at L=784). */
  private static final int EVALUATION_CHUNK = 256;

  /**
   * Hyperparameters.
   *
   * @param latentDimension D, the Gaussian latent's dimension (default 8)
   * @param hiddenWidth H of the encoder's and the decoder's tanh layer (default 64)
   * @param iwaeSamples k, importance samples per row in the training bound; 1 is the ordinary ELBO
   *     (default 5)
   * @param scoringSamples S, importance samples per score and for validation (default 16)
   * @param learningRate Adam's step size (default 0.003)
   * @param maxEpochs passes over the training rows at most (default 100)
   * @param batchSize rows per gradient step (default 128)
   * @param patience stop after this many epochs without a better validation log-likelihood
   *     (default 5)
   * @param validationFraction share of the rows held out for early stopping (default 0.1)
   * @param seed drives the split, the start, the batch order and the draws; equal seeds give equal
   *     models
   */
  public record Settings(
      int latentDimension,
      int hiddenWidth,
      int iwaeSamples,
      int scoringSamples,
      double learningRate,
      int maxEpochs,
      int batchSize,
      int patience,
      double validationFraction,
      long seed) {

    public static Settings defaults() {
      return new Settings(8, 64, 5, 16, 0.003, 100, 128, 5, 0.1, 42L);
    }

    public Settings {
      requireAtLeast("latentDimension", latentDimension, 1);
      requireAtLeast("hiddenWidth", hiddenWidth, 1);
      requireAtLeast("iwaeSamples", iwaeSamples, 1);
      ImportanceEstimate.requireScoringSamples(scoringSamples);
      if (!(learningRate > 0 && Double.isFinite(learningRate))) {
        throw new IllegalArgumentException(
            "learningRate must be a finite value > 0, got " + learningRate);
      }
      requireAtLeast("maxEpochs", maxEpochs, 1);
      requireAtLeast("batchSize", batchSize, 1);
      requireAtLeast("patience", patience, 1);
      if (!(validationFraction > 0 && validationFraction < 1)) {
        throw new IllegalArgumentException(
            "validationFraction must be inside (0, 1), got " + validationFraction);
      }
    }

    public Settings withSeed(long newSeed) {
      return new Settings(latentDimension, hiddenWidth, iwaeSamples, scoringSamples, learningRate,
          maxEpochs, batchSize, patience, validationFraction, newSeed);
    }

    private static void requireAtLeast(String name, int value, int minimum) {
      if (value < minimum) {
        throw new IllegalArgumentException(name + " must be >= " + minimum + ", got " + value);
      }
    }
  }

  private final Settings settings;

  public VaeTrainer(Settings settings) {
    this.settings = settings;
  }

  public Settings settings() {
    return settings;
  }

  @Override
  public VaeModel fit(List<BitVector> rows) {
    if (rows.size() < 10) {
      throw new IllegalArgumentException("need at least 10 rows to fit a vae, got " + rows.size());
    }
    int dimension = rows.get(0).dimension();
    Random random = new Random(settings.seed());
    List<BitVector> shuffled = new ArrayList<>(rows);
    Collections.shuffle(shuffled, random);
    int validationSize = Math.max(1, (int) Math.round(rows.size() * settings.validationFraction()));
    List<BitVector> validation = shuffled.subList(0, validationSize);
    List<BitVector> training = new ArrayList<>(shuffled.subList(validationSize, shuffled.size()));

    IwaeObjective objective = new IwaeObjective();
    VaeParameters current = VaeParameters.initial(settings.latentDimension(),
        settings.hiddenWidth(), BinaryMatrix.bitMeans(training, dimension), random);
    Adam adam = new Adam(settings.learningRate(), current.all());
    VaeParameters best = current.dup();
    double bestValidation = Double.NEGATIVE_INFINITY;
    int sinceBest = 0;
    for (int epoch = 1; epoch <= settings.maxEpochs() && sinceBest < settings.patience(); epoch++) {
      long started = System.nanoTime();
      Collections.shuffle(training, random);
      double trainSum = 0;
      for (int from = 0; from < training.size(); from += settings.batchSize()) {
        List<BitVector> batch =
            training.subList(from, Math.min(training.size(), from + settings.batchSize()));
        try (MemoryWorkspace ignored = TrainingMemory.step("vae-step")) {
          IwaeObjective.Evaluation step = objective.evaluate(BinaryMatrix.of(batch, dimension),
              current, normals(settings.iwaeSamples() * batch.size(), random), true);
          trainSum += step.meanBound() * batch.size();
          adam.ascend(current.all(), step.gradient().all());
        }
      }
      double validationMean = meanBound(objective, validation, current, dimension,
          settings.scoringSamples(), new Random(settings.seed() + 1));
      if (validationMean > bestValidation) {
        bestValidation = validationMean;
        best = current.dup();
        sinceBest = 0;
      } else {
        // As in BinaryLatentTrainer: halving the step after an epoch without progress settles
        // Adam's minibatch noise near the optimum instead of stopping on it.
        sinceBest++;
        adam.scaleLearningRate(0.5);
      }
      log.info(
          "vae D={} H={} k={} epoch {}: train IWAE bound {}, validation (S={}) {} (best {}), {} ms",
          settings.latentDimension(), settings.hiddenWidth(), settings.iwaeSamples(), epoch,
          String.format("%.4f", trainSum / training.size()), settings.scoringSamples(),
          String.format("%.4f", validationMean), String.format("%.4f", bestValidation),
          (System.nanoTime() - started) / 1_000_000);
    }
    return toModel(best, dimension, settings.scoringSamples());
  }

  /**
   * The mean IWAE estimate with {@code draws} samples per row over {@code rows}, in chunks;
   * {@code random} gives the draws, so equal seeds give equal values.
   */
  static double meanBound(IwaeObjective objective, List<BitVector> rows, VaeParameters p,
      int dimension, int draws, Random random) {
    double sum = 0;
    for (int from = 0; from < rows.size(); from += EVALUATION_CHUNK) {
      List<BitVector> chunk = rows.subList(from, Math.min(rows.size(), from + EVALUATION_CHUNK));
      try (MemoryWorkspace ignored = TrainingMemory.step("vae-validation")) {
        sum += objective.evaluate(BinaryMatrix.of(chunk, dimension), p,
            normals(draws * chunk.size(), p.latent(), random), false).meanBound() * chunk.size();
      }
    }
    return sum / rows.size();
  }

  /** count×D standard normal draws from the trainer's seeded stream. */
  private INDArray normals(int count, Random random) {
    return normals(count, settings.latentDimension(), random);
  }

  private static INDArray normals(int count, int latent, Random random) {
    double[] values = new double[count * latent];
    for (int i = 0; i < values.length; i++) values[i] = random.nextGaussian();
    return Nd4j.create(values, new long[] {count, latent}, 'c');
  }

  static VaeModel toModel(VaeParameters p, int dimension, int scoringSamples) {
    int latent = p.latent();
    int hidden = p.hidden();
    BinaryInputMlp encoder = BinaryInputMlp.of(dimension, hidden, 2 * latent,
        BinaryLatentTrainer.flat(p.v1()), BinaryLatentTrainer.flat(p.c1()),
        BinaryLatentTrainer.flat(Nd4j.hstack(p.vm(), p.vs())),
        BinaryLatentTrainer.flat(Nd4j.hstack(p.cm(), p.cs())));
    RealInputMlp decoder = RealInputMlp.of(latent, hidden, dimension,
        BinaryLatentTrainer.flat(p.u1()), BinaryLatentTrainer.flat(p.b1()),
        BinaryLatentTrainer.flat(p.u2()), BinaryLatentTrainer.flat(p.b2()));
    return VaeModel.of(encoder, decoder, scoringSamples);
  }
}
