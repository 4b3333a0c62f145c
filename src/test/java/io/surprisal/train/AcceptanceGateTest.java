package io.surprisal.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.surprisal.event.BitVector;
import io.surprisal.generate.SyntheticMixtures;
import io.surprisal.model.BernoulliMixture;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class AcceptanceGateTest {
  private static final double MARGIN = 1.0;

  private final BernoulliMixture live = SyntheticMixtures.separated(4, 32, 5);
  private final List<BitVector> holdout = draw(live, 2_000, new SplittableRandom(17));
  private final AcceptanceGate gate = new AcceptanceGate(MARGIN);

  private static List<BitVector> draw(BernoulliMixture model, int count, SplittableRandom random) {
    List<BitVector> rows = new ArrayList<>(count);
    for (int i = 0; i < count; i++) rows.add(model.sample(random));
    return rows;
  }

  private double liveMean() {
    return holdout.stream().mapToDouble(live::logLikelihood).average().orElseThrow();
  }

  @Test
  void shouldAcceptFirstModel() {
    AcceptanceGate.Decision decision = gate.decide(-20.0, null, holdout);
    assertThat(decision.accepted()).isTrue();
    assertThat(decision.reason()).isEqualTo("first model");
    assertThat(decision.liveMean()).isNull();
  }

  @Test
  void shouldRefuseCandidateWorseThanLiveByMoreThanTheMarginNamingBothMeans() {
    // A single component with θ = 1/2 everywhere: log p(x) = −32·ln 2 ≈ −22.18 for every x, far
    // below the true model's mean on its own draws.
    double[][] theta = new double[1][32];
    Arrays.fill(theta[0], 0.5);
    BernoulliMixture uniform = BernoulliMixture.of(new double[] {1.0}, theta);
    double candidateMean =
        holdout.stream().mapToDouble(uniform::logLikelihood).average().orElseThrow();
    double liveMean = liveMean();
    assertThat(candidateMean).isLessThan(liveMean - MARGIN);

    AcceptanceGate.Decision decision = gate.decide(candidateMean, live, holdout);

    assertThat(decision.accepted()).isFalse();
    assertThat(decision.liveMean()).isEqualTo(liveMean);
    assertThat(decision.candidateMean()).isEqualTo(candidateMean);
    assertThat(decision.reason())
        .contains(String.format("%.4f", candidateMean))
        .contains(String.format("%.4f", liveMean))
        .isEqualTo(
            String.format(
                "candidate's holdout mean log-likelihood %.4f trails the live model's %.4f by more"
                    + " than the margin %.4f",
                candidateMean, liveMean, MARGIN));
  }

  @Test
  void shouldAcceptCandidateWithinTheMarginIncludingExactlyAtIt() {
    double liveMean = liveMean();
    AcceptanceGate.Decision slightlyWorse = gate.decide(liveMean - 0.5, live, holdout);
    AcceptanceGate.Decision atMargin = gate.decide(liveMean - MARGIN, live, holdout);
    AcceptanceGate.Decision better = gate.decide(liveMean + 0.5, live, holdout);

    assertThat(slightlyWorse.accepted()).isTrue();
    assertThat(slightlyWorse.reason()).isEqualTo("holdout mean log-likelihood within margin");
    assertThat(atMargin.accepted()).isTrue();
    assertThat(better.accepted()).isTrue();
  }

  @Test
  void shouldRefuseJustBeyondTheMargin() {
    double liveMean = liveMean();
    assertThat(gate.decide(Math.nextDown(liveMean - MARGIN), live, holdout).accepted()).isFalse();
  }

  @Test
  void shouldRefuseNaNCandidateWithOrWithoutALiveModel() {
    AcceptanceGate.Decision first = gate.decide(Double.NaN, null, holdout);
    AcceptanceGate.Decision later = gate.decide(Double.NaN, live, holdout);
    AcceptanceGate.Decision infinite = gate.decide(Double.NEGATIVE_INFINITY, live, holdout);

    assertThat(first.accepted()).isFalse();
    assertThat(first.reason()).isEqualTo("candidate's holdout log-likelihood is NaN");
    assertThat(later.accepted()).isFalse();
    assertThat(later.reason()).isEqualTo("candidate's holdout log-likelihood is NaN");
    assertThat(infinite.accepted()).isFalse();
    assertThat(infinite.reason()).isEqualTo("candidate's holdout log-likelihood is -Infinity");
  }

  @Test
  void shouldAcceptCandidateWhenTrafficDimensionNoLongerMatchesLiveModel() {
    List<BitVector> wider = draw(SyntheticMixtures.separated(2, 40, 9), 10, new SplittableRandom(3));
    AcceptanceGate.Decision decision = gate.decide(-25.0, live, wider);
    assertThat(decision.accepted()).isTrue();
    assertThat(decision.reason()).isEqualTo("live model has dimension 32, traffic has 40");
  }

  @Test
  void shouldRefuseNegativeOrNonFiniteMargin() {
    assertThatThrownBy(() -> new AcceptanceGate(-1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("acceptance margin must be a finite value >= 0, got -1.0");
    assertThatThrownBy(() -> new AcceptanceGate(Double.POSITIVE_INFINITY))
        .hasMessage("acceptance margin must be a finite value >= 0, got Infinity");
  }
}
