package io.surprisal.model;

/**
 * What the trainer publishes and every scorer uses: a model with its version, calibration and
 * provenance. Versions increase by one with each accepted fit.
 *
 * @param trainedAt epoch milliseconds when the fit finished
 * @param windowSize how many events the training window held for this fit
 * @param holdoutMeanLogLikelihood the model's mean log p(x) on its holdout (nats)
 */
public record PublishedModel(
    long version,
    long trainedAt,
    int windowSize,
    double holdoutMeanLogLikelihood,
    Calibration calibration,
    DensityModel model) {

  public PublishedModel {
    if (version < 1) {
      throw new IllegalArgumentException("version must be >= 1, got " + version);
    }
    if (!Double.isFinite(holdoutMeanLogLikelihood)) {
      throw new IllegalArgumentException(
          "holdoutMeanLogLikelihood must be finite, got " + holdoutMeanLogLikelihood);
    }
  }

  public PublishedModel withVersion(long newVersion) {
    return new PublishedModel(
        newVersion, trainedAt, windowSize, holdoutMeanLogLikelihood, calibration, model);
  }
}
