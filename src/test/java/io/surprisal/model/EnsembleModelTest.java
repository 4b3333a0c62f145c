package io.surprisal.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.surprisal.event.BitVector;
import io.surprisal.generate.SyntheticMixtures;
import java.nio.ByteBuffer;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The ensemble's score, its record form and the records it refuses. The p-values come from
 * {@link ReferenceDistribution}; the score is their logs' sum, and everything else is the model's.
 */
class EnsembleModelTest {
  private static final BernoulliMixture MODEL = SyntheticMixtures.separated(3, 12, 5);
  private static final BernoulliMixture INDEPENDENT_BITS = BernoulliMixture.of(
      new double[] {1.0},
      new double[][] {{0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.5, 0.5, 0.5}});
  /** Ten values −10..−1: a p-value moves in steps of 1/11. */
  private static final ReferenceDistribution TEN =
      new ReferenceDistribution(new double[] {-10, -9, -8, -7, -6, -5, -4, -3, -2, -1},
          LowerTail.NONE);
  private static final ReferenceDistribution TAILED = new ReferenceDistribution(
      new double[] {-20, -15, -12, -10, -9}, new LowerTail(
          new double[] {-40, -30, -20}, new double[] {1e-4, 1e-3, 0.1}));

  static EnsembleModel ensemble() {
    return new EnsembleModel(MODEL, INDEPENDENT_BITS, TEN, TAILED);
  }

  @Test
  void shouldGiveTheConformalPValueOfAValueAgainstItsReference() {
    assertThat(TEN.logPValue(-5.5)).isCloseTo(Math.log(6.0 / 11), within(1e-12)); // 5 at or below
    assertThat(TEN.logPValue(-5.0)).isCloseTo(Math.log(7.0 / 11), within(1e-12)); // ties count
    assertThat(TEN.logPValue(0.0)).isZero();
    // Below the smallest value without a tail: as low as the reference can say, 1/(n+1).
    assertThat(TEN.logPValue(-1e6)).isCloseTo(Math.log(1.0 / 11), within(1e-12));
  }

  @Test
  void shouldTakeAMembersPValueAgainstTheOtherValues() {
    // −5 is the 6th of the ten values: 5 others at or below it, plus one, over ten; a new value
    // there would count all six and itself, over eleven.
    assertThat(TEN.logPValueOfMember(-5.0)).isCloseTo(Math.log(6.0 / 10), within(1e-12));
    assertThat(TEN.logPValue(-5.0)).isCloseTo(Math.log(7.0 / 11), within(1e-12));
    assertThat(TEN.logPValueOfMember(-10.0)).isCloseTo(Math.log(1.0 / 10), within(1e-12));
    // Below the reference (a value the fence left out) both read the tail.
    assertThat(TAILED.logPValueOfMember(-30)).isEqualTo(TAILED.logPValue(-30));
  }

  @Test
  void shouldReadPValuesBelowTheReferenceFromItsTail() {
    assertThat(TAILED.logPValue(-30)).isCloseTo(Math.log(1e-3), within(1e-9));
    assertThat(TAILED.logPValue(-1e9)).isGreaterThanOrEqualTo(Math.log(Double.MIN_VALUE));
    assertThat(TAILED.logPValue(Double.NaN)).isEqualTo(Math.log(Double.MIN_VALUE));
  }

  @Test
  void shouldScoreTheSumOfBothLogPValuesAndKeepTheModelsLogLikelihood() {
    EnsembleModel ensemble = ensemble();
    SplittableRandom random = new SplittableRandom(3);
    for (int i = 0; i < 50; i++) {
      BitVector x = MODEL.sample(random);
      Scored scored = ensemble.score(x);
      assertThat(scored.logLikelihood()).isEqualTo(MODEL.logLikelihood(x));
      assertThat(scored.score()).isEqualTo(TEN.logPValue(MODEL.logLikelihood(x))
          + TAILED.logPValue(INDEPENDENT_BITS.logLikelihood(x)));
      assertThat(ensemble.logLikelihood(x)).isEqualTo(MODEL.logLikelihood(x));
      assertThat(ensemble.explain(x, 3)).isEqualTo(MODEL.explain(x, 3));
    }
    assertThat(ensemble.kind()).isEqualTo(MODEL.kind());
    // A single model's score is its log-likelihood.
    BitVector x = MODEL.sample(random);
    assertThat(MODEL.score(x).score()).isEqualTo(MODEL.logLikelihood(x));
  }

