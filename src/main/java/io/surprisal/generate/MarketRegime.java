package io.surprisal.generate;

import java.util.Arrays;

/**
 * A hidden market regime: for every instrument, the probability that it goes up in one interval.
 * Given the regime, instruments move independently; instruments of one sector share a direction,
 * which is what makes them move together across regimes.
 *
 * @param name "bull", "bear", "rotation-1", ... for the known regimes, "novel-1", ... for the
 *     regimes the generator invents during a run
 * @param upProbabilities per instrument, each inside (0, 1)
 */
public record MarketRegime(String name, double[] upProbabilities) {
  public MarketRegime {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("regime name must not be blank, got '" + name + "'");
    }
    upProbabilities = upProbabilities.clone();
    for (int i = 0; i < upProbabilities.length; i++) {
      double p = upProbabilities[i];
      if (!(p > 0 && p < 1)) {
        throw new IllegalArgumentException(
            "regime " + name + ": upProbabilities[" + i + "] must be inside (0, 1), got " + p);
      }
    }
  }

  public int instruments() {
    return upProbabilities.length;
  }

  @Override
  public double[] upProbabilities() {
    return upProbabilities.clone();
  }

  /** Read without copying, for the generator's per-event loop. */
  double upProbability(int instrument) {
    return upProbabilities[instrument];
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof MarketRegime r
        && name.equals(r.name) && Arrays.equals(upProbabilities, r.upProbabilities);
  }

  @Override
  public int hashCode() {
    return 31 * name.hashCode() + Arrays.hashCode(upProbabilities);
  }

  @Override
  public String toString() {
    return "MarketRegime[" + name + ", " + upProbabilities.length + " instruments]";
  }
}
