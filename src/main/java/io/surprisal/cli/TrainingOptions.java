package io.surprisal.cli;

import io.surprisal.model.BernoulliMixture;
import io.surprisal.model.BinaryLatentModel;
import io.surprisal.model.VaeModel;
import io.surprisal.train.AcceptanceGate;
import io.surprisal.train.BernoulliMixtureTrainer;
import io.surprisal.train.BinaryLatentTrainer;
import io.surprisal.train.Calibrator;
import io.surprisal.train.DetectionScore;
import io.surprisal.train.ModelTrainer;
import io.surprisal.train.ModelTrainers;
import io.surprisal.train.Nd4jRuntime;
import io.surprisal.train.TrainingPipeline;
import io.surprisal.train.VaeTrainer;
import java.time.Clock;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * The offline commands' training settings, shared by {@code train} and {@code evaluate}. Defaults
 * are the detector's (docs/configuration.md), so an offline fit is the fit the stream would make.
 */
final class TrainingOptions {
  /** The model kinds {@link #trainer()} can build: those of {@link ModelTrainers}. */
  static final List<String> MODEL_KINDS = ModelTrainers.KINDS;

  @Option(names = "--model", paramLabel = "KIND", defaultValue = BernoulliMixture.KIND,
      description = "Model kind: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).",
      completionCandidates = ModelKindCandidates.class)
  String model;

  @Option(names = "--seed", paramLabel = "N", defaultValue = "42",
      description = "Seeds --split-fraction's split, the shuffle of the rows fitted on and the EM "
          + "starts (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--alert-rate", paramLabel = "Q", defaultValue = "0.001",
      description = "q: the target alert rate on normal rows (default: ${DEFAULT-VALUE}).")
  double alertRate;

  @Option(names = "--holdout-fraction", paramLabel = "F", defaultValue = "0.2",
      description = "Share of the training rows, the newest in file order, held out for calibration "
          + "and the gate, as in the stream (default: ${DEFAULT-VALUE}).")
  double holdoutFraction;

  @Option(names = "--max-contamination", paramLabel = "SHARE", defaultValue = "0.02",
      description = "Largest share of the holdout calibration may leave out as far-out "
          + "contamination, 0..0.05; 0 keeps all (default: ${DEFAULT-VALUE}).")
  double maxContamination;

  @Option(names = "--score", paramLabel = "SCORE", defaultValue = "ensemble",
      description = "What the threshold is set on: likelihood (the model's log p(x)) or ensemble "
          + "(the model's complexity-corrected log p(x), independent bits and a dependency tree, "
          + "their holdout p-values combined); "
          + "default: ${DEFAULT-VALUE}.")
  String score;

  @Option(names = "--components", paramLabel = "K", split = ",", defaultValue = "1,2,4,8,16,32",
      description = "Mixture: candidate K, ascending (default: ${DEFAULT-VALUE}).")
  List<Integer> components;

  @Option(names = "--restarts", paramLabel = "N", defaultValue = "3",
      description = "Mixture: EM runs per K (default: ${DEFAULT-VALUE}).")
  int restarts;

  @Option(names = "--max-iterations", paramLabel = "N", defaultValue = "200",
      description = "Mixture: EM iterations per run at most (default: ${DEFAULT-VALUE}).")
  int maxIterations;

  @Option(names = "--prior", paramLabel = "ALPHA", defaultValue = "1.0",
      description = "Mixture: α of the Beta(1+α, 1+α) smoothing (default: ${DEFAULT-VALUE}).")
  double prior;

  @Option(names = "--trim", paramLabel = "SHARE",
      description = "Mixture: share of the least likely training rows each EM step leaves out,"
          + " 0..0.2 (default: the detector's surprisal.mixture.trim, "
          + BernoulliMixtureTrainer.Settings.DEFAULT_TRIM + ").")
  Double trim;

  // The neural kinds' settings; unset ones take the kind's default (docs/configuration.md).
  @Option(names = "--latent-bits", paramLabel = "K",
      description = "Binary-latent: bits of the latent code (default: 64).")
  Integer latentBits;

  @Option(names = "--latent-dimension", paramLabel = "D",
      description = "VAE: dimension of the Gaussian latent (default: 8).")
  Integer latentDimension;

  @Option(names = "--hidden-width", paramLabel = "H",
      description = "Binary-latent and VAE: width of the networks' tanh layers (default: 128 for "
          + "binary-latent, 64 for vae).")
  Integer hiddenWidth;

  @Option(names = "--hidden-layers", paramLabel = "N",
      description = "Binary-latent: tanh layers of width H in the decoder and in the inference "
          + "network (default: 1).")
  Integer hiddenLayers;

