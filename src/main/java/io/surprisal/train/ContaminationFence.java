package io.surprisal.train;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Leaves far-out anomalies in a holdout out of its calibration. The training window is recent
 * traffic and so already holds some anomalies; left in, they sit at the bottom of the holdout and,
 * once their share exceeds q, the threshold lands among them and most anomalies go unflagged.
 *
 * <p>What counts as far out is judged against the holdout's own lower tail, not its centre: normal
 * log-likelihoods are usually left-skewed (a long tail of improbable-but-normal events), and a
 * fence at a fixed number of robust standard deviations below the median cuts into that tail (on a
 * mirrored log-normal, σ = 0.5, a fence at 6σ̂ took 0.32% of the clean values, and a q = 0.001
 * threshold above them alerts at about 4q). Here the lower tail is fitted ({@link LowerTailFit})
 * blind to its j lowest values: the fit is truncated at the (j+1)-th, so what is being judged does
 * not steer the judge. The fence is where that tail expects {@link #EXPECTED_NORMAL_BEYOND} of the
 * holdout's n normal values, and the values below it are contamination, at most ⌊maxShare·n⌋ of
 * them. The fit assumes a tail at least as heavy as an exponential (shape ξ &gt;= 0): a fitted
 * bounded tail is not trusted to end where it seems to. With shapes down to −0.5 allowed, 6 in 100
 * contaminated normal holdouts of 20,000 lost a clean value too; with ξ &gt;= 0, none.
 *
 * <p>j is tried at ⌊maxShare·n⌋ (robust to the most contamination, but blind to the most of the
 * tail and so the widest fence) and at the three widest normalized gaps among the lowest 5% of the
 * holdout, then refined upward; the largest count found wins. More than ⌊maxShare·n⌋ below the
 * fence is reported, and the lowest ⌊maxShare·n⌋ are removed. Measured (ContaminationFenceTest and
 * during development): on clean normal and mirrored log-normal holdouts of 200 to 20,000 values,
 * no holdout of 1,000 (100 at 20,000) lost a value; 0.5% and 1% of values 50 to 100 times the
 * median log-likelihood below it were all removed at n &gt;= 2,000, and at n = 200 a single one in
 * 999 of 1,000 holdouts.
 */
final class ContaminationFence {
  private static final Logger log = LoggerFactory.getLogger(ContaminationFence.class);
  /** How many normal holdout values the fitted tail expects below the fence. */
  static final double EXPECTED_NORMAL_BEYOND = 0.01;
  /** The largest share a setting may allow: the values a fit is blind to must leave it a tail. */
  static final double MAX_SHARE = 0.05;

  private final double maxShare;

  /**
   * @param maxShare the largest share of a holdout removed, in [0, {@link #MAX_SHARE}]; 0 keeps all
   */
  ContaminationFence(double maxShare) {
    if (!(maxShare >= 0 && maxShare <= MAX_SHARE)) {
      throw new IllegalArgumentException(
          "max contamination must be in [0, " + MAX_SHARE + "], got " + maxShare);
    }
    this.maxShare = maxShare;
  }

  /** @param sorted ascending, finite; returns the values kept, ascending (a suffix of it) */
  double[] trim(double[] sorted) {
    int n = sorted.length;
    int removable = (int) Math.floor(maxShare * n);
    if (removable == 0) return sorted;
    // Contamination is looked for up to the largest share any setting allows, so that more than
    // this setting's is seen and reported instead of steering every fit unseen.
    int searched = Math.max(removable, (int) Math.floor(MAX_SHARE * n));
    int beyond = 0;
    double fence = Double.NaN;
    for (int ignored : candidateCounts(sorted, removable, searched)) {
      double candidate = fence(sorted, ignored);
      int count = countBelow(sorted, candidate, searched);
      if (count > beyond) {
        beyond = count;
        fence = candidate;
      }
    }
    // Ignoring a quarter more than what was found sees the rest of the tail better than the
    // candidate that found it, when that candidate ignored many more.
    for (int round = 0; round < 3 && beyond > 0; round++) {
      double candidate = fence(sorted, Math.min(searched, beyond + Math.max(1, beyond / 4)));
      int count = countBelow(sorted, candidate, searched);
      if (count <= beyond) break;
      beyond = count;
      fence = candidate;
    }
    if (beyond == 0) return sorted;
    int removed = Math.min(beyond, removable);
    if (beyond > removable) {
      log.warn("{} of {} holdout values lie below the contamination fence at {} nats, more than the"
              + " {} that surprisal.calibration.max-contamination ({}) lets calibration leave out",
          beyond, n, String.format("%.2f", fence), removable, maxShare);
    }
    double[] kept = Arrays.copyOfRange(sorted, removed, n);
    if (!farFromTheRest(kept, sorted[removed - 1])) {
      log.info("The {} holdout values below {} nats continue the tail of the rest; calibration"
          + " keeps them", removed, String.format("%.2f", fence));
      return sorted;
    }
    log.info("Calibration left out {} of {} holdout values below {} nats as contamination",
        removed, n, String.format("%.2f", fence));
    return kept;
  }

  /**
   * Whether a value lies where the tail of the values kept expects fewer than
   * {@link #EXPECTED_NORMAL_BEYOND} of them. The fits that found the fence were blind to the values
   * it removes; this one sees everything kept, so that a tail whose lowest values come in clusters
   * (log-likelihoods of sharp models are nearly quantized: so many nats per unexpected bit) is not
   * cut at a gap between clusters that merely looks wide to a fit of the clusters above it.
   */
  private static boolean farFromTheRest(double[] kept, double value) {
    LowerTailFit.Outcome tail = LowerTailFit.fit(kept, LowerTailFit.tailPoints(kept.length), 0, 0);
    return !tail.fitted()
        || kept.length * tail.fit().rateBelow(value) < EXPECTED_NORMAL_BEYOND;
  }

  /**
   * How many of the lowest values to fit blind to: all that may be removed (robust, but it sees the
   * least of the tail), and the counts ending at the three widest normalized gaps among the lowest
   * {@code searched}. For an exponential tail the lowest values' spacings times their rank are
   * independent and alike (Rényi), so a cluster of far-out values ends at a gap that stands out,
   * and ignoring exactly that cluster leaves the fit the whole clean tail.
   */
  private static List<Integer> candidateCounts(double[] sorted, int removable, int searched) {
    Integer[] ranks = new Integer[searched];
    for (int j = 1; j <= searched; j++) ranks[j - 1] = j;
    Arrays.sort(ranks, Comparator.comparingDouble((Integer j) -> -j * (sorted[j] - sorted[j - 1])));
    List<Integer> counts = new ArrayList<>(List.of(removable));
    for (int i = 0; i < Math.min(3, searched); i++) {
      if (!counts.contains(ranks[i])) counts.add(ranks[i]);
    }
    return counts;
  }

  /** The fence of a tail fit blind to the {@code ignored} lowest values; NaN without one. */
  private static double fence(double[] sorted, int ignored) {
    int n = sorted.length;
    // The values ignored, the truncation point, and a tail sample of the usual size.
    int tailPoints = ignored + 1 + LowerTailFit.tailPoints(n);
    LowerTailFit.Outcome tail = LowerTailFit.fit(sorted, tailPoints, ignored, 0);
    if (!tail.fitted()) {
      log.debug("No contamination check: {}", tail.failure());
      return Double.NaN;
    }
    return tail.fit().logLikelihoodAtRate(EXPECTED_NORMAL_BEYOND / n);
  }

  private static int countBelow(double[] sorted, double fence, int limit) {
    int count = 0;
    while (count < limit && sorted[count] < fence) count++;
    return count;
  }
}
