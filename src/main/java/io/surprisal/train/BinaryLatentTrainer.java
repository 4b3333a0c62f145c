package io.surprisal.train;

import io.surprisal.event.BitVector;
import io.surprisal.model.ImportanceEstimate;
import io.surprisal.model.BinaryInputMlp;
import io.surprisal.model.BinaryLatentModel;
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
 * Fits a {@link BinaryLatentModel} by maximum likelihood with the exact posterior over all 2^K codes
 * ({@link ExactPosteriorObjective}): Adam on minibatches, early stopping on a validation slice's
 * exact mean log-likelihood, keeping the best epoch's parameters. The inference network is fitted
 * alongside, to the exact posterior marginals, so the model can also score by importance sampling.
 *
 * <p>Gradients are hand-derived batched products rather than a SameDiff graph: the whole step is a
 * dozen F-order gemms over the 2^K codes and the minibatch, and the derivation is short enough to
 * keep checked against finite differences (ExactPosteriorObjectiveTest). Measured on the 2-core
 * build machine, one step on 256 rows with H = 32: SameDiff (decoder and prior only) 52–65 ms
 * against 23–29 ms hand-derived (encoder included) at K = 6, L = 64, and 91–160 ms against 42–70
 * ms at K = 8, L = 784; both agree to 1e-15. SameDiff's own logSumExp cannot be differentiated in
 * 1.0.0-M2.1 (its reduce_sum_bp loses the reduction dimensions), one more reason to stay by hand. Like EM for mixtures, the
 * ascent can stall in a local optimum: on a sharp generating model (first-layer weights N(0, 3²))
 * the fit ended 1.4–1.7% below the truth's held-out log-likelihood for every step size, batch size,
 * width and K = 6 or 8 tried; restarts are the obvious remedy and are not implemented yet.
 *
 * <p>Above the enumeration limit the 2^K codes cannot be summed, and the trainer switches to
 * reweighted wake-sleep ({@link ReweightedWakeSleepObjective}, which says why RWS and not VIMCO):
 * the same loop, Adam and early stopping, on the importance-weighted bound.
 */
public final class BinaryLatentTrainer implements ModelTrainer {
  private static final Logger log = LoggerFactory.getLogger(BinaryLatentTrainer.class);
  /** Validation rows per product: bounds the N×2^K posterior at 2,048·4,096 doubles (64 MB). */
  private static final int EVALUATION_CHUNK = 2048;
  /** Sampled validation: S·chunk×L decoder outputs, 64·128×784 doubles (51 MB) at most defaults. */
  private static final int SAMPLED_EVALUATION_CHUNK = 128;
  /**
   * k, codes drawn per row in a reweighted wake-sleep step. Bornschein and Bengio (2015) found most
   * of the gain by k = 5 and little past 10; the step's cost grows linearly with k.
   */
  static final int TRAINING_SAMPLES = 5;
  /** The most tanh layers a network may have: the model codec's bound, kept here in one place. */
  public static final int MAX_HIDDEN_LAYERS = BinaryInputMlp.MAX_HIDDEN_LAYERS;