  @Option(names = "--iwae-samples", paramLabel = "K",
      description = "VAE: importance samples per row in the training bound (default: 5).")
  Integer iwaeSamples;

  @Option(names = "--scoring-samples", paramLabel = "S",
      description = "Binary-latent above its enumeration limit and VAE: importance samples per "
          + "score (default: 64 for binary-latent, 16 for vae).")
  Integer scoringSamples;

  @Option(names = "--learning-rate", paramLabel = "RATE",
      description = "Binary-latent and VAE: Adam's step size (default: 0.01 for binary-latent, "
          + "0.003 for vae).")
  Double learningRate;

  @Option(names = "--max-epochs", paramLabel = "N",
      description = "Binary-latent and VAE: passes over the rows at most (default: 100).")
  Integer maxEpochs;

  @Option(names = "--batch-size", paramLabel = "N",
      description = "Binary-latent and VAE: rows per gradient step (default: 256 for "
          + "binary-latent, 128 for vae).")
  Integer batchSize;

  @Option(names = "--patience", paramLabel = "N",
      description = "Binary-latent and VAE: epochs without a better validation log-likelihood "
          + "before stopping (default: 5).")
  Integer patience;

  @Option(names = "--training-threads", paramLabel = "N", defaultValue = "1",
      description = "Threads ND4J may use for fitting (default: ${DEFAULT-VALUE}).")
  int trainingThreads;

  /** The stream's training round with these settings; the gate has no live model to compare. */
  TrainingPipeline pipeline() {
    ModelTrainer trainer = trainer();
    Nd4jRuntime.limitThreads(trainingThreads);
    return new TrainingPipeline(
        trainer,
        new Calibrator(alertRate, maxContamination),
        new AcceptanceGate(0),
        holdoutFraction,
        seed,
        Clock.systemUTC(),
        DetectionScore.ofLabel(score));
  }

  /** The trainer for {@code --model}, from the one factory the stream uses too. */
  ModelTrainer trainer() {
    requireKnownModel(model);
    // Only the chosen kind's settings are built: another kind's would validate options it ignores.
    return ModelTrainers.create(model,
        model.equals(BernoulliMixture.KIND) ? mixtureSettings() : null,
        model.equals(BinaryLatentModel.KIND) ? binaryLatentSettings() : null,
        model.equals(VaeModel.KIND) ? vaeSettings() : null);
  }

  /** Refuses a --model value no trainer exists for, naming the option and the known kinds. */
  static void requireKnownModel(String model) {
    if (!MODEL_KINDS.contains(model)) {
      throw new IllegalArgumentException(
          "--model must be one of " + String.join(", ", MODEL_KINDS) + ", got '" + model + "'");
    }
  }

  private BinaryLatentTrainer.Settings binaryLatentSettings() {
    BinaryLatentTrainer.Settings d = BinaryLatentTrainer.Settings.defaults();
    return new BinaryLatentTrainer.Settings(
        or(latentBits, d.latentBits()), or(hiddenWidth, d.hiddenWidth()),
        or(hiddenLayers, d.hiddenLayers()), or(learningRate, d.learningRate()),
        or(maxEpochs, d.maxEpochs()),
        or(batchSize, d.batchSize()), or(patience, d.patience()), d.validationFraction(),
        d.enumerationLimit(), or(scoringSamples, d.scoringSamples()), seed);
  }

  private VaeTrainer.Settings vaeSettings() {
    VaeTrainer.Settings d = VaeTrainer.Settings.defaults();
    return new VaeTrainer.Settings(
        or(latentDimension, d.latentDimension()), or(hiddenWidth, d.hiddenWidth()),
        or(iwaeSamples, d.iwaeSamples()), or(scoringSamples, d.scoringSamples()),
        or(learningRate, d.learningRate()), or(maxEpochs, d.maxEpochs()),
        or(batchSize, d.batchSize()), or(patience, d.patience()), d.validationFraction(), seed);
  }

  private static <T> T or(T value, T fallback) {
    return value != null ? value : fallback;
  }

  private BernoulliMixtureTrainer.Settings mixtureSettings() {
    BernoulliMixtureTrainer.Settings defaults = BernoulliMixtureTrainer.Settings.defaults();
    return new BernoulliMixtureTrainer.Settings(
        components, restarts, maxIterations, defaults.tolerance(), prior,
        defaults.validationFraction(), seed, trim == null ? defaults.trim() : trim);
  }

  /** For picocli's help text. */
  static final class ModelKindCandidates implements Iterable<String> {
    @Override
    public java.util.Iterator<String> iterator() {
      return MODEL_KINDS.iterator();
    }
  }
}
