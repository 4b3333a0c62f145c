package io.surprisal.model;

/**
 * What the per-event path needs from one pass of a model over x: log p(x) in nats and the
 * posterior summary of the latent, which is null where the model has none to give.
 */
public record Scored(double logLikelihood, LatentSummary latent) {}
