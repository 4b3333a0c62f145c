package io.surprisal.model;

import io.surprisal.event.BitVector;
import io.surprisal.event.FeatureContribution;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * A probability model over binary vectors x ∈ {0,1}^L. Implementations are immutable and safe to
 * share between stream threads: scoring reads, never writes.
 */
public interface DensityModel {

  /** The model family's name as it appears in configuration and model info, e.g. "mixture". */
  String kind();

  /** L, the number of bits every scored vector must have. */
  int dimension();

  /** log p(x) in nats. */
  double logLikelihood(BitVector x);

  /**
   * The most probable latent state given x and its posterior probability, or null when the model
   * cannot give it (see each implementation).
   */
  default LatentSummary latent(BitVector x) {
    return null;
  }

  /**
   * log p(x) and {@link #latent(BitVector)} together. Models whose latent readout falls out of the
   * likelihood computation override this so the scoring path runs their kernel once per event.
   */
  default Scored score(BitVector x) {
    return new Scored(logLikelihood(x), latent(x));
  }

  /**
   * {@link #score(BitVector)} for a caller that will alert when the detection score is below
   * {@code threshold}: a model that estimates log p(x) by sampling may stop drawing once the
   * decision is clear ({@link Scored#samples()} says how many it drew). The decision stays the
   * caller's, from the returned score. The threshold must be the one the score is compared with,
   * or the estimate may stop on the wrong side of the real one; NaN means none is known, as
   * {@link #score(BitVector)}. Models that do not sample ignore it, as this default does.
   */
  default Scored score(BitVector x, double threshold) {
    return score(x);
  }

  /** The {@code count} bits whose observed values are least probable under the model, lowest first. */
  List<FeatureContribution> explain(BitVector x, int count);

  /** Draws one vector from the model. */
  BitVector sample(RandomGenerator random);
}