  /**
   * Hyperparameters.
   *
   * @param latentBits K, the latent code's bits (default 64: above the enumeration limit, so
   *     trained by reweighted wake-sleep and scored by importance sampling; see defaults())
   * @param hiddenWidth H of the decoder's and the inference network's tanh layers; 0 makes both
   *     affine, the decoder σ(W·z + b) (default 128)
   * @param hiddenLayers tanh layers of width H in each network, 1..{@value #MAX_HIDDEN_LAYERS}
   *     (default 1)
   * @param learningRate Adam's step size (default 0.01)
   * @param maxEpochs passes over the training rows at most (default 100)
   * @param batchSize rows per gradient step (default 256)
   * @param patience stop after this many epochs without a validation log-likelihood better by
   *     more than {@link #MIN_RELATIVE_GAIN} of its size (default 5)
   * @param validationFraction share of the rows held out for early stopping (default 0.1)
   * @param enumerationLimit the model scores exactly when K is at most this, 0..16 (default 12)
   * @param scoringSamples importance samples per score when K is above the limit (default 64)
   * @param seed drives the split, the start and the batch order; equal seeds give equal models
   */
  public record Settings(
      int latentBits,
      int hiddenWidth,
      int hiddenLayers,
      double learningRate,
      int maxEpochs,
      int batchSize,
      int patience,
      double validationFraction,
      int enumerationLimit,
      int scoringSamples,
      long seed) {

    /**
     * K = 64, H = 128, one tanh layer. Chosen on binarized Fashion-MNIST (docs/density.md and
     * docs/models.md): K = 10, H = 64 (exact) reached −156 nats on the 60,000 training images,
     * 64 latent bits with H = 128 reach the VAE's default. On 10,000 images a second tanh layer
     * learned more slowly at the same width (validation −156 against −149 after 21 epochs), and
     * k = 10 training draws per row instead of {@value #TRAINING_SAMPLES} gained 2.5 nats for
     * about 1.3 times the fit: the next candidate, not yet measured on all 60,000.
     */
    public static Settings defaults() {
      return new Settings(64, 128, 1, 0.01, 100, 256, 5, 0.1, 12, 64, 42L);
    }

    public Settings {
      requireAtLeast("latentBits", latentBits, 1);
      requireAtLeast("hiddenWidth", hiddenWidth, 0);
      if (hiddenLayers < 1 || hiddenLayers > MAX_HIDDEN_LAYERS) {
        throw new IllegalArgumentException(
            "hiddenLayers must be in 1.." + MAX_HIDDEN_LAYERS + ", got " + hiddenLayers);
      }
      if (!(learningRate > 0 && Double.isFinite(learningRate))) {
        throw new IllegalArgumentException("learningRate must be a finite value > 0, got "
            + learningRate);
      }
      requireAtLeast("maxEpochs", maxEpochs, 1);
      requireAtLeast("batchSize", batchSize, 1);
      requireAtLeast("patience", patience, 1);
      if (!(validationFraction > 0 && validationFraction < 1)) {
        throw new IllegalArgumentException(
            "validationFraction must be inside (0, 1), got " + validationFraction);
      }
      if (enumerationLimit < 0 || enumerationLimit > BinaryLatentModel.MAX_ENUMERATION_LIMIT) {
        throw new IllegalArgumentException(
            "enumerationLimit must be in 0.." + BinaryLatentModel.MAX_ENUMERATION_LIMIT + ", got "
                + enumerationLimit);
      }
      ImportanceEstimate.requireScoringSamples(scoringSamples);
    }

    public Settings withSeed(long newSeed) {
      return new Settings(latentBits, hiddenWidth, hiddenLayers, learningRate, maxEpochs,
          batchSize, patience, validationFraction, enumerationLimit, scoringSamples, newSeed);
    }

    private static void requireAtLeast(String name, int value, int minimum) {
      if (value < minimum) {
        throw new IllegalArgumentException(name + " must be >= " + minimum + ", got " + value);
      }
    }
  }

  private final Settings settings;

  public BinaryLatentTrainer(Settings settings) {
    this.settings = settings;
  }

  public Settings settings() {
    return settings;
  }

