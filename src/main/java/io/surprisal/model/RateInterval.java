package io.surprisal.model;

/**
 * Where the alert rate on normal traffic lies for a threshold: a central 90% interval (confidence
 * for the conformal rank, exact; posterior for a tail fit), or unknown (both NaN) for models
 * calibrated before it was recorded.
 */
public record RateInterval(double low, double high) {
  public static final RateInterval UNKNOWN = new RateInterval(Double.NaN, Double.NaN);

  public RateInterval {
    boolean unknown = Double.isNaN(low) && Double.isNaN(high);
    if (!unknown && !(low >= 0 && low <= high && high <= 1)) {
      throw new IllegalArgumentException(
          "alert rate interval must satisfy 0 <= low <= high <= 1 or be unknown (NaN, NaN), got ["
              + low + ", " + high + "]");
    }
  }

  public boolean known() {
    return !Double.isNaN(low);
  }
}
