package io.surprisal.model;

/**
 * What the per-event path needs from one pass of a model over x: log p(x) in nats, the posterior
 * summary of the latent (null where the model has none to give), and the detection score the
 * threshold and percentiles refer to: log p(x) itself for a single model, lower is more
 * surprising either way ({@link EnsembleModel} combines two).
 */
public record Scored(double logLikelihood, LatentSummary latent, double score) {
  /** A single model's result: its log-likelihood is its detection score. */
  public Scored(double logLikelihood, LatentSummary latent) {
    this(logLikelihood, latent, logLikelihood);
  }
}
