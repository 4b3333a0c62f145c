package io.surprisal.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.surprisal.event.BitVector;
import io.surprisal.event.FeatureContribution;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BernoulliMixtureTest {
  // Two components over three bits, parameters chosen so the sum is easy to check by hand.
  private final BernoulliMixture model =
      BernoulliMixture.of(
          new double[] {0.25, 0.75}, new double[][] {{0.5, 0.2, 0.9}, {0.1, 0.6, 0.3}});

  @Test
  void shouldComputeExactLogLikelihoodOfThreeBitTwoComponentExample() {
    // x = 101: p = 0.25·0.5·0.8·0.9 + 0.75·0.1·0.4·0.3 = 0.09 + 0.009 = 0.099
    BitVector x = BitVector.ofActive(3, 0, 2);
    assertThat(model.logLikelihood(x)).isCloseTo(Math.log(0.099), within(1e-12));
    // x = 000: p = 0.25·0.5·0.8·0.1 + 0.75·0.9·0.4·0.7 = 0.01 + 0.189 = 0.199
    assertThat(model.logLikelihood(BitVector.ofActive(3))).isCloseTo(Math.log(0.199), within(1e-12));
  }

  @Test
  void shouldReadOutTheMostProbableComponentWithItsPosterior() {
    // x = 101: joints 0.09 (k=0) and 0.009 (k=1), so p(0|x) = 0.09 / 0.099 = 10/11.
    BitVector x = BitVector.ofActive(3, 0, 2);
    assertThat(model.latent(x).state()).isEqualTo("0");
    assertThat(model.latent(x).probability()).isCloseTo(10.0 / 11, within(1e-12));
    // x = 000: joints 0.01 and 0.189, so p(1|x) = 0.189 / 0.199.
    Scored scored = model.score(BitVector.ofActive(3));
    assertThat(scored.latent().state()).isEqualTo("1");
    assertThat(scored.latent().probability()).isCloseTo(0.189 / 0.199, within(1e-12));
    assertThat(scored.logLikelihood()).isEqualTo(model.logLikelihood(BitVector.ofActive(3)));
  }

  @Test
  void shouldSumToOneOverAllVectors() {
    double total = 0;
    for (int mask = 0; mask < 8; mask++) {
      int[] bits = {mask & 1, (mask >> 1) & 1, (mask >> 2) & 1};
      total += Math.exp(model.logLikelihood(BitVector.ofDense(bits)));
    }
    assertThat(total).isCloseTo(1.0, within(1e-12));
  }

  @Test
  void shouldRankPlantedImprobableBitFirst() {
    // Every component says bit 5 is almost never set; setting it must be the top explanation.
    double[][] theta = new double[2][8];
    for (double[] row : theta) java.util.Arrays.fill(row, 0.5);
    theta[0][5] = 0.01;
    theta[1][5] = 0.02;
    BernoulliMixture planted = BernoulliMixture.of(new double[] {0.5, 0.5}, theta);
    List<FeatureContribution> top = planted.explain(BitVector.ofActive(8, 1, 5, 6), 3);
    assertThat(top).hasSize(3);
    assertThat(top.get(0).index()).isEqualTo(5);
    assertThat(top.get(0).value()).isEqualTo(1);
    assertThat(top.get(0).logProb()).isLessThan(top.get(1).logProb());
  }

  @Test
  void shouldSampleWithTheModelsBitFrequencies() {
    Random random = new Random(7);
    int[] ones = new int[3];
    int n = 200_000;
    for (int i = 0; i < n; i++) {
      BitVector x = model.sample(random);
      for (int d = 0; d < 3; d++) if (x.get(d)) ones[d]++;
    }
    // Marginals: 0.25·θ_0d + 0.75·θ_1d.
    assertThat(ones[0] / (double) n).isCloseTo(0.2, within(0.005));
    assertThat(ones[1] / (double) n).isCloseTo(0.5, within(0.005));
    assertThat(ones[2] / (double) n).isCloseTo(0.45, within(0.005));
  }

  @Test
  void shouldRefuseParametersOutsideTheOpenInterval() {
    assertThatThrownBy(() -> BernoulliMixture.of(new double[] {1.0}, new double[][] {{0.5, 1.0}}))
        .hasMessage("theta[0][1] must be inside (0, 1), got 1.0");
    assertThatThrownBy(
            () -> BernoulliMixture.of(new double[] {0.5, Double.NaN}, new double[][] {{0.5}, {0.5}}))
        .hasMessageContaining("weights[1] must be a finite value > 0, got NaN");
  }

  @Test
  void shouldRefuseVectorOfTheWrongDimension() {
    assertThatThrownBy(() -> model.logLikelihood(BitVector.ofActive(4, 1)))
        .hasMessage("vector has dimension 4, the model expects 3");
  }
}
