package io.surprisal.event;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * An event the live model found improbable: its detection score fell below the model's calibrated
 * threshold. Wire form: schemas/alert.schema.json.
 *
 * @param score the detection score the threshold refers to: log p(x), or under
 *     surprisal.score=ensemble the ensemble's combined score
 * @param percentile the share of the model's holdout with a score at or below this one; it reads
 *     as a p-value
 * @param topFeatures the bits that made the event improbable, most improbable first
 * @param latent the model's most probable latent state for the event, or null when it gives none
 */
public record Alert(
    String id,
    String key,
    Long timestamp,
    double logLikelihood,
    double score,
    double threshold,
    double percentile,
    long modelVersion,
    List<FeatureContribution> topFeatures,
    JsonNode attributes,
    Latent latent) {
  public Alert {
    topFeatures = List.copyOf(topFeatures);
  }

  /** An alert whose detection score is its log-likelihood (surprisal.score=likelihood). */
  public Alert(String id, String key, Long timestamp, double logLikelihood, double threshold,
      double percentile, long modelVersion, List<FeatureContribution> topFeatures,
      JsonNode attributes, Latent latent) {
    this(id, key, timestamp, logLikelihood, logLikelihood, threshold, percentile, modelVersion,
        topFeatures, attributes, latent);
  }

  public Alert withAttributes(JsonNode newAttributes) {
    return new Alert(id, key, timestamp, logLikelihood, score, threshold, percentile, modelVersion,
        topFeatures, newAttributes, latent);
  }
}
