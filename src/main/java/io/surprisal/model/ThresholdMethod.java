package io.surprisal.model;

/** How a model's alert threshold was set from its holdout; the code is its byte in a model record. */
public enum ThresholdMethod {
  /** The k-th smallest holdout log-likelihood, k = ⌊q(n+1)⌋ >= 1: split-conformal, exact. */
  CONFORMAL(1, "conformal"),
  /**
   * Extrapolated below the holdout by a generalized Pareto fit of its lower tail, because the
   * holdout is smaller than 1/q − 1 and the conformal rank would be 0.
   */
  TAIL_FIT(2, "tail-fit"),
  /**
   * The holdout's smallest value: neither a conformal rank nor a reliable tail fit was possible,
   * so normal traffic alerts at about 1/(n+1), above q.
   */
  HOLDOUT_MINIMUM(3, "holdout-minimum");

  private final int code;
  private final String label;

  ThresholdMethod(int code, String label) {
    this.code = code;
    this.label = label;
  }

  public int code() {
    return code;
  }

  /** Lowercase, as JSON and metric tags write it. */
  public String label() {
    return label;
  }

  /** @throws IllegalArgumentException for a code no method has */
  public static ThresholdMethod ofCode(int code) {
    for (ThresholdMethod method : values()) {
      if (method.code == code) return method;
    }
    throw new IllegalArgumentException("threshold method code must be 1, 2 or 3, got " + code);
  }
}
