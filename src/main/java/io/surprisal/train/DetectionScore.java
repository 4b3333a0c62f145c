package io.surprisal.train;

import java.util.Arrays;
import java.util.List;

/**
 * What the threshold and percentiles are computed on (surprisal.score): the model's log-likelihood,
 * or the model and two low-capacity companions combined ({@link io.surprisal.model.EnsembleModel}).
 */
public enum DetectionScore {
  LIKELIHOOD("likelihood"),
  ENSEMBLE("ensemble");

  /** What the threshold is set on unless surprisal.score says otherwise (docs/quality.md). */
  public static final DetectionScore DEFAULT = ENSEMBLE;

  private final String label;

  DetectionScore(String label) {
    this.label = label;
  }

  public String label() {
    return label;
  }

  public static List<String> labels() {
    return Arrays.stream(values()).map(DetectionScore::label).toList();
  }

  /** @throws IllegalArgumentException naming the accepted labels */
  public static DetectionScore ofLabel(String label) {
    for (DetectionScore score : values()) {
      if (score.label.equals(label)) return score;
    }
    throw new IllegalArgumentException(
        "score must be one of " + String.join(", ", labels()) + ", got '" + label + "'");
  }
}
