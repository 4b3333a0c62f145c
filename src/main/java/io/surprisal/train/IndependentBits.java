package io.surprisal.train;

import io.surprisal.event.BitVector;
import io.surprisal.model.BernoulliMixture;
import java.util.List;

/**
 * The independent-bits model of a set of rows: one Bernoulli per bit, θ_d = (ones_d + α) /
 * (n + 2α), the mixture with K = 1 in closed form (the same Beta(1+α, 1+α) smoothing as EM's).
 */
final class IndependentBits {
  private IndependentBits() {}

  static BernoulliMixture fit(List<BitVector> rows, double prior) {
    if (rows.isEmpty()) throw new IllegalArgumentException("rows must not be empty");
    int dimension = rows.get(0).dimension();
    double[] ones = new double[dimension];
    for (BitVector row : rows) {
      for (int i = 0; i < row.activeCount(); i++) ones[row.activeIndex(i)]++;
    }
    double[][] theta = new double[1][dimension];
    for (int d = 0; d < dimension; d++) {
      theta[0][d] = (ones[d] + prior) / (rows.size() + 2 * prior);
    }
    return BernoulliMixture.of(new double[] {1.0}, theta);
  }
}
