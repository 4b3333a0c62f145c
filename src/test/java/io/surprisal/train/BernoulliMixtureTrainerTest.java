package io.surprisal.train;

import static org.assertj.core.api.Assertions.assertThat;

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

  static List<BitVector> draw(DensityModel model, int count, Random random) {
    List<BitVector> rows = new ArrayList<>(count);
    for (int i = 0; i < count; i++) rows.add(model.sample(random));
    return rows;
  }

  static double mean(DensityModel model, List<BitVector> rows) {
    return rows.stream().mapToDouble(model::logLikelihood).average().orElseThrow();
  }
}
