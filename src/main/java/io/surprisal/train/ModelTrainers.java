package io.surprisal.train;

import io.surprisal.model.BernoulliMixture;
import io.surprisal.model.BinaryLatentModel;
import io.surprisal.model.VaeModel;
import java.util.List;

/**
 * The one place that maps a model kind to its trainer, for the stream (surprisal.model.kind) and
 * the offline commands (--model) alike; a new kind adds its name to {@link #KINDS} and a case here.
 */
public final class ModelTrainers {
  /** Every kind a trainer exists for, in the order documentation lists them. */
  public static final List<String> KINDS =
      List.of(BernoulliMixture.KIND, BinaryLatentModel.KIND, VaeModel.KIND);

  private ModelTrainers() {}

  /**
   * The trainer of {@code kind} with that kind's settings; the other kinds' settings are ignored and
   * may be null.
   *
   * @throws IllegalArgumentException when the kind is unknown, naming the known ones
   */
  public static ModelTrainer create(String kind, BernoulliMixtureTrainer.Settings mixture,
      BinaryLatentTrainer.Settings binaryLatent, VaeTrainer.Settings vae) {
    return switch (kind) {
      case BernoulliMixture.KIND -> new BernoulliMixtureTrainer(mixture);
      case BinaryLatentModel.KIND -> new BinaryLatentTrainer(binaryLatent);
      case VaeModel.KIND -> new VaeTrainer(vae);
      default -> throw new IllegalArgumentException(
          "model kind must be one of " + String.join(", ", KINDS) + ", got '" + kind + "'");
    };
  }
}