  @Override
  public BinaryLatentModel fit(List<BitVector> rows) {
    if (rows.size() < 10) {
      throw new IllegalArgumentException(
          "need at least 10 rows to fit a binary-latent model, got " + rows.size());
    }
    int dimension = rows.get(0).dimension();
    Random random = new Random(settings.seed());
    List<BitVector> shuffled = new ArrayList<>(rows);
    Collections.shuffle(shuffled, random);
    int validationSize = Math.max(1, (int) Math.round(rows.size() * settings.validationFraction()));
    boolean exact = settings.latentBits() <= settings.enumerationLimit();
    List<INDArray> validation = chunks(shuffled.subList(0, validationSize), dimension,
        exact ? EVALUATION_CHUNK : SAMPLED_EVALUATION_CHUNK);
    List<BitVector> training = new ArrayList<>(shuffled.subList(validationSize, shuffled.size()));

    Objective objective = exact ? exact(settings.latentBits()) : reweightedWakeSleep();
    BinaryLatentParameters current =
        BinaryLatentParameters.initial(settings.latentBits(), settings.hiddenWidth(),
            settings.hiddenLayers(), bitMeans(training, dimension), random);
    Adam adam = new Adam(settings.learningRate(), current.all());
    BinaryLatentParameters best = current.dup();
    double bestValidation = Double.NEGATIVE_INFINITY;
    int sinceBest = 0;
    for (int epoch = 1; epoch <= settings.maxEpochs() && sinceBest < settings.patience(); epoch++) {
      long started = System.nanoTime();
      Collections.shuffle(training, random);
      double trainSum = 0;
      for (int from = 0; from < training.size(); from += settings.batchSize()) {
        List<BitVector> batch =
            training.subList(from, Math.min(training.size(), from + settings.batchSize()));
        try (MemoryWorkspace ignored = stepWorkspace("binary-latent-step")) {
          Step step = objective.step(BinaryMatrix.of(batch, dimension), current, random);
          trainSum += step.value() * batch.size();
          adam.ascend(current.all(), step.gradient().all());
        }
      }
      // The same draws every epoch (sampled case), so epochs are compared on equal terms.
      double validationMean = meanLogLikelihood(
          objective, validation, current, validationSize, new Random(settings.seed() + 1));
      // Patience counts epochs without a gain worth an epoch: once the halved steps below have
      // settled the fit, validation still creeps up by thousandths of a nat, and on Fashion-MNIST
      // (K = 64, H = 128) that creep would take the fit from 42 epochs to the cap of 100 for about 0.05
      // nats. The best parameters are kept whatever the size of the gain.
      if (isClearGain(validationMean, bestValidation)) {
        sinceBest = 0;
      } else {
        sinceBest++;
      }
      if (validationMean > bestValidation) {
        bestValidation = validationMean;
        best = current.dup();
      } else {
        // Adam's minibatch noise at a fixed step makes validation wander near the optimum; halving
        // the step after each epoch without progress settles it instead of stopping on noise.
        adam.scaleLearningRate(0.5);
      }
      log.info(
          "binary-latent K={} H={}{} epoch {}: train mean {} {}, validation {} (best {}), {} ms",
          settings.latentBits(), settings.hiddenWidth(),
          settings.hiddenLayers() > 1 ? "x" + settings.hiddenLayers() : "", epoch,
          exact ? "log-likelihood" : "IWAE bound (k=" + TRAINING_SAMPLES + ")",
          String.format("%.4f", trainSum / training.size()), String.format("%.4f", validationMean),
          String.format("%.4f", bestValidation), (System.nanoTime() - started) / 1_000_000);
    }
    return toModel(best, dimension);
  }

  /** Relative gain of validation log-likelihood below which an epoch does not reset patience. */
  static final double MIN_RELATIVE_GAIN = 1e-4;

  /** Whether {@code value} beats {@code best} by more than {@link #MIN_RELATIVE_GAIN} of |best|. */
  static boolean isClearGain(double value, double best) {
    if (best == Double.NEGATIVE_INFINITY) return value > best;
    return value - best > MIN_RELATIVE_GAIN * Math.abs(best);
  }

  private static double meanLogLikelihood(Objective objective, List<INDArray> chunks,
      BinaryLatentParameters p, int n, Random random) {
    double sum = 0;
    for (INDArray chunk : chunks) {
      try (MemoryWorkspace ignored = stepWorkspace("binary-latent-validation")) {
        sum += objective.mean(chunk, p, random) * chunk.rows();
      }
    }
    return sum / n;
  }

  /** A minibatch's value (mean log-likelihood or its bound) and the update direction. */
  private record Step(double value, BinaryLatentParameters gradient) {}

  /** How one kind of training evaluates a minibatch and a validation chunk. */
  private interface Objective {
    Step step(INDArray x, BinaryLatentParameters p, Random random);

    double mean(INDArray x, BinaryLatentParameters p, Random random);
  }

  private static Objective exact(int latent) {
    ExactPosteriorObjective objective = new ExactPosteriorObjective(latent);
    return new Objective() {
      @Override
      public Step step(INDArray x, BinaryLatentParameters p, Random random) {
        ExactPosteriorObjective.Evaluation e = objective.evaluate(x, p);
        return new Step(e.meanLogLikelihood(), e.gradient());
      }

      @Override
      public double mean(INDArray x, BinaryLatentParameters p, Random random) {
        return objective.meanLogLikelihood(x, p);
      }
    };
  }

