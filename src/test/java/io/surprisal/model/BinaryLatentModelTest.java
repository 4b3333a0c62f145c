package io.surprisal.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.surprisal.event.BitVector;
import io.surprisal.event.FeatureContribution;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class BinaryLatentModelTest {

  private static BitVector fromMask(int mask, int dimension) {
    int[] bits = new int[dimension];
    for (int d = 0; d < dimension; d++) bits[d] = (mask >> d) & 1;
    return BitVector.ofDense(bits);
  }

  @Test
  void shouldSumExactProbabilitiesToOneOverAllVectors() {
    for (int hidden : new int[] {0, 3}) {
      BinaryLatentModel model = BinaryLatentFixtures.random(3, hidden, 6, 2.0, 12, 7 + hidden);
      assertThat(model.isExact()).isTrue();
      double total = 0;
      for (int mask = 0; mask < 64; mask++) total += Math.exp(model.logLikelihood(fromMask(mask, 6)));
      assertThat(total).as("H=%d", hidden).isCloseTo(1.0, within(1e-12));
    }
  }

  @Test
  void shouldMatchHandComputedLogLikelihoodOfOneLatentBitLinearDecoder() {
    // K=1, L=2, H=0: ρ = σ(0) = ½; θ(z=0) = σ(b), θ(z=1) = σ(w + b) with w = (2, −1), b = (0, 1).
    BinaryInputMlp decoder =
        BinaryInputMlp.of(1, 0, 2, new double[0], new double[0], new double[] {2, -1},
            new double[] {0, 1});
    BinaryInputMlp encoder =
        BinaryInputMlp.of(2, 0, 1, new double[0], new double[0], new double[2], new double[1]);
    BinaryLatentModel model = BinaryLatentModel.of(new double[] {0}, decoder, encoder, 12, 8);
    // x = 10: ½·σ(0)·(1−σ(1)) + ½·σ(2)·(1−σ(0))
    double expected =
        0.5 * sigmoid(0) * (1 - sigmoid(1)) + 0.5 * sigmoid(2) * (1 - sigmoid(0));
    assertThat(model.logLikelihood(BitVector.ofActive(2, 0)))
        .isCloseTo(Math.log(expected), within(1e-12));
  }

  @Test
  void shouldReadOutTheMostProbableCodeOfOneLatentBitLinearDecoder() {
    // The model above: x = 10 has joints ½·σ(0)·(1−σ(1)) (z=0) and ½·σ(2)·(1−σ(0)) (z=1).
    BinaryInputMlp decoder =
        BinaryInputMlp.of(1, 0, 2, new double[0], new double[0], new double[] {2, -1},
            new double[] {0, 1});
    BinaryInputMlp encoder =
        BinaryInputMlp.of(2, 0, 1, new double[0], new double[0], new double[2], new double[1]);
    BinaryLatentModel model = BinaryLatentModel.of(new double[] {0}, decoder, encoder, 12, 8);
    double off = 0.5 * sigmoid(0) * (1 - sigmoid(1));
    double on = 0.5 * sigmoid(2) * (1 - sigmoid(0));

    LatentSummary latent = model.latent(BitVector.ofActive(2, 0));

    assertThat(latent.state()).isEqualTo("1");
    assertThat(latent.probability()).isCloseTo(on / (on + off), within(1e-12));
  }

  @Test
  void shouldReadOutAKBitCodeWhenExactAndTheBestDrawnCodeWhenSampled() {
    BinaryLatentModel exact = BinaryLatentFixtures.random(5, 8, 24, 1.5, 12, 21);
    BitVector x = exact.sample(new SplittableRandom(23));

    Scored scored = exact.score(x);

    assertThat(scored.logLikelihood()).isEqualTo(exact.logLikelihood(x));
    assertThat(scored.latent().state()).matches("[01]{5}");
    assertThat(scored.latent().probability()).isBetween(1.0 / 32, 1.0);
    BinaryLatentModel sampled = BinaryLatentFixtures.withEnumerationLimit(exact, 3);
    Scored estimated = sampled.score(x);
    // The same seeded draws as logLikelihood(x): the readout costs no second estimate.
    assertThat(estimated.logLikelihood()).isEqualTo(sampled.logLikelihood(x));
    assertThat(estimated.latent().state()).matches("[01]{5}");
    assertThat(estimated.latent().probability()).isPositive().isLessThanOrEqualTo(1.0);
  }

  @Test
  void shouldAgreeWithExactWithinThreeStandardErrorsAndShrinkErrorAsOneOverRootS() {
    BinaryLatentModel model = BinaryLatentFixtures.random(5, 8, 24, 1.5, 12, 21);
    SplittableRandom draws = new SplittableRandom(22);
    double ratioSum = 0;
    int events = 8;
    for (int i = 0; i < events; i++) {
      BitVector x = model.sample(draws);
      double exact = model.logLikelihood(x);
      ImportanceEstimate small = model.estimate(x, 16, new SplittableRandom(100 + i));
      ImportanceEstimate large = model.estimate(x, 256, new SplittableRandom(200 + i));
      assertThat(Math.abs(large.logLikelihood() - exact))
          .as("event %d: exact %s, estimate %s ± %s", i, exact, large.logLikelihood(),
              large.standardError())
          .isLessThan(3 * large.standardError());
      assertThat(Math.abs(small.logLikelihood() - exact)).isLessThan(3 * small.standardError());
      ratioSum += small.standardError() / large.standardError();
    }
    // √(256/16) = 4.
    assertThat(ratioSum / events).isBetween(3.0, 5.0);
  }

  @Test
  void shouldScoreAboveTheEnumerationLimitReproduciblyByImportanceSampling() {
    BinaryLatentModel exact = BinaryLatentFixtures.random(4, 4, 12, 1.0, 12, 31);
    BinaryLatentModel sampled = BinaryLatentFixtures.withEnumerationLimit(exact, 3);
    assertThat(sampled.isExact()).isFalse();
    BitVector x = exact.sample(new SplittableRandom(32));

    double first = sampled.logLikelihood(x);
    assertThat(sampled.logLikelihood(x)).isEqualTo(first);
    ImportanceEstimate estimate =
        sampled.estimate(x, sampled.scoringSamples(), new SplittableRandom(33));
    assertThat(first).isCloseTo(exact.logLikelihood(x), within(3 * estimate.standardError()));
  }

  @Test
  void shouldDrawOneRoundWhenFarFromTheThresholdAllSWithoutOneAndNoneWhenExact() {
    BinaryLatentModel exact = BinaryLatentFixtures.random(6, 8, 16, 1.5, 12, 35);
    BinaryLatentModel sampled = BinaryLatentFixtures.withEnumerationLimit(exact, 3);
    SplittableRandom random = new SplittableRandom(36);
    for (int i = 0; i < 20; i++) {
      BitVector x = exact.sample(random);
      Scored fixed = sampled.score(x);
      assertThat(fixed.samples()).isEqualTo(64);
      Scored far = sampled.score(x, fixed.logLikelihood() - 1_000);
      // The first 8 of the event's own draws: the same estimate as asking for 8.
      assertThat(far.samples()).isEqualTo(8);
      assertThat(far.logLikelihood())
          .isEqualTo(sampled.estimate(x, 8, EventRandom.forEvent(x)).logLikelihood());
      assertThat(sampled.score(x, fixed.logLikelihood() - 1_000)).isEqualTo(far);
      // On the fixed estimate itself: every round, and the fixed estimate and readout.
      assertThat(sampled.score(x, fixed.logLikelihood())).isEqualTo(fixed);
      assertThat(exact.score(x, fixed.logLikelihood() - 1_000).samples()).isZero();
    }
  }

  @Test
  void shouldDrawVectorsWithTheirExactProbabilities() {
    BinaryLatentModel model = BinaryLatentFixtures.random(2, 2, 3, 2.0, 12, 41);
    SplittableRandom random = new SplittableRandom(42);
    Map<BitVector, Integer> counts = new HashMap<>();
    int draws = 40_000;
    for (int i = 0; i < draws; i++) counts.merge(model.sample(random), 1, Integer::sum);
    for (int mask = 0; mask < 8; mask++) {
      BitVector x = fromMask(mask, 3);
      double p = Math.exp(model.logLikelihood(x));
      double observed = counts.getOrDefault(x, 0) / (double) draws;
      assertThat(observed).as("x=%s", x.toBitString())
          .isCloseTo(p, within(4 * Math.sqrt(p * (1 - p) / draws) + 1e-9));
    }
  }

  @Test
  void shouldRankPlantedImprobableBitFirstExactlyAndWhenSampled() {
    // Bit 5's output bias is −12 and its weights are small: no code makes it likely.
    BinaryLatentModel base = BinaryLatentFixtures.random(3, 0, 8, 0.5, 12, 51);
    double[] b2 = base.decoder().b2();
    b2[5] = -12;
    BinaryInputMlp decoder =
        BinaryInputMlp.of(3, 0, 8, new double[0], new double[0], base.decoder().w2(), b2);
    BinaryLatentModel exact = BinaryLatentModel.of(base.priorLogOdds(), decoder, base.encoder(), 12, 32);
    BinaryLatentModel sampled = BinaryLatentFixtures.withEnumerationLimit(exact, 0);
    BitVector x = BitVector.ofActive(8, 1, 5);
    for (BinaryLatentModel model : List.of(exact, sampled)) {
      List<FeatureContribution> top = model.explain(x, 3);
      assertThat(top).hasSize(3);
      assertThat(top.get(0).index()).isEqualTo(5);
      assertThat(top.get(0).value()).isEqualTo(1);
      assertThat(top.get(0).logProb()).isLessThan(-10).isGreaterThan(Double.NEGATIVE_INFINITY);
    }
  }

  @Test
  void shouldRefuseVectorOfWrongDimensionNamingBoth() {
    BinaryLatentModel model = BinaryLatentFixtures.random(2, 0, 4, 1.0, 12, 61);
    assertThatThrownBy(() -> model.logLikelihood(BitVector.ofActive(5, 1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("vector has dimension 5, the model expects 4");
  }

  @Test
  void shouldRefuseScoringSamplesAboveTheBoundThatEveryScoreWouldAllocate() {
    BinaryLatentModel model = BinaryLatentFixtures.random(2, 0, 4, 1.0, 0, 62);
    assertThatThrownBy(() -> BinaryLatentModel.of(
            model.priorLogOdds(), model.decoder(), model.encoder(), 0, Integer.MAX_VALUE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("scoringSamples must be in 1..4096, got 2147483647");
    assertThat(BinaryLatentModel.of(model.priorLogOdds(), model.decoder(), model.encoder(), 0,
        ImportanceEstimate.MAX_SCORING_SAMPLES).scoringSamples()).isEqualTo(4096);
  }

  private static double sigmoid(double a) {
    return 1 / (1 + Math.exp(-a));
  }
}
