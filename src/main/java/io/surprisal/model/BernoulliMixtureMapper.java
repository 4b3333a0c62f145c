package io.surprisal.model;

/** Converts a {@link BernoulliMixture} to its saved state and back, validating on the way in. */
public final class BernoulliMixtureMapper {
  private BernoulliMixtureMapper() {}

  public static BernoulliMixtureState toState(BernoulliMixture model) {
    return new BernoulliMixtureState(
        model.components(), model.dimension(), model.weights(), model.thetaFlat());
  }

  /** @throws IllegalArgumentException when the shapes disagree or a parameter is out of range */
  public static BernoulliMixture toModel(BernoulliMixtureState state) {
    if (state.weights().length != state.components()) {
      throw new IllegalArgumentException(
          "weights has " + state.weights().length + " values, expected " + state.components());
    }
    if ((long) state.components() * state.dimension() != state.theta().length) {
      throw new IllegalArgumentException(
          "theta has " + state.theta().length + " values, expected K·L = "
              + (long) state.components() * state.dimension());
    }
    return BernoulliMixture.ofFlat(
        state.components(), state.dimension(), state.weights().clone(), state.theta().clone());
  }
}
