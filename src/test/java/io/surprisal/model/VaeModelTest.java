package io.surprisal.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.surprisal.event.BitVector;
import io.surprisal.event.FeatureContribution;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class VaeModelTest {

  /**
   * Exact log p(x) of a one-dimensional VAE: ∫ N(z; 0, 1) p(x|z) dz by the trapezoid rule on
   * [−10, 10] with 20,001 points, far finer than the decoder's curvature.
   */
  private static double quadrature(VaeModel model, BitVector x) {
    RealInputMlp decoder = model.decoder();
    double[] logits = new double[model.dimension()];
    double[] scratch = new double[decoder.hidden()];
    int points = 20_001;
    double step = 20.0 / (points - 1);
    double[] logTerms = new double[points];
    for (int i = 0; i < points; i++) {
      double z = -10 + i * step;
      decoder.forward(new double[] {z}, scratch, logits);
      double logP = -0.5 * z * z - 0.5 * Math.log(2 * Math.PI);
      for (int d = 0; d < logits.length; d++) {
        logP -= Logistic.softplus(x.get(d) ? -logits[d] : logits[d]);
      }
      logTerms[i] = logP + Math.log(step) + (i == 0 || i == points - 1 ? Math.log(0.5) : 0);
    }
    return ProductBernoulliKernel.logSumExp(logTerms);
  }

  private static BitVector bits(int mask, int dimension) {
    int[] values = new int[dimension];
    for (int d = 0; d < dimension; d++) values[d] = (mask >> d) & 1;
    return BitVector.ofDense(values);
  }

  @Test
  void shouldSumExactProbabilitiesToOneSoTheQuadratureIsTrustworthy() {
    VaeModel model = VaeFixtures.random(1, 4, 6, 1.5, 16, 1);
    double total = 0;
    for (int mask = 0; mask < 64; mask++) total += Math.exp(quadrature(model, bits(mask, 6)));
    assertThat(total).isCloseTo(1.0, within(1e-9));
  }

  @Test
  void shouldAgreeWithExactLogLikelihoodWithinThreeStandardErrors() {
    VaeModel model = VaeFixtures.random(1, 4, 8, 1.5, 16, 2);
    SplittableRandom random = new SplittableRandom(3);
    for (int i = 0; i < 20; i++) {
      BitVector x = model.sample(random);
      ImportanceEstimate estimate = model.estimate(x, 256, new SplittableRandom(100 + i));
      assertThat(estimate.logLikelihood())
          .isCloseTo(quadrature(model, x), within(3 * estimate.standardError()));
    }
  }

  @Test
  void shouldShrinkStandardErrorAboutFourfoldFromSixteenToTwoHundredFiftySixSamples() {
    // A random encoder is a poor proposal with heavy-tailed weights, where S = 16 underestimates
    // the spread (measured: mean ratio 1.75); the prior as proposal keeps the weights bounded.
    VaeModel model = VaeFixtures.withPriorProposal(VaeFixtures.random(2, 8, 8, 1.0, 16, 4));
    SplittableRandom random = new SplittableRandom(5);
    double ratioSum = 0;
    int events = 50;
    for (int i = 0; i < events; i++) {
      BitVector x = model.sample(random);
      double small = model.estimate(x, 16, new SplittableRandom(i)).standardError();
      double large = model.estimate(x, 256, new SplittableRandom(i + 1_000)).standardError();
      ratioSum += small / large;
    }
    // 1/√S predicts √(256/16) = 4; heavy-tailed weights make single ratios noisy, not the mean.
    assertThat(ratioSum / events).isBetween(3.0, 5.0);
  }

  @Test
  void shouldScoreReproduciblyAndReadOutTheEncoderMean() {
    VaeModel model = VaeFixtures.random(3, 6, 12, 1.2, 16, 6);
    BitVector x = model.sample(new SplittableRandom(7));
    Scored scored = model.score(x);
    assertThat(model.logLikelihood(x)).isEqualTo(scored.logLikelihood());
    assertThat(model.score(x)).usingRecursiveComparison().isEqualTo(scored);
    assertThat(scored.latent().state()).isNull();
    assertThat(scored.latent().probability()).isNull();
    assertThat(scored.latent().mean()).hasSize(3).containsExactly(model.latent(x).mean());
  }

  @Test
  void shouldDrawOneRoundWhenFarFromTheThresholdAndAllSWithoutOne() {
    VaeModel model = VaeFixtures.random(3, 6, 12, 1.2, 64, 6);
    SplittableRandom random = new SplittableRandom(7);
    for (int i = 0; i < 20; i++) {
      BitVector x = model.sample(random);
      Scored fixed = model.score(x);
      assertThat(fixed.samples()).isEqualTo(64);
      Scored far = model.score(x, fixed.logLikelihood() - 1_000);
      // The first 8 of the event's own draws: the same estimate as asking for 8.
      assertThat(far.samples()).isEqualTo(8);
      assertThat(far.logLikelihood())
          .isEqualTo(model.estimate(x, 8, EventRandom.forEvent(x)).logLikelihood());
      assertThat(far.latent().mean()).containsExactly(fixed.latent().mean());
      assertThat(model.score(x, fixed.logLikelihood() - 1_000)).usingRecursiveComparison()
          .isEqualTo(far);
      // On the fixed estimate itself: every round, and the fixed estimate.
      assertThat(model.score(x, fixed.logLikelihood())).usingRecursiveComparison()
          .isEqualTo(fixed);
    }
  }

  @Test
  void shouldDrawVectorsWithTheModelsProbabilities() {
    VaeModel model = VaeFixtures.random(1, 4, 3, 1.5, 16, 8);
    int draws = 40_000;
    int[] counts = new int[8];
    SplittableRandom random = new SplittableRandom(9);
    for (int i = 0; i < draws; i++) {
      BitVector x = model.sample(random);
      int mask = 0;
      for (int d = 0; d < 3; d++) mask |= x.get(d) ? 1 << d : 0;
      counts[mask]++;
    }
    for (int mask = 0; mask < 8; mask++) {
      double p = Math.exp(quadrature(model, bits(mask, 3)));
      double sd = Math.sqrt(p * (1 - p) / draws);
      assertThat((double) counts[mask] / draws).isCloseTo(p, within(4 * sd + 1e-4));
    }
  }

  @Test
  void shouldExplainWithTheLeastProbableBitsUnderTheDecoderAtTheMeanLowestFirst() {
    VaeModel model = VaeFixtures.random(2, 6, 20, 1.5, 16, 10);
    BitVector x = model.sample(new SplittableRandom(11));
    double[] logits = new double[20];
    model.decoder().forward(model.latent(x).mean(), new double[6], logits);
    // Flip the bit the decoder is surest of, so that the explanation has a clear leader.
    int surest = 0;
    for (int d = 1; d < 20; d++) if (Math.abs(logits[d]) > Math.abs(logits[surest])) surest = d;
    int[] values = new int[20];
    for (int d = 0; d < 20; d++) values[d] = x.get(d) ? 1 : 0;
    values[surest] = logits[surest] > 0 ? 0 : 1;
    BitVector odd = BitVector.ofDense(values);
    model.decoder().forward(model.latent(odd).mean(), new double[6], logits);
    int least = 0;
    double leastLogProb = 0;
    for (int d = 0; d < 20; d++) {
      double p = Logistic.sigmoid(logits[d]);
      double logProb = Math.log(values[d] == 1 ? p : 1 - p);
      if (logProb < leastLogProb) {
        least = d;
        leastLogProb = logProb;
      }
    }

    List<FeatureContribution> top = model.explain(odd, 5);

    assertThat(top).hasSize(5);
    assertThat(top).isSortedAccordingTo((a, b) -> Double.compare(a.logProb(), b.logProb()));
    assertThat(top.get(0).index()).isEqualTo(least);
    assertThat(top.get(0).value()).isEqualTo(values[least]);
    assertThat(top.get(0).logProb()).isCloseTo(leastLogProb, within(1e-9));
  }

  @Test
  void shouldRefuseScoringSamplesAboveTheBoundThatEveryScoreWouldAllocate() {
    VaeModel model = VaeFixtures.random(1, 2, 3, 1.0, 8, 63);
    assertThatThrownBy(() -> VaeModel.of(model.encoder(), model.decoder(), Integer.MAX_VALUE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("scoringSamples must be in 1..4096, got 2147483647");
    assertThat(VaeModel.of(model.encoder(), model.decoder(), ImportanceEstimate.MAX_SCORING_SAMPLES)
        .scoringSamples()).isEqualTo(4096);
  }
}
