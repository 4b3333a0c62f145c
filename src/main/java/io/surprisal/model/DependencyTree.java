package io.surprisal.model;

import io.surprisal.event.BitVector;
import io.surprisal.event.FeatureContribution;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * A tree of pairwise dependencies between bits (a Chow-Liu tree): every bit but the root has one
 * parent bit, and p(x) = p(x_root) Π_d p(x_d | x_parent(d)). It has no latent variable and cannot
 * learn a cluster of rare events the way a flexible model can, but unlike independent bits it
 * knows which bits go together, so it ranks an event that breaks a pairwise habit of the traffic
 * (a bit on without the bit it always comes with) first. Fitted in closed form by {@code
 * io.surprisal.train.DependencyTreeFit}; an {@link EnsembleModel} member.
 *
 * <p>Scoring is exact and sparse: with c_d(v) = log p(x_d = 0 | parent = v), log p(x) is the sum of
 * c_d(0) over all bits, plus, for every active bit, the shift of its children's c from parent-off
 * to parent-on, plus its own log-odds given its parent's value: O(nnz(x) + L/64) per event (the
 * active bits are set in a bit set for the parent lookups).
 */
public final class DependencyTree implements DensityModel {
  public static final String KIND = "dependency-tree";
  /** No parent: the root's. */
  public static final int ROOT = -1;

  private final int dimension;
  /** Bits in an order where every parent comes before its children; order[0] is the root. */
  private final int[] order;
  /** parent[d], or {@link #ROOT}. */
  private final int[] parent;
  /** p(x_d = 1 | parent off) and p(x_d = 1 | parent on); equal for the root (its marginal). */
  private final double[] onGivenParentOff;
  private final double[] onGivenParentOn;

  /** Σ_d log p(x_d = 0 | parent off): log p of the all-zero vector. */
  private final double allZero;
  /**
   * What bit d being on adds to log p(x), at 2d with its parent off and at 2d + 1 with it on: its
   * log-odds given that parent value, plus the shift of its children's c from parent-off to
   * parent-on (Σ_children c(1) − c(0)). One read per active bit, indexed by the parent's bit.
   */
  private final double[] onAdds;
  /**
   * parent[d], or L for the root: bit L is never set, so the root reads its parent-off value
   * without a branch. Branches on the parent's value, half taken at random on dense traffic, had
   * cost the tree three times its reads at L = 784.
   */
  private final int[] parentOrNone;

  /**
   * @param order every bit once, each bit after its parent; order[0] is the root
   * @param parent each bit's parent, {@link #ROOT} for order[0] alone
   * @param onGivenParentOff p(x_d = 1 | parent off), strictly inside (0, 1)
   * @param onGivenParentOn p(x_d = 1 | parent on), strictly inside (0, 1); the root's must equal
   *     its onGivenParentOff
   * @throws IllegalArgumentException naming the first value that breaks a rule
   */
  public DependencyTree(
      int[] order, int[] parent, double[] onGivenParentOff, double[] onGivenParentOn) {
    int n = order.length;
    if (n == 0) throw new IllegalArgumentException("a dependency tree needs at least one bit");
    if (parent.length != n || onGivenParentOff.length != n || onGivenParentOn.length != n) {
      throw new IllegalArgumentException("order, parent and both probability arrays must hold L = "
          + n + " values, got " + parent.length + ", " + onGivenParentOff.length + ", "
          + onGivenParentOn.length);
    }
    this.dimension = n;
    this.order = order.clone();
    this.parent = parent.clone();
    this.onGivenParentOff = onGivenParentOff.clone();
    this.onGivenParentOn = onGivenParentOn.clone();
    requireTree(this.order, this.parent);
    for (int d = 0; d < n; d++) {
      requireProbability("onGivenParentOff", d, this.onGivenParentOff[d]);
      requireProbability("onGivenParentOn", d, this.onGivenParentOn[d]);
    }
    int root = this.order[0];
    if (this.onGivenParentOff[root] != this.onGivenParentOn[root]) {
      throw new IllegalArgumentException("the root bit " + root
          + " has no parent: its two probabilities must be equal, got "
          + this.onGivenParentOff[root] + " and " + this.onGivenParentOn[root]);
    }
    double[] childShift = new double[n];
    double[] logOddsParentOff = new double[n];
    double[] logOddsParentOn = new double[n];
    double zero = 0;
    for (int d = 0; d < n; d++) {
      double offGivenOff = Math.log1p(-this.onGivenParentOff[d]);
      double offGivenOn = Math.log1p(-this.onGivenParentOn[d]);
      zero += offGivenOff;
      if (this.parent[d] != ROOT) childShift[this.parent[d]] += offGivenOn - offGivenOff;
      logOddsParentOff[d] = Math.log(this.onGivenParentOff[d]) - offGivenOff;
      logOddsParentOn[d] = Math.log(this.onGivenParentOn[d]) - offGivenOn;
    }
    this.onAdds = new double[2 * n];
    this.parentOrNone = new int[n];
    for (int d = 0; d < n; d++) {
      onAdds[2 * d] = childShift[d] + logOddsParentOff[d];
      onAdds[2 * d + 1] = childShift[d] + logOddsParentOn[d];
      parentOrNone[d] = this.parent[d] == ROOT ? n : this.parent[d];
    }
    this.allZero = zero;
  }

