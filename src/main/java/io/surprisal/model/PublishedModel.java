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
  /**
   * The largest version, 2^53: the largest integer a JSON reader keeps exactly (scores carry
   * modelVersion), and far from the overflow of the trainer's next version, live + 1.
   */
  public static final long MAX_VERSION = 1L << 53;

  public PublishedModel {
    if (version < 1 || version > MAX_VERSION) {
      throw new IllegalArgumentException(
          "version must be in 1.." + MAX_VERSION + " (2^53), got " + version);
    }
    if (trainedAt < 0) {
      throw new IllegalArgumentException(
          "trainedAt must be >= 0 (epoch milliseconds), got " + trainedAt);
    }
    if (windowSize < 0) {
      throw new IllegalArgumentException("windowSize must be >= 0, got " + windowSize);
    }
    if (!Double.isFinite(holdoutMeanLogLikelihood)) {
      throw new IllegalArgumentException(
          "holdoutMeanLogLikelihood must be finite, got " + holdoutMeanLogLikelihood);
    }
  }

  /** The threshold as logs show it: in nats for log p(x), or marked as the ensemble's score. */
  public String thresholdText() {
    return String.format(java.util.Locale.ROOT, "%.3f", calibration.threshold())
        + (model instanceof EnsembleModel ? " (ensemble score)" : " nats");
  }

  public PublishedModel withVersion(long newVersion) {
    return new PublishedModel(
        newVersion, trainedAt, windowSize, holdoutMeanLogLikelihood, calibration, model);
  }
}
