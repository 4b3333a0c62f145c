package io.surprisal.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.surprisal.event.BitVector;
import io.surprisal.generate.SyntheticMixtures;
import io.surprisal.model.BernoulliMixture;
import io.surprisal.model.DensityModel;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BernoulliMixtureTrainerTest {

  @Test
  void shouldReachHeldOutLogLikelihoodWithinHalfPercentOfTrueEightComponentModel() {
    BernoulliMixture truth = SyntheticMixtures.separated(8, 64, 11);
    Random random = new Random(12);
    List<BitVector> training = draw(truth, 20_000, random);
    List<BitVector> heldOut = draw(truth, 10_000, random);

    BernoulliMixture fitted = new BernoulliMixtureTrainer(BernoulliMixtureTrainer.Settings.defaults())
        .fit(training);

    double truthMean = mean(truth, heldOut);
    double fittedMean = mean(fitted, heldOut);
    assertThat(fittedMean).isGreaterThan(truthMean * 1.005); // log-likelihoods are negative
    assertThat(fitted.components()).isBetween(8, 16);
  }

  @Test
  void shouldGiveTheSameModelForTheSameSeed() {
    BernoulliMixture truth = SyntheticMixtures.separated(3, 16, 5);
    List<BitVector> rows = draw(truth, 2_000, new Random(6));
    BernoulliMixtureTrainer.Settings settings =
        new BernoulliMixtureTrainer.Settings(List.of(2, 3, 4), 2, 100, 1e-6, 1.0, 0.2, 99);
    BernoulliMixture first = new BernoulliMixtureTrainer(settings).fit(rows);
    BernoulliMixture second = new BernoulliMixtureTrainer(settings).fit(rows);
    assertThat(second.thetaFlat()).containsExactly(first.thetaFlat());
    assertThat(first.components()).isEqualTo(3);
  }

  @Test
  void shouldNotGrowAComponentForScatteredAnomaliesWhenTrimmed() {
    // A window of four clusters with 2% coin-flip events. Fitted on every row, EM spends
    // components on the coin flips (K = 8 chosen), and they come out only a few nats below the
    // normal tail; trimmed (the default), it keeps the four clusters and leaves the coin flips far
    // below it.
    BernoulliMixture truth = SyntheticMixtures.separated(4, 64, 1);
    Random random = new Random(101);
    List<BitVector> window = new ArrayList<>();
    for (int i = 0; i < 5_000; i++) {
      window.add(random.nextDouble() < 0.02 ? coinFlips(random, 64) : truth.sample(random));
    }
    List<BitVector> normal = draw(truth, 2_000, random);
    List<BitVector> anomalies = new ArrayList<>();
    for (int i = 0; i < 200; i++) anomalies.add(coinFlips(random, 64));
    BernoulliMixtureTrainer.Settings settings =
        BernoulliMixtureTrainer.Settings.defaults().withSeed(1);

    BernoulliMixture everyRow = new BernoulliMixtureTrainer(settings.withTrim(0)).fit(window);
    BernoulliMixture trimmed = new BernoulliMixtureTrainer(settings).fit(window);

    // Measured: K = 8 and a margin of 5.0 nats fitted on every row; K = 4 and 18.7 nats trimmed.
    assertThat(everyRow.components()).isGreaterThan(4);
    assertThat(trimmed.components()).isEqualTo(4);
    assertThat(margin(everyRow, normal, anomalies)).isLessThan(10);
    assertThat(margin(trimmed, normal, anomalies)).isGreaterThan(15);
  }

  @Test
  void shouldGiveEveryComponentAtLeastTwentyFiveTrainingRowsOnSmallWindows() {
    // Twenty well-separated groups: validation likelihood asks for every one of them. 400 rows
    // (320 after validation) allow at most 12 components of 25 rows, so K stops at 8; 4,000 rows
    // (measured: K = 32) show the floor is what stops it.
    BernoulliMixture truth = SyntheticMixtures.separated(20, 64, 3);
    BernoulliMixtureTrainer trainer =
        new BernoulliMixtureTrainer(BernoulliMixtureTrainer.Settings.defaults().withSeed(4));

    BernoulliMixture small = trainer.fit(draw(truth, 400, new Random(5)));
    BernoulliMixture large = trainer.fit(draw(truth, 4_000, new Random(5)));

    assertThat(small.components()).isEqualTo(8);
    assertThat(large.components()).isGreaterThanOrEqualTo(16);
  }

  @Test
  void shouldAlwaysTryTheFirstCandidateHoweverFewTheRows() {
    BernoulliMixture truth = SyntheticMixtures.separated(2, 16, 6);
    BernoulliMixtureTrainer.Settings settings =
        new BernoulliMixtureTrainer.Settings(List.of(4, 8), 2, 100, 1e-4, 1.0, 0.2, 7);

    BernoulliMixture fitted = new BernoulliMixtureTrainer(settings).fit(draw(truth, 40, new Random(8)));

    assertThat(fitted.components()).isEqualTo(4);
  }

  @Test
  void shouldRefuseATrimThatLeavesTooFewRowsToFit() {
    assertThatThrownBy(() -> BernoulliMixtureTrainer.Settings.defaults().withTrim(0.5))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("trim must be in [0, 0.2], got 0.5");
  }

  /** How far the anomalies' median log p(x) lies below the normal events' 0.1% quantile. */
  private static double margin(
      BernoulliMixture model, List<BitVector> normal, List<BitVector> anomalies) {
    double[] normalValues = normal.stream().mapToDouble(model::logLikelihood).sorted().toArray();
    double[] anomalyValues =
        anomalies.stream().mapToDouble(model::logLikelihood).sorted().toArray();
    return normalValues[normalValues.length / 1000] - anomalyValues[anomalyValues.length / 2];
  }

  private static BitVector coinFlips(Random random, int bits) {
    int[] dense = new int[bits];
    for (int d = 0; d < bits; d++) dense[d] = random.nextBoolean() ? 1 : 0;
    return BitVector.ofDense(dense);
  }

  static List<BitVector> draw(DensityModel model, int count, Random random) {
    List<BitVector> rows = new ArrayList<>(count);
    for (int i = 0; i < count; i++) rows.add(model.sample(random));
    return rows;
  }

  static double mean(DensityModel model, List<BitVector> rows) {
    return rows.stream().mapToDouble(model::logLikelihood).average().orElseThrow();
  }
}