  /**
   * Above the enumeration limit: {@link ReweightedWakeSleepObjective} with k = {@value
   * #TRAINING_SAMPLES} draws per row, validated on the IWAE estimate with S = scoring samples, the
   * estimator the model scores with.
   */
  private Objective reweightedWakeSleep() {
    ReweightedWakeSleepObjective objective = new ReweightedWakeSleepObjective();
    int latent = settings.latentBits();
    int scoring = settings.scoringSamples();
    return new Objective() {
      @Override
      public Step step(INDArray x, BinaryLatentParameters p, Random random) {
        ReweightedWakeSleepObjective.Evaluation e =
            objective.evaluate(x, p, uniforms(TRAINING_SAMPLES * (int) x.rows(), latent, random));
        return new Step(e.meanBound(), e.gradient());
      }

      @Override
      public double mean(INDArray x, BinaryLatentParameters p, Random random) {
        return objective.evaluate(x, p, uniforms(scoring * (int) x.rows(), latent, random))
            .meanBound();
      }
    };
  }

  private static INDArray uniforms(int count, int latent, Random random) {
    double[] values = new double[count * latent];
    for (int i = 0; i < values.length; i++) values[i] = random.nextDouble();
    return Nd4j.create(values, new long[] {count, latent}, 'c');
  }

  /** Every step's temporaries (about 50 MB at K = 10, L = 784) live in one reused workspace. */
  private static MemoryWorkspace stepWorkspace(String name) {
    return TrainingMemory.step(name);
  }

  private static List<INDArray> chunks(List<BitVector> rows, int dimension, int size) {
    List<INDArray> chunks = new ArrayList<>();
    for (int from = 0; from < rows.size(); from += size) {
      chunks.add(
          BinaryMatrix.of(rows.subList(from, Math.min(rows.size(), from + size)), dimension));
    }
    return chunks;
  }

  private static double[] bitMeans(List<BitVector> rows, int dimension) {
    double[] means = new double[dimension];
    for (BitVector row : rows) {
      if (row.dimension() != dimension) {
        throw new IllegalArgumentException(
            "rows must all have dimension " + dimension + ", got " + row.dimension());
      }
      for (int i = 0, n = row.activeCount(); i < n; i++) means[row.activeIndex(i)]++;
    }
    for (int d = 0; d < dimension; d++) means[d] /= rows.size();
    return means;
  }

  BinaryLatentModel toModel(BinaryLatentParameters p, int dimension) {
    return BinaryLatentModel.of(flat(p.eta()), mlp(p.decoder()), mlp(p.encoder()),
        settings.enumerationLimit(), settings.scoringSamples());
  }

  /** The scoring form of a trained network: its first layer reads bits, the rest dense. */
  private static BinaryInputMlp mlp(TanhNetwork network) {
    List<INDArray> w = network.weights();
    List<INDArray> b = network.biases();
    int layers = network.hiddenLayers();
    int inputs = (int) w.get(0).rows();
    int outputs = (int) w.get(layers).columns();
    if (layers == 0) {
      return BinaryInputMlp.of(inputs, 0, outputs, new double[0], new double[0], flat(w.get(0)),
          flat(b.get(0)));
    }
    double[][] middleWeights = new double[layers - 1][];
    double[][] middleBiases = new double[layers - 1][];
    for (int l = 1; l < layers; l++) {
      middleWeights[l - 1] = flat(w.get(l));
      middleBiases[l - 1] = flat(b.get(l));
    }
    return BinaryInputMlp.of(inputs, network.hiddenWidth(), outputs, flat(w.get(0)),
        flat(b.get(0)), middleWeights, middleBiases, flat(w.get(layers)), flat(b.get(layers)));
  }

  /** Row-major values of a matrix (input-major for the weights), empty for an absent layer. */
  static double[] flat(INDArray a) {
    if (a == null) return new double[0];
    double[][] rows = a.toDoubleMatrix();
    int columns = (int) a.columns();
    double[] values = new double[rows.length * columns];
    for (int r = 0; r < rows.length; r++) System.arraycopy(rows[r], 0, values, r * columns, columns);
    return values;
  }
}
