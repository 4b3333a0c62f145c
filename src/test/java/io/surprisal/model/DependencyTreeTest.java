package io.surprisal.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.surprisal.event.BitVector;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The tree's exact, sparse log-likelihood, its samples and the trees it refuses. */
class DependencyTreeTest {
  /** Root 2; 0 and 3 hang from 2, 1 from 0. */
  private static final DependencyTree TREE = new DependencyTree(
      new int[] {2, 0, 3, 1}, new int[] {2, 0, DependencyTree.ROOT, 2},
      new double[] {0.2, 0.3, 0.6, 0.1}, new double[] {0.9, 0.7, 0.6, 0.5});

  /** log p(x) the long way: every bit given its parent's value. */
  private static double dense(DependencyTree tree, BitVector x) {
    double sum = 0;
    int[] parent = tree.parents();
    for (int d = 0; d < tree.dimension(); d++) {
      boolean parentOn = parent[d] != DependencyTree.ROOT && x.get(parent[d]);
      double p = parentOn ? tree.onGivenParentOn()[d] : tree.onGivenParentOff()[d];
      sum += Math.log(x.get(d) ? p : 1 - p);
    }
    return sum;
  }

  @Test
  void shouldGiveEveryVectorItsExactProbabilityAndSumToOne() {
    double total = 0;
    for (int bits = 0; bits < 16; bits++) {
      int[] dense = new int[4];
      for (int d = 0; d < 4; d++) dense[d] = (bits >> d) & 1;
      BitVector x = BitVector.ofDense(dense);
      assertThat(TREE.logLikelihood(x)).isCloseTo(dense(TREE, x), within(1e-12));
      total += Math.exp(TREE.logLikelihood(x));
    }
    assertThat(total).isCloseTo(1.0, within(1e-12));
  }

  @Test
  void shouldDrawSamplesAtTheTreesProbabilities() {
    SplittableRandom random = new SplittableRandom(11);
    int draws = 200_000;
    int[] counts = new int[16];
    for (int i = 0; i < draws; i++) {
      BitVector x = TREE.sample(random);
      int code = 0;
      for (int d = 0; d < 4; d++) if (x.get(d)) code |= 1 << d;
      counts[code]++;
    }
    for (int code = 0; code < 16; code++) {
      int[] dense = new int[4];
      for (int d = 0; d < 4; d++) dense[d] = (code >> d) & 1;
      double p = Math.exp(TREE.logLikelihood(BitVector.ofDense(dense)));
      // Five standard errors of a binomial share.
      assertThat((double) counts[code] / draws)
          .isCloseTo(p, within(5 * Math.sqrt(p * (1 - p) / draws) + 1e-9));
    }
  }

  @Test
  void shouldExplainAnEventByTheBitsLeastProbableGivenTheirParent() {
    // Bit 0 on with its parent 2 off has p 0.2; bit 1 off with its parent 0 on 1 − 0.7.
    BitVector x = BitVector.ofActive(4, 0);
    assertThat(TREE.explain(x, 2)).extracting(FeatureContributionIndex::of)
        .containsExactly(0, 1);
  }

  private static final class FeatureContributionIndex {
    static int of(io.surprisal.event.FeatureContribution c) {
      return c.index();
    }
  }

  @Test
  void shouldRefuseWhatIsNotATreeOrNotAProbability() {
    double[] half = {0.5, 0.5, 0.5};
    assertThatThrownBy(() -> new DependencyTree(
        new int[] {0, 1, 1}, new int[] {DependencyTree.ROOT, 0, 0}, half, half))
        .hasMessage("order must hold every bit 0..2 once, got 1 at 2");
    assertThatThrownBy(() -> new DependencyTree(
        new int[] {0, 1, 2}, new int[] {DependencyTree.ROOT, 2, 1}, half, half))
        .hasMessage("bit 1 must have a parent placed before it in the order, got 2");
    assertThatThrownBy(() -> new DependencyTree(
        new int[] {0, 1, 2}, new int[] {1, 0, 1}, half, half))
        .hasMessage("the root bit 0 must have parent -1, got 1");
    assertThatThrownBy(() -> new DependencyTree(new int[] {0, 1, 2},
        new int[] {DependencyTree.ROOT, 0, 1}, new double[] {0.5, 1.0, 0.5}, half))
        .hasMessage("onGivenParentOff[1] must be inside (0, 1), got 1.0");
    assertThatThrownBy(() -> new DependencyTree(new int[] {0, 1, 2},
        new int[] {DependencyTree.ROOT, 0, 1}, half, new double[] {0.4, 0.5, 0.5}))
        .hasMessage("the root bit 0 has no parent: its two probabilities must be equal, "
            + "got 0.5 and 0.4");
  }
}
