package io.surprisal.model;

/**
 * A compact summary of the posterior p(z|x) over a model's latent variable: its most probable
 * state and that state's posterior probability.
 *
 * @param state the most probable latent state as text: a mixture component's index ("7"), or a
 *     binary code as K bits, bit j of z at position j ("01100000")
 * @param probability p(state|x), in [0, 1]
 */
public record LatentSummary(String state, double probability) {
  public LatentSummary {
    if (state == null) {
      throw new IllegalArgumentException("state must not be null");
    }
    if (!(probability >= 0 && probability <= 1)) {
      throw new IllegalArgumentException("probability must be in [0, 1], got " + probability);
    }
  }
}