  private static void requireTree(int[] order, int[] parent) {
    int n = order.length;
    int[] position = new int[n];
    Arrays.fill(position, -1);
    for (int i = 0; i < n; i++) {
      int d = order[i];
      if (d < 0 || d >= n || position[d] >= 0) {
        throw new IllegalArgumentException(
            "order must hold every bit 0.." + (n - 1) + " once, got " + d + " at " + i);
      }
      position[d] = i;
    }
    for (int i = 0; i < n; i++) {
      int d = order[i];
      int p = parent[d];
      if (i == 0 ? p != ROOT : p < 0 || p >= n || position[p] >= i) {
        throw new IllegalArgumentException(i == 0
            ? "the root bit " + d + " must have parent " + ROOT + ", got " + p
            : "bit " + d + " must have a parent placed before it in the order, got " + p);
      }
    }
  }

  private static void requireProbability(String field, int d, double p) {
    if (!(p > 0 && p < 1)) {
      throw new IllegalArgumentException(field + "[" + d + "] must be inside (0, 1), got " + p);
    }
  }

  @Override
  public String kind() {
    return KIND;
  }

  @Override
  public int dimension() {
    return dimension;
  }

  public int[] order() {
    return order.clone();
  }

  public int[] parents() {
    return parent.clone();
  }

  public double[] onGivenParentOff() {
    return onGivenParentOff.clone();
  }

  public double[] onGivenParentOn() {
    return onGivenParentOn.clone();
  }

  @Override
  public double logLikelihood(BitVector x) {
    // The active bits as a bit set, so that each parent lookup is one shift, not a binary search
    // over the active indices (at L = 784 that search cost the ensemble a third of its events/s).
    // One word more than L needs: it holds bit L, the root's parent, never set.
    long[] on = new long[(dimension >>> 6) + 1];
    int active = x.activeCount();
    for (int i = 0; i < active; i++) {
      int d = x.activeIndex(i);
      on[d >>> 6] |= 1L << d;
    }
    double sum = allZero;
    for (int i = 0; i < active; i++) {
      int d = x.activeIndex(i);
      int p = parentOrNone[d];
      int parentBit = (int) (on[p >>> 6] >>> p) & 1; // a long shifts by p mod 64
      sum += onAdds[2 * d + parentBit];
    }
    return sum;
  }

  private boolean parentOn(BitVector x, int d) {
    int p = parent[d];
    return p != ROOT && x.get(p);
  }

  /** The bits whose value is least probable given their parent's, lowest first. */
  @Override
  public List<FeatureContribution> explain(BitVector x, int count) {
    List<FeatureContribution> all = new ArrayList<>(dimension);
    for (int d = 0; d < dimension; d++) {
      boolean on = x.get(d);
      double p = parentOn(x, d) ? onGivenParentOn[d] : onGivenParentOff[d];
      all.add(new FeatureContribution(d, on ? 1 : 0, on ? Math.log(p) : Math.log1p(-p)));
    }
    all.sort(Comparator.comparingDouble(FeatureContribution::logProb));
    return List.copyOf(all.subList(0, Math.min(count, all.size())));
  }

  /** Ancestral sampling: each bit drawn after its parent, given the parent's drawn value. */
  @Override
  public BitVector sample(RandomGenerator random) {
    boolean[] on = new boolean[dimension];
    int count = 0;
    for (int d : order) {
      int p = parent[d];
      double probability = p != ROOT && on[p] ? onGivenParentOn[d] : onGivenParentOff[d];
      on[d] = random.nextDouble() < probability;
      if (on[d]) count++;
    }
    int[] active = new int[count];
    int next = 0;
    for (int d = 0; d < dimension; d++) if (on[d]) active[next++] = d;
    return BitVector.ofActive(dimension, active);
  }

  @Override
  public String toString() {
    return "DependencyTree{L=" + dimension + "}";
  }
}
