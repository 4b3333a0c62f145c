package io.surprisal.model;

import static io.surprisal.model.EnsembleModel.ModelStatistic.COMPLEXITY_CORRECTED;
import static io.surprisal.model.EnsembleModel.ModelStatistic.LOG_LIKELIHOOD;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.surprisal.event.BitVector;
import io.surprisal.generate.SyntheticMixtures;
import java.nio.ByteBuffer;
import java.util.List;
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

  /** A tree over the 12 bits: a chain 0 → 1 → … → 11, each bit likely to copy its parent. */
  static final DependencyTree CHAIN = chain(12);
  private static final ReferenceDistribution FIVE =
      new ReferenceDistribution(new double[] {-8, -6, -5, -4, -2}, LowerTail.NONE);

  static EnsembleModel ensemble() {
    return of(MODEL, INDEPENDENT_BITS);
  }

  static EnsembleModel withTree() {
    return new EnsembleModel(new EnsembleModel.Member(MODEL, TEN), LOG_LIKELIHOOD, List.of(
        new EnsembleModel.Member(INDEPENDENT_BITS, TAILED), new EnsembleModel.Member(CHAIN, FIVE)));
  }

  private static EnsembleModel of(DensityModel model, DensityModel independentBits) {
    return new EnsembleModel(new EnsembleModel.Member(model, TEN), LOG_LIKELIHOOD,
        List.of(new EnsembleModel.Member(independentBits, TAILED)));
  }

  /** After "SRPL" and the u16 format version. */
  private static final int KIND_CODE_AT = 6;

  static DependencyTree chain(int bits) {
    int[] order = new int[bits];
    int[] parent = new int[bits];
    double[] off = new double[bits];
    double[] on = new double[bits];
    for (int d = 0; d < bits; d++) {
      order[d] = d;
      parent[d] = d - 1;
      off[d] = d == 0 ? 0.4 : 0.1;
      on[d] = d == 0 ? 0.4 : 0.8;
    }
    return new DependencyTree(order, parent, off, on);
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
  void shouldAddEveryCompanionsLogPValue() {
    EnsembleModel ensemble = withTree();
    SplittableRandom random = new SplittableRandom(5);
    for (int i = 0; i < 50; i++) {
      BitVector x = MODEL.sample(random);
      assertThat(ensemble.score(x).score()).isEqualTo(TEN.logPValue(MODEL.logLikelihood(x))
          + TAILED.logPValue(INDEPENDENT_BITS.logLikelihood(x))
          + FIVE.logPValue(CHAIN.logLikelihood(x)));
    }
    assertThat(ensemble.holdoutDetectionScore(-5, -12, -4)).isEqualTo(
        TEN.logPValueOfMember(-5) + TAILED.logPValueOfMember(-12) + FIVE.logPValueOfMember(-4));
    assertThatThrownBy(() -> ensemble.holdoutDetectionScore(-5, -12))
        .hasMessage("need 3 values, got 2");
    assertThat(ensemble).hasToString(
        MODEL + " with independent bits and a dependency tree (Fisher)");
  }

  @Test
  void shouldTellItsModelTheLogLikelihoodAtWhichTheCombinedScoreCrossesTheThreshold() {
    BinaryLatentModel sampled = BinaryLatentFixtures.withEnumerationLimit(
        BinaryLatentFixtures.random(6, 8, 12, 1.5, 12, 35), 3);
    GenericCodeLength code = new GenericCodeLength(12);
    SplittableRandom random = new SplittableRandom(11);
    double[] holdout = new double[200];
    for (int i = 0; i < holdout.length; i++) {
      BitVector x = sampled.sample(random);
      holdout[i] = COMPLEXITY_CORRECTED.value(x, sampled.logLikelihood(x), code);
    }
    java.util.Arrays.sort(holdout);
    ReferenceDistribution reference = new ReferenceDistribution(holdout, LowerTail.NONE);
    EnsembleModel ensemble = new EnsembleModel(new EnsembleModel.Member(sampled, reference),
        COMPLEXITY_CORRECTED, List.of(new EnsembleModel.Member(INDEPENDENT_BITS, TAILED)));
    double threshold = -4;
    int firstRound = 0;
    int more = 0;
    for (int i = 0; i < 200; i++) {
      BitVector x = sampled.sample(random);
      double others = TAILED.logPValue(INDEPENDENT_BITS.logLikelihood(x));
      // The sum reaches the threshold where the model's log p-value reaches threshold − others.
      double boundary = reference.inverseLogPValue(threshold - others) - code.nats(x);
      Scored expected = sampled.score(x, boundary);
      Scored scored = ensemble.score(x, threshold);
      assertThat(scored.samples()).isEqualTo(expected.samples());
      assertThat(scored.logLikelihood()).isEqualTo(expected.logLikelihood());
      assertThat(scored.score()).isEqualTo(
          reference.logPValue(expected.logLikelihood() + code.nats(x)) + others);
      assertThat(scored.score() >= threshold).isEqualTo(ensemble.score(x).score() >= threshold);
      if (scored.samples() == 8) firstRound++;
      if (scored.samples() > 8) more++;
      // A threshold no combined score can miss: no log p(x) decides it, the first round does.
      assertThat(ensemble.score(x, -1e6).samples()).isEqualTo(8);
    }
    assertThat(firstRound).isPositive();
    assertThat(more).isPositive();
  }

  @Test
  void shouldRefuseACompanionOfAnotherDimensionAnEnsembleInsideAndNoCompanions() {
    BernoulliMixture narrow = BernoulliMixture.of(new double[] {1.0}, new double[][] {{0.5, 0.5}});
    assertThatThrownBy(() -> of(MODEL, narrow))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("every companion must have L = 12 like the model, got 2 (mixture)");
    assertThatThrownBy(() -> of(ensemble(), INDEPENDENT_BITS))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("an ensemble's member cannot itself be an ensemble");
    assertThatThrownBy(() -> new EnsembleModel(new EnsembleModel.Member(MODEL, TEN), LOG_LIKELIHOOD,
        List.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("an ensemble needs 1..4 companions, got 0");
  }

  private static PublishedModel published() {
    return published(ensemble());
  }

  private static PublishedModel published(EnsembleModel ensemble) {
    Calibration calibration = new Calibration(-6.5, 0.01, 400, new double[] {-7, -5, -3, -1});
    return new PublishedModel(5, 1_714_564_800_000L, 2000, -9.5, calibration, ensemble);
  }

  @Test
  void shouldRoundTripAnEnsembleWithATreeBitExactly() throws Exception {
    PublishedModel decoded = ModelCodec.decode(ModelCodec.encode(published(withTree())), 12);

    EnsembleModel ensemble = (EnsembleModel) decoded.model();
    assertThat(ensemble.companions()).hasSize(2);
    DependencyTree tree = (DependencyTree) ensemble.companions().get(1).model();
    assertThat(tree.parents()).isEqualTo(CHAIN.parents());
    assertThat(ModelCodec.encode(decoded)).isEqualTo(ModelCodec.encode(published(withTree())));
    SplittableRandom random = new SplittableRandom(6);
    for (int i = 0; i < 20; i++) {
      BitVector x = MODEL.sample(random);
      assertThat(ensemble.score(x)).isEqualTo(withTree().score(x));
    }
  }

  @Test
  void shouldStillDecodeTheEarlierEnsembleLayoutWithIndependentBitsOnly() throws Exception {
    // Kind code 4: model kind, model payload, independent-bits payload, then both references.
    java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
    java.io.DataOutputStream out = new java.io.DataOutputStream(body);
    byte[] current = ModelCodec.encode(published());
    int payload = ForgedRecords.payloadAt(current);
    out.write(current, 0, payload);
    out.writeByte(1);
    writeMixture(out, MODEL);
    writeMixture(out, INDEPENDENT_BITS);
    writeReference(out, TEN);
    writeReference(out, TAILED);
    out.writeInt(0); // the checksum's place
    byte[] earlier = body.toByteArray();
    earlier[KIND_CODE_AT] = 4;

    PublishedModel decoded = ModelCodec.decode(ForgedRecords.withValidChecksum(earlier), 12);

    EnsembleModel ensemble = (EnsembleModel) decoded.model();
    SplittableRandom random = new SplittableRandom(7);
    for (int i = 0; i < 20; i++) {
      BitVector x = MODEL.sample(random);
      assertThat(ensemble.score(x)).isEqualTo(ensemble().score(x));
    }
  }

  private static void writeMixture(java.io.DataOutputStream out, BernoulliMixture mixture)
      throws java.io.IOException {
    out.writeInt(mixture.components());
    out.writeInt(mixture.dimension());
    for (double w : mixture.weights()) out.writeDouble(w);
    for (double t : mixture.thetaFlat()) out.writeDouble(t);
  }

  private static void writeReference(java.io.DataOutputStream out, ReferenceDistribution r)
      throws java.io.IOException {
    out.writeInt(r.quantiles().length);
    for (double v : r.quantiles()) out.writeDouble(v);
    out.writeInt(r.lowerTail().logLikelihoods().length);
    for (double v : r.lowerTail().logLikelihoods()) out.writeDouble(v);
    for (double v : r.lowerTail().rates()) out.writeDouble(v);
  }

  @Test
  void shouldRoundTripAnEnsembleRecordBitExactly() throws Exception {
    PublishedModel decoded = ModelCodec.decode(ModelCodec.encode(published()), 12);

    EnsembleModel ensemble = (EnsembleModel) decoded.model();
    assertThat(ensemble.model()).isInstanceOf(BernoulliMixture.class);
    assertThat(ensemble.modelReference()).isEqualTo(TEN);
    assertThat(ensemble.companions().get(0).reference()).isEqualTo(TAILED);
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
      EnsembleModel ensemble = of(model, INDEPENDENT_BITS);
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
        .hasMessage("an ensemble's model must have kind code 1, 2, 3 or 7, got 4");

    // The model's reference count sits after its kind code, the mixture (K=3, L=12) and the
    // statistic's code.
    int referenceAt = payload + 1 + 8 + (3 + 3 * 12) * 8 + 1;
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

  @Test
  void shouldRefuseATreeRecordAloneAForeignCompanionAndATreeWithACycle() {
    byte[] encoded = ModelCodec.encode(published(withTree()));
    byte[] alone = encoded.clone();
    alone[KIND_CODE_AT] = 6;
    assertThatThrownBy(() -> ModelCodec.decode(ForgedRecords.withValidChecksum(alone)))
        .isInstanceOf(ModelFormatException.class)
        .hasMessage("unknown model kind code 6");

    // After the model (kind code, K=3 L=12 mixture), its statistic's code and reference (10
    // values, no tail): the companion count, then the first companion's kind code.
    int companionsAt = ForgedRecords.payloadAt(encoded) + 1 + 8 + (3 + 3 * 12) * 8 + 1
        + 4 + 10 * 8 + 4;
    assertThat(encoded[companionsAt]).isEqualTo((byte) 2);
    byte[] foreign = encoded.clone();
    foreign[companionsAt + 1] = 2;
    assertThatThrownBy(() -> ModelCodec.decode(ForgedRecords.withValidChecksum(foreign)))
        .isInstanceOf(ModelFormatException.class)
        .hasMessage("an ensemble's companion must have kind code 1 or 6, got 2");

    // The tree follows the independent bits (K=1, L=12) and their reference (5 values, 3 tail
    // nodes): its kind code, L, then the order; its parents after that. Bit 1's parent becomes 2.
    int treeAt = companionsAt + 1 + 1 + 8 + 13 * 8 + 4 + 5 * 8 + 4 + 3 * 16;
    assertThat(encoded[treeAt]).isEqualTo((byte) 6);
    int parentsAt = treeAt + 1 + 4 + 12 * 4;
    byte[] cycle = encoded.clone();
    ByteBuffer.wrap(cycle).putInt(parentsAt + 4, 2);
    assertThatThrownBy(() -> ModelCodec.decode(ForgedRecords.withValidChecksum(cycle)))
        .isInstanceOf(ModelFormatException.class)
        .hasMessage("model parameters are invalid: bit 1 must have a parent placed before it in "
            + "the order, got 2");

    for (int length = 0; length < encoded.length; length += 7) {
      byte[] cut = java.util.Arrays.copyOf(encoded, length);
      assertThatThrownBy(() -> ModelCodec.decode(cut)).isInstanceOf(ModelFormatException.class);
    }
  }

  @Test
  void shouldTakeTheModelsPValueOfItsComplexityCorrectedLogLikelihoodAndKeepItInTheRecord()
      throws Exception {
    EnsembleModel corrected = new EnsembleModel(new EnsembleModel.Member(MODEL, TEN),
        COMPLEXITY_CORRECTED, List.of(new EnsembleModel.Member(INDEPENDENT_BITS, TAILED)));
    GenericCodeLength code = new GenericCodeLength(12);
    SplittableRandom random = new SplittableRandom(9);
    for (int i = 0; i < 30; i++) {
      BitVector x = MODEL.sample(random);
      double logLikelihood = MODEL.logLikelihood(x);
      assertThat(corrected.modelStatistic(x, logLikelihood))
          .isEqualTo(logLikelihood + code.nats(x));
      assertThat(corrected.score(x).score()).isEqualTo(
          TEN.logPValue(logLikelihood + code.nats(x))
              + TAILED.logPValue(INDEPENDENT_BITS.logLikelihood(x)));
      assertThat(corrected.score(x).logLikelihood()).isEqualTo(logLikelihood);
    }

    EnsembleModel decoded = (EnsembleModel)
        ModelCodec.decode(ModelCodec.encode(published(corrected)), 12).model();
    assertThat(decoded.statistic()).isEqualTo(COMPLEXITY_CORRECTED);
    BitVector x = MODEL.sample(random);
    assertThat(decoded.score(x)).isEqualTo(corrected.score(x));

    byte[] encoded = ModelCodec.encode(published(corrected));
    int statisticAt = ForgedRecords.payloadAt(encoded) + 1 + 8 + (3 + 3 * 12) * 8;
    assertThat(encoded[statisticAt]).isEqualTo((byte) COMPLEXITY_CORRECTED.code());
    byte[] unknown = encoded.clone();
    unknown[statisticAt] = 7;
    assertThatThrownBy(() -> ModelCodec.decode(ForgedRecords.withValidChecksum(unknown)))
        .isInstanceOf(ModelFormatException.class)
        .hasMessage("model parameters are invalid: unknown model statistic code 7");
  }

  @Test
  void shouldCorrectEveryMemberWhenTheCodeHasALagAndKeepTheLagInTheRecord() throws Exception {
    GenericCodeLength lagged = new GenericCodeLength(12, 4);
    EnsembleModel corrected = new EnsembleModel(new EnsembleModel.Member(MODEL, TEN),
        COMPLEXITY_CORRECTED, lagged, List.of(
            new EnsembleModel.Member(INDEPENDENT_BITS, TAILED),
            new EnsembleModel.Member(CHAIN, FIVE)));
    SplittableRandom random = new SplittableRandom(10);
    for (int i = 0; i < 30; i++) {
      BitVector x = MODEL.sample(random);
      double nats = lagged.nats(x);
      assertThat(EnsembleModel.companionStatistic(lagged, x, -3.0)).isEqualTo(-3.0 + nats);
      assertThat(corrected.score(x).score()).isCloseTo(
          TEN.logPValue(MODEL.logLikelihood(x) + nats)
              + TAILED.logPValue(INDEPENDENT_BITS.logLikelihood(x) + nats)
              + FIVE.logPValue(CHAIN.logLikelihood(x) + nats), within(1e-12));
      // Told the threshold, it scores the same.
      assertThat(corrected.score(x, -3.0).score()).isEqualTo(corrected.score(x).score());
    }
    // Without a lag the companions stay raw.
    assertThat(EnsembleModel.companionStatistic(new GenericCodeLength(12), MODEL.sample(random),
        -3.0)).isEqualTo(-3.0);

    byte[] encoded = ModelCodec.encode(published(corrected));
    EnsembleModel decoded = (EnsembleModel) ModelCodec.decode(encoded, 12).model();
    assertThat(decoded.codeLength().lag()).isEqualTo(4);
    assertThat(decoded.toString()).contains("complexity-corrected, lag 4");
    BitVector x = MODEL.sample(random);
    assertThat(decoded.score(x)).isEqualTo(corrected.score(x));

    int statisticAt = ForgedRecords.payloadAt(encoded) + 1 + 8 + (3 + 3 * 12) * 8;
    assertThat(encoded[statisticAt]).isEqualTo((byte) 2);
    byte[] tooLong = encoded.clone();
    java.nio.ByteBuffer.wrap(tooLong).putInt(statisticAt + 1, 12);
    assertThatThrownBy(() -> ModelCodec.decode(ForgedRecords.withValidChecksum(tooLong)))
        .isInstanceOf(ModelFormatException.class)
        .hasMessageContaining("the code length's lag must be in 2..11 for L = 12, got 12");
  }
}
