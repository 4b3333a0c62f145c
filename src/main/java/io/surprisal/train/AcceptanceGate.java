package io.surprisal.train;

import io.surprisal.event.BitVector;
import io.surprisal.model.DensityModel;
import java.util.List;
import java.util.Locale;

/**
 * Decides whether a freshly fitted model may replace the live one: its parameters must give finite
 * log-likelihoods, and on the same fresh holdout its mean log-likelihood may trail the live model's
 * by at most {@code margin} nats. A refit that got worse (a bad restart, poisoned or degenerate
 * traffic) is refused and the live model keeps scoring.
 */
public final class AcceptanceGate {
  private final double margin;

  /** @param margin nats per event the candidate may lose against the live model, ≥ 0 */
  public AcceptanceGate(double margin) {
    if (!(margin >= 0) || Double.isInfinite(margin)) {
      throw new IllegalArgumentException("acceptance margin must be a finite value >= 0, got " + margin);
    }
    this.margin = margin;
  }

  /**
   * @param candidateMean the candidate's mean log-likelihood on the holdout
   * @param live the live model, or null before the first one
   * @param holdout the holdout both are judged on
   */
  public Decision decide(double candidateMean, DensityModel live, List<BitVector> holdout) {
    if (!Double.isFinite(candidateMean)) {
      return new Decision(false, "candidate's holdout log-likelihood is " + candidateMean, candidateMean, null);
    }
    if (live == null) {
      return new Decision(true, "first model", candidateMean, null);
    }
    if (live.dimension() != holdout.get(0).dimension()) {
      return new Decision(
          true, "live model has dimension " + live.dimension() + ", traffic has "
              + holdout.get(0).dimension(), candidateMean, null);
    }
    double liveMean = holdout.stream().mapToDouble(live::logLikelihood).average().orElseThrow();
    if (candidateMean < liveMean - margin) {
      return new Decision(
          false,
          String.format(
              Locale.ROOT,
              "candidate's holdout mean log-likelihood %.4f trails the live model's %.4f by more"
                  + " than the margin %.4f",
              candidateMean, liveMean, margin),
          candidateMean, liveMean);
    }
    return new Decision(true, "holdout mean log-likelihood within margin", candidateMean, liveMean);
  }

  /** @param liveMean the live model's holdout mean, or null when there was none to compare */
  public record Decision(boolean accepted, String reason, double candidateMean, Double liveMean) {}
}
