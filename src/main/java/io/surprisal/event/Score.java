package io.surprisal.event;

/**
 * The outcome for one valid event, written to the scores topic. Before the first model is live an
 * event is still reported, with {@code scored = false} and the numeric fields null, so no event is
 * dropped silently. {@code latent} is null when unscored or when the model gives no readout. Wire form: schemas/score.schema.json.
 */
public record Score(
    String id,
    String key,
    Long timestamp,
    boolean scored,
    Double logLikelihood,
    Double threshold,
    Double percentile,
    boolean alert,
    Long modelVersion,
    Latent latent) {

  public static Score unscored(String id, String key, Long timestamp) {
    return new Score(id, key, timestamp, false, null, null, null, false, null, null);
  }
}
