package io.surprisal.train;

import static org.assertj.core.api.Assertions.assertThat;

import io.surprisal.event.BitVector;
import io.surprisal.generate.SyntheticMixtures;
import io.surprisal.model.BernoulliMixture;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The latent readout names the component that generated an event, for the truth and for a fit. */
class LatentReadoutTest {
  private static final int COMPONENTS = 6;
  private static final int DIMENSION = 64;

  private final BernoulliMixture truth =
      SyntheticMixtures.separated(COMPONENTS, DIMENSION, 0.02, 0.1, 31);

  @Test
  void shouldReadOutTheGeneratingComponentOfAtLeast95PercentOfEvents() {
    Random random = new Random(32);
    List<BitVector> training = new ArrayList<>();
    for (int i = 0; i < 6_000; i++) training.add(draw(random, pick(random)));
    BernoulliMixture fitted = new BernoulliMixtureTrainer(new BernoulliMixtureTrainer.Settings(
        List.of(2, 4, 6, 8), 3, 200, 1e-4, 1.0, 0.2, 33)).fit(training);

    int n = 4_000;
    int[] generating = new int[n];
    List<BitVector> events = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      generating[i] = pick(random);
      events.add(draw(random, generating[i]));
    }
    // The truth's own readout: its components are the generating ones.
    int truthHits = 0;
    for (int i = 0; i < n; i++) {
      if (Integer.parseInt(truth.latent(events.get(i)).state()) == generating[i]) truthHits++;
    }
    assertThat(truthHits / (double) n).isGreaterThanOrEqualTo(0.95);

    // A fit numbers its components its own way: map each to the generating component it reads
    // out most often, then count agreement.
    Map<String, Map<Integer, Integer>> votes = new HashMap<>();
    for (int i = 0; i < n; i++) {
      votes.computeIfAbsent(fitted.latent(events.get(i)).state(), k -> new HashMap<>())
          .merge(generating[i], 1, Integer::sum);
    }
    int fittedHits = votes.values().stream()
        .mapToInt(v -> v.values().stream().mapToInt(Integer::intValue).max().orElse(0)).sum();
    assertThat(fittedHits / (double) n).isGreaterThanOrEqualTo(0.95);
  }

  private int pick(Random random) {
    double[] weights = truth.weights();
    double u = random.nextDouble();
    for (int k = 0; k < COMPONENTS; k++) {
      u -= weights[k];
      if (u < 0) return k;
    }
    return COMPONENTS - 1;
  }

  private BitVector draw(Random random, int component) {
    int[] bits = new int[DIMENSION];
    for (int d = 0; d < DIMENSION; d++) {
      bits[d] = random.nextDouble() < truth.theta(component, d) ? 1 : 0;
    }
    return BitVector.ofDense(bits);
  }
}
