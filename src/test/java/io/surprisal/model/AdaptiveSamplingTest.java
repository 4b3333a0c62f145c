package io.surprisal.model;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** When adaptive importance sampling stops: its rounds, its two sides, its cap. */
class AdaptiveSamplingTest {
  /** Log weights from a fixed list, cycled, counting how many were drawn. */
  private static final class Draws implements AdaptiveSampling.LogWeights {
    private final double[] values;
    int drawn;

    Draws(double... values) {
      this.values = values;
    }

    @Override
    public double draw() {
      return values[drawn++ % values.length];
    }
  }

  private static int samplesTo(double boundary, int cap, double... logWeights) {
    Draws draws = new Draws(logWeights);
    ImportanceEstimate estimate = AdaptiveSampling.estimate(draws, new double[cap], boundary);
    assertThat(estimate.samples()).isEqualTo(draws.drawn);
    return estimate.samples();
  }

  @Test
  void shouldStopAfterTheFirstRoundWhenClearlyAboveTheBoundaryAndDrawAllSBelowIt() {
    // Weights of similar size: log p ≈ −10.0 with an error of about 0.04 nats.
    double[] steady = {-10.1, -9.9, -10.0, -10.05, -9.95, -10.0, -10.1, -9.9};
    assertThat(samplesTo(-20, 64, steady)).isEqualTo(8);
    // Within 4 standard errors above it: every round, up to the cap.
    assertThat(samplesTo(-10.05, 64, steady)).isEqualTo(64);
    // Below it, however clearly: a low estimate may be one that has not met its large weights.
    assertThat(samplesTo(0, 64, steady)).isEqualTo(64);
  }

  @Test
  void shouldDrawAllSWithoutABoundary() {
    assertThat(samplesTo(Double.NaN, 64, -10)).isEqualTo(64);
    assertThat(samplesTo(Double.NaN, 3, -10)).isEqualTo(3);
  }

  @Test
  void shouldStopAboveTheBoundaryEvenWhenOneDrawCarriesTheWeight() {
    // One weight e^20 times the others: log p ≈ log(1/8), standard error ≈ 1 nat. More draws can
    // lower the estimate by at most log(S/n), so far above the boundary it is clear.
    double[] dominated = {0, -20, -20, -20, -20, -20, -20, -20};
    assertThat(samplesTo(-30, 64, dominated)).isEqualTo(8);
    assertThat(samplesTo(-2.5, 64, dominated)).isEqualTo(64);
  }

  @Test
  void shouldStopAtACapThatIsNoRoundSizeAndDecideAnInfiniteBoundaryInTheFirstRound() {
    // The estimate sits on the boundary: every round is drawn.
    assertThat(samplesTo(-10, 20, -10.5, -9.5)).isEqualTo(20);
    assertThat(samplesTo(-10, 5, -10.5, -9.5)).isEqualTo(5);
    // A boundary of ±∞ is decided by any finite estimate: the first round.
    assertThat(samplesTo(Double.NEGATIVE_INFINITY, 64, -10.5, -9.5)).isEqualTo(8);
  }

  @Test
  void shouldGiveTheFixedEstimateWhenItRunsToTheCap() {
    double[] weights = new double[64];
    for (int s = 0; s < 64; s++) weights[s] = -10 + Math.sin(s) * 3;
    ImportanceEstimate fixed = ImportanceEstimate.of(weights);
    ImportanceEstimate adaptive =
        AdaptiveSampling.estimate(new Draws(weights), new double[64], fixed.logLikelihood());
    assertThat(adaptive).isEqualTo(fixed);
  }
}
