package io.surprisal.model;

/**
 * A compact summary of the posterior p(z|x) over a model's latent variable. A discrete latent gives
 * its most probable state and that state's posterior probability, with {@code mean} null; a
 * continuous one (the VAE) gives the posterior mean, with {@code state} and {@code probability}
 * null.
 *
 * @param state the most probable latent state as text: a mixture component's index ("7"), or a
 *     binary code as K bits, bit j of z at position j ("01100000"); null for a continuous latent
 * @param probability p(state|x), in [0, 1]; null for a continuous latent
 * @param mean E[z|x] for a continuous latent (held, not copied: callers build it fresh), else null
 */
public record LatentSummary(String state, Double probability, double[] mean) {
  public LatentSummary {
    if (mean == null) {
      if (state == null) {
        throw new IllegalArgumentException("state must not be null for a discrete latent");
      }
      if (probability == null || !(probability >= 0 && probability <= 1)) {
        throw new IllegalArgumentException("probability must be in [0, 1], got " + probability);
      }
    } else if (state != null || probability != null) {
      throw new IllegalArgumentException(
          "a posterior mean readout has no state or probability, got " + state + ", " + probability);
    }
  }

  /** The readout of a discrete latent. */
  public LatentSummary(String state, double probability) {
    this(state, (Double) probability, null);
  }

  /** The readout of a continuous latent: its posterior mean. */
  public static LatentSummary posteriorMean(double[] mean) {
    for (int j = 0; j < mean.length; j++) {
      if (!Double.isFinite(mean[j])) {
        throw new IllegalArgumentException("mean[" + j + "] must be finite, got " + mean[j]);
      }
    }
    return new LatentSummary(null, null, mean);
  }
}