  @Test
  void shouldRefuseAnIndependentBitsModelWithMoreComponentsOrAnotherDimension() {
    assertThatThrownBy(() -> new EnsembleModel(MODEL, MODEL, TEN, TEN))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("the independent-bits model must have 1 component, got 3");
    BernoulliMixture narrow = BernoulliMixture.of(new double[] {1.0}, new double[][] {{0.5, 0.5}});
    assertThatThrownBy(() -> new EnsembleModel(MODEL, narrow, TEN, TEN))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("the independent-bits model must have L = 12 like the model, got 2");
    assertThatThrownBy(() -> new EnsembleModel(ensemble(), INDEPENDENT_BITS, TEN, TEN))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("an ensemble's model cannot itself be an ensemble");
  }

  private static PublishedModel published() {
    Calibration calibration = new Calibration(-6.5, 0.01, 400, new double[] {-7, -5, -3, -1});
    return new PublishedModel(5, 1_714_564_800_000L, 2000, -9.5, calibration, ensemble());
  }

  @Test
  void shouldRoundTripAnEnsembleRecordBitExactly() throws Exception {
    PublishedModel decoded = ModelCodec.decode(ModelCodec.encode(published()), 12);

    EnsembleModel ensemble = (EnsembleModel) decoded.model();
    assertThat(ensemble.model()).isInstanceOf(BernoulliMixture.class);
    assertThat(ensemble.modelReference()).isEqualTo(TEN);
    assertThat(ensemble.independentBitsReference()).isEqualTo(TAILED);
    assertThat(ModelCodec.encode(decoded)).isEqualTo(ModelCodec.encode(published()));
    SplittableRandom random = new SplittableRandom(4);
    for (int i = 0; i < 20; i++) {
      BitVector x = MODEL.sample(random);
      assertThat(ensemble.score(x)).isEqualTo(ensemble().score(x));
    }
  }

  @Test
  void shouldRoundTripEnsemblesOfTheNeuralKindsScoringAlike() throws Exception {
    for (DensityModel model : new DensityModel[] {
        BinaryLatentFixtures.random(3, 8, 12, 2.0, 12, 7),
        VaeFixtures.random(2, 6, 12, 1.0, 8, 7)}) {
      EnsembleModel ensemble = new EnsembleModel(model, INDEPENDENT_BITS, TEN, TAILED);
      PublishedModel published = new PublishedModel(2, 0L, 100, -9.0,
          new Calibration(-3.0, 0.01, 400, new double[] {-4, -3, -2}), ensemble);

      EnsembleModel decoded =
          (EnsembleModel) ModelCodec.decode(ModelCodec.encode(published), 12).model();

      assertThat(decoded.kind()).isEqualTo(model.kind());
      SplittableRandom random = new SplittableRandom(8);
      for (int i = 0; i < 10; i++) {
        BitVector x = MODEL.sample(random);
        // The VAE's importance sampling is seeded by the event: the same x, the same estimate.
        assertThat(decoded.score(x).score()).isEqualTo(ensemble.score(x).score());
      }
    }
  }

  @Test
  void shouldRefuseAnEnsembleRecordOfAnotherDimensionBeforeReadingItsParameters() {
    assertThatThrownBy(() -> ModelCodec.decode(ModelCodec.encode(published()), 13))
        .isInstanceOf(ModelDimensionException.class);
  }

  @Test
  void shouldRefuseAnEnsembleInsideAnEnsembleAndAReferenceAboveItsMaximum() {
    byte[] encoded = ModelCodec.encode(published());
    int payload = ForgedRecords.payloadAt(encoded);
    byte[] nested = encoded.clone();
    nested[payload] = 4;
    assertThatThrownBy(() -> ModelCodec.decode(ForgedRecords.withValidChecksum(nested)))
        .isInstanceOf(ModelFormatException.class)
        .hasMessage("an ensemble's model must have kind code 1, 2 or 3, got 4");

    // The model's reference count sits after its kind code, the mixture (K=3, L=12) and the
    // independent bits (K=1, L=12).
    int referenceAt = payload + 1 + 8 + (3 + 3 * 12) * 8 + 8 + (1 + 12) * 8;
    byte[] huge = encoded.clone();
    ByteBuffer.wrap(huge).putInt(referenceAt, ReferenceDistribution.MAX_QUANTILES + 1);
    assertThatThrownBy(() -> ModelCodec.decode(ForgedRecords.withValidChecksum(huge)))
        .isInstanceOf(ModelFormatException.class)
        .hasMessage("reference must have at most 16384 quantiles, got 16385");
  }

  @Test
  void shouldRefuseEveryTruncationOfAnEnsembleRecord() {
    byte[] encoded = ModelCodec.encode(published());
    for (int length = 0; length < encoded.length; length++) {
      byte[] cut = java.util.Arrays.copyOf(encoded, length);
      assertThatThrownBy(() -> ModelCodec.decode(cut)).isInstanceOf(ModelFormatException.class);
    }
  }
}
