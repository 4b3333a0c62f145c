package io.surprisal.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.surprisal.event.BitVector;
import io.surprisal.evaluation.DetectionMetrics;
import io.surprisal.model.BernoulliMixture;
import io.surprisal.model.DependencyTree;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Chow and Liu's fit: it finds the dependencies that generated the rows, and so ranks events that
 * break a pairwise habit, which independent bits cannot see.
 */
class DependencyTreeFitTest {
  private static final int L = 24;

  /**
   * A random tree over L bits (each bit's parent drawn among the bits before it), every bit
   * copying its parent with probability 0.9: strong, known dependencies.
   */
  private static DependencyTree truth(long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    int[] order = new int[L];
    int[] parent = new int[L];
    double[] off = new double[L];
    double[] on = new double[L];
    for (int d = 0; d < L; d++) {
      order[d] = d;
      parent[d] = d == 0 ? DependencyTree.ROOT : random.nextInt(d);
      off[d] = d == 0 ? 0.5 : 0.1;
      on[d] = d == 0 ? 0.5 : 0.9;
    }
    return new DependencyTree(order, parent, off, on);
  }

  private static Set<List<Integer>> edges(DependencyTree tree) {
    Set<List<Integer>> edges = new HashSet<>();
    int[] parent = tree.parents();
    for (int d = 0; d < parent.length; d++) {
      if (parent[d] != DependencyTree.ROOT) {
        edges.add(List.of(Math.min(d, parent[d]), Math.max(d, parent[d])));
      }
    }
    return edges;
  }

  private static List<BitVector> rows(DependencyTree tree, int count, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    List<BitVector> rows = new ArrayList<>();
    for (int i = 0; i < count; i++) rows.add(tree.sample(random));
    return rows;
  }

  @Test
  void shouldRecoverTheTreeThatGeneratedTheRows() {
    DependencyTree truth = truth(1);

    DependencyTree fitted = DependencyTreeFit.fit(rows(truth, 5_000, 2), 1.0, 3);

    assertThat(edges(fitted)).isEqualTo(edges(truth));
    // A conditional it learned: 0.9 of a child copies its parent's "on".
    int child = 5;
    assertThat(fitted.onGivenParentOn()[child] + fitted.onGivenParentOff()[child])
        .isCloseTo(1.0, within(0.05));
  }

  @Test
  void shouldRankEventsThatBreakAPairwiseHabitFirstWhereIndependentBitsCannot() {
    DependencyTree truth = truth(4);
    List<BitVector> train = rows(truth, 3_000, 5);
    DependencyTree tree = DependencyTreeFit.fit(train, 1.0, 6);
    BernoulliMixture independentBits = IndependentBits.fit(train, 1.0);

    // Anomalies: each bit drawn with its own marginal, ignoring its parent. Their bits are as
    // common as normal events' one by one; only the pairs are wrong.
    SplittableRandom random = new SplittableRandom(7);
    List<BitVector> test = rows(truth, 2_000, 8);
    boolean[] anomalous = new boolean[2_200];
    for (int i = 0; i < 200; i++) {
      int[] bits = new int[L];
      for (int d = 0; d < L; d++) bits[d] = random.nextDouble() < 0.5 ? 1 : 0;
      test.add(BitVector.ofDense(bits));
      anomalous[2_000 + i] = true;
    }
    double[] treeScores = new double[test.size()];
    double[] bitsScores = new double[test.size()];
    for (int i = 0; i < test.size(); i++) {
      treeScores[i] = -tree.logLikelihood(test.get(i));
      bitsScores[i] = -independentBits.logLikelihood(test.get(i));
    }

    assertThat(DetectionMetrics.rocAuc(treeScores, anomalous)).isGreaterThan(0.99);
    assertThat(DetectionMetrics.rocAuc(bitsScores, anomalous)).isBetween(0.4, 0.65);
  }

  @Test
  void shouldGiveIndependentBitsAboutNoMutualInformationAndRefuseTooManyBits() {
    SplittableRandom random = new SplittableRandom(9);
    List<BitVector> rows = new ArrayList<>();
    for (int i = 0; i < 20_000; i++) {
      rows.add(BitVector.ofDense(new int[] {random.nextInt(2), random.nextInt(2)}));
    }
    DependencyTreeFit.PairCounts counts = DependencyTreeFit.PairCounts.of(rows, 2);
    assertThat(DependencyTreeFit.mutualInformation(counts, 0, 1, 1.0)).isLessThan(5e-4);

    assertThatThrownBy(() -> DependencyTreeFit.fit(
        List.of(BitVector.ofActive(DependencyTreeFit.MAX_DIMENSION + 1, 0)), 1.0, 1))
        .hasMessage("a dependency tree takes at most 4096 bits, got 4097");
  }
}
