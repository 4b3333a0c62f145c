package io.surprisal.model;

/**
 * What the per-event path needs from one pass of a model over x: log p(x) in nats, the posterior
 * summary of the latent (null where the model has none to give), and the detection score the
 * threshold and percentiles refer to: log p(x) itself for a single model, lower is more
 * surprising either way ({@link EnsembleModel} combines two).
 *
 * @param samples the importance samples drawn to estimate log p(x), or 0 when the model computed
 *     it without sampling
 */
public record Scored(double logLikelihood, LatentSummary latent, double score, int samples) {
  /** A single model's result, computed without sampling: its log-likelihood is its score. */
  public Scored(double logLikelihood, LatentSummary latent) {
    this(logLikelihood, latent, logLikelihood, 0);
  }

  /** A single model's result from {@code samples} importance samples. */
  public Scored(double logLikelihood, LatentSummary latent, int samples) {
    this(logLikelihood, latent, logLikelihood, samples);
  }
}
