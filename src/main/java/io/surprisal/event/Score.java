package io.surprisal.event;

/**
 * The outcome for one valid event, written to the scores topic. Before the first model is live an
 * event is still reported, with {@code scored = false} and the numeric fields null, so no event is
 * dropped silently. {@code latent} is null when unscored or when the model gives no readout.
 * {@code score} is what {@code threshold} and {@code percentile} refer to: log p(x) itself, or under
 * surprisal.score=ensemble the ensemble's combined score. {@code samples} is how many importance
 * samples the model drew to estimate log p(x), null when it did not sample (or unscored). Wire
 * form: schemas/score.schema.json.
 */
public record Score(
    String id,
    String key,
    Long timestamp,
    boolean scored,
    Double logLikelihood,
    Double score,
    Double threshold,
    Double percentile,
    boolean alert,
    Long modelVersion,
    Latent latent,
    Integer samples) {

  /** A score from a model that does not sample. */
  public Score(String id, String key, Long timestamp, boolean scored, Double logLikelihood,
      Double score, Double threshold, Double percentile, boolean alert, Long modelVersion,
      Latent latent) {
    this(id, key, timestamp, scored, logLikelihood, score, threshold, percentile, alert,
        modelVersion, latent, null);
  }

  /** A score whose detection score is its log-likelihood (surprisal.score=likelihood). */
  public Score(String id, String key, Long timestamp, boolean scored, Double logLikelihood,
      Double threshold, Double percentile, boolean alert, Long modelVersion, Latent latent) {
    this(id, key, timestamp, scored, logLikelihood, logLikelihood, threshold, percentile, alert,
        modelVersion, latent);
  }

  public static Score unscored(String id, String key, Long timestamp) {
    return new Score(id, key, timestamp, false, null, null, null, null, false, null, null, null);
  }
}
