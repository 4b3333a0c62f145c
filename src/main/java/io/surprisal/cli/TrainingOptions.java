package io.surprisal.cli;

import io.surprisal.model.BernoulliMixture;
import io.surprisal.train.AcceptanceGate;
import io.surprisal.train.BernoulliMixtureTrainer;
import io.surprisal.train.Calibrator;
import io.surprisal.train.ModelTrainer;
import io.surprisal.train.Nd4jRuntime;
import io.surprisal.train.TrainingPipeline;
import java.time.Clock;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * The offline commands' training settings, shared by {@code train} and {@code evaluate}. Defaults
 * are the detector's (README, Configuration), so an offline fit is the fit the stream would make.
 */
final class TrainingOptions {
  /** The model kinds {@link #trainer()} can build; a new kind adds its name here and a case there. */
  static final List<String> MODEL_KINDS = List.of(BernoulliMixture.KIND);

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

  @Option(names = "--outlier-fence", paramLabel = "SIGMAS", defaultValue = "6",
      description = "Calibration's contamination fence in robust standard deviations; 0 keeps all "
          + "(default: ${DEFAULT-VALUE}).")
  double outlierFence;

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

  @Option(names = "--training-threads", paramLabel = "N", defaultValue = "1",
      description = "Threads ND4J may use for fitting (default: ${DEFAULT-VALUE}).")
  int trainingThreads;

  /** The stream's training round with these settings; the gate has no live model to compare. */
  TrainingPipeline pipeline() {
    ModelTrainer trainer = trainer();
    Nd4jRuntime.limitThreads(trainingThreads);
    return new TrainingPipeline(
        trainer,
        new Calibrator(alertRate, outlierFence),
        new AcceptanceGate(0),
        holdoutFraction,
        seed,
        Clock.systemUTC());
  }

  /** The trainer for {@code --model}: one case per kind. */
  ModelTrainer trainer() {
    return switch (model) {
      case BernoulliMixture.KIND -> new BernoulliMixtureTrainer(mixtureSettings());
      default -> throw new IllegalArgumentException(
          "--model must be one of " + String.join(", ", MODEL_KINDS) + ", got '" + model + "'");
    };
  }

  private BernoulliMixtureTrainer.Settings mixtureSettings() {
    BernoulliMixtureTrainer.Settings defaults = BernoulliMixtureTrainer.Settings.defaults();
    return new BernoulliMixtureTrainer.Settings(
        components, restarts, maxIterations, defaults.tolerance(), prior,
        defaults.validationFraction(), seed);
  }

  /** For picocli's help text. */
  static final class ModelKindCandidates implements Iterable<String> {
    @Override
    public java.util.Iterator<String> iterator() {
      return MODEL_KINDS.iterator();
    }
  }
}
