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
 * <p>Anomalies that a flexible model has partly learned (a broad mixture component absorbs the
 * coin-flip events of 0.5% of traffic) score closer, about ten nats below the normal tail, inside
 * the fence; but they come as a cluster that the tail fitted blind to them cannot explain, and a
 * second rule removes such a cluster when it is significant after correcting for every count
 * looked at ({@link #judge}). Measured on holdouts with 0.5% coin-flip events: under a mixture all
 * but at most one removed (n = 5,000, three seeds); under a binary-latent model and a VAE the whole
 * cluster in 5 of 6 holdouts of 4,000 and 2 of 6 of 2,000; what is left in makes the threshold
 * miss most of them, as before any fence.
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
  /** A tail expecting at least 1/this of the values found below a point continues through them. */
  private static final double CONTINUING_TAIL_RATIO = 5;
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
    Judgement found = Judgement.NONE;
    Judgement cluster = Judgement.NONE;
    for (int ignored : candidateCounts(sorted, removable, searched)) {
      Judgement candidate = judge(sorted, ignored, searched);
      if (candidate.beyond() > found.beyond()) found = candidate;
      if (candidate.clusterP() < cluster.clusterP()) cluster = candidate;
    }
    // Ignoring a quarter more than what was found sees the rest of the tail better than the
    // candidate that found it, when that candidate ignored many more.
    for (int round = 0; round < 3 && found.beyond() > 0; round++) {
      int ignored = Math.min(searched, found.beyond() + Math.max(1, found.beyond() / 4));
      Judgement candidate = judge(sorted, ignored, searched);
      if (candidate.beyond() <= found.beyond()) break;
      found = candidate;
    }
    // Likewise for a cluster: ignoring more of the values below it sees the tail above better.
    for (int round = 0; round < 3 && significant(cluster, searched); round++) {
      int ignored = Math.min(searched, cluster.cluster() + Math.max(1, cluster.cluster() / 4));
      if (ignored <= cluster.ignored()) break;
      Judgement candidate = judge(sorted, ignored, searched);
      if (!significant(candidate, searched) || candidate.cluster() <= cluster.cluster()) break;
      cluster = candidate;
    }
    if (significant(cluster, searched) && cluster.cluster() > found.beyond()) {
      found = new Judgement(
          cluster.cluster(), sorted[cluster.cluster()], cluster.ignored(), cluster.cluster(), 1);
    }
    int beyond = found.beyond();
    double fence = found.fence();
    if (beyond == 0) return sorted;
    int removed = Math.min(beyond, removable);
    if (beyond > removable) {
      log.warn("{} of {} holdout values lie below the contamination fence at {} nats, more than the"
              + " {} that surprisal.calibration.max-contamination ({}) lets calibration leave out",
          beyond, n, String.format("%.2f", fence), removable, maxShare);
    }
    double[] kept = Arrays.copyOfRange(sorted, removed, n);
    if (!farFromTheRest(kept, sorted[removed - 1], removed)) {
      log.info("The {} holdout values below {} nats continue the tail of the rest; calibration"
          + " keeps them", removed, String.format("%.2f", fence));
      return sorted;
    }
    log.info("Calibration left out {} of {} holdout values below {} nats as contamination",
        removed, n, String.format("%.2f", fence));
    return kept;
  }

  /**
   * Whether the tail of the values kept expects fewer than a fifth of the values removed where
   * they lie, and so few that their number is improbable ({@link #improbablyMany}; for one value
   * that is fewer than {@link #EXPECTED_NORMAL_BEYOND}). The fits that found them were blind to
   * them; this one sees everything kept, so that a tail whose lowest values come in clusters
   * (log-likelihoods of sharp models are nearly quantized: so many nats per unexpected bit) is not
   * cut at a gap between clusters that merely looks wide to a fit of the clusters above it.
   * Measured: such a tail's fit expects a third of its lowest cluster (133 of 400 values); clusters
   * of 21 to 25 anomalies under a mixture, a binary-latent model and a VAE were expected 0.09 to
   * 2 times, far-out ones 10^-4 times.
   */
  private static boolean farFromTheRest(double[] kept, double highestRemoved, int removed) {
    LowerTailFit.Outcome tail = LowerTailFit.fit(kept, LowerTailFit.tailPoints(kept.length), 0, 0);
    if (!tail.fitted()) return true;
    double expected = kept.length * tail.fit().rateBelow(highestRemoved);
    return expected * CONTINUING_TAIL_RATIO < removed && improbablyMany(removed, expected);
  }

  /** P(Poisson(expected) &gt;= count) &lt; {@link #EXPECTED_NORMAL_BEYOND}. */
  private static boolean improbablyMany(int count, double expected) {
    if (!(expected < count)) return false;
    // The upper tail summed from count up: its terms fall at least geometrically (expected/i < 1).
    double term = Math.exp(-expected + count * Math.log(expected) - logFactorials(count)[count]);
    double sum = 0;
    for (int i = count; term > 1e-18 * sum && i < count + 10_000; i++) {
      sum += term;
      term *= expected / (i + 1);
    }
    return sum < EXPECTED_NORMAL_BEYOND;
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

  /**
   * What a tail fit blind to the {@code ignored} lowest values finds: how many lie below its fence;
   * and the m of them that are the least probable cluster, with that probability (1 when none).
   */
  private record Judgement(
      int beyond, double fence, int ignored, int cluster, double clusterP) {
    static final Judgement NONE = new Judgement(0, Double.NaN, 0, 0, 1);
  }

  /**
   * Whether a cluster stands after correcting for the counts j it could have been looked for at
   * (up to {@code searched}). The scan over cluster sizes m within one j is not corrected further:
   * its tests overlap almost entirely, and the clean holdouts of ContaminationFenceTest lose no
   * value at this level.
   */
  private static boolean significant(Judgement judgement, int searched) {
    return judgement.clusterP() < EXPECTED_NORMAL_BEYOND / searched;
  }

  /**
   * Two rules. The fence: values below where the fitted tail expects {@link
   * #EXPECTED_NORMAL_BEYOND} of the holdout's normal values, for contamination far out. The
   * cluster: the fit is truncated at the (j+1)-th value x_(j+1), so the j values below it are, if
   * normal, j draws from the tail below that point, and at least m of them lie below x_(m) with
   * the binomial probability of m or more successes in j trials of F(x_(m)) / F(x_(j+1)). The
   * least probable m is the cluster. Anomalies that a flexible model absorbed (a broad mixture
   * component, a decoder that spreads its mass) sit some ten nats below the normal tail, inside its
   * fence; 8 of them 8 to 20 nats below a tail whose lowest values lie a nat apart are a cluster
   * with p around 10^-13.
   */
  private static Judgement judge(double[] sorted, int ignored, int searched) {
    int n = sorted.length;
    // The values ignored, the truncation point, and a tail sample of the usual size.
    int tailPoints = ignored + 1 + LowerTailFit.tailPoints(n);
    LowerTailFit.Outcome tail = LowerTailFit.fit(sorted, tailPoints, ignored, 0);
    if (!tail.fitted()) {
      log.debug("No contamination check: {}", tail.failure());
      return Judgement.NONE;
    }
    LowerTailFit fit = tail.fit();
    double fence = fit.logLikelihoodAtRate(EXPECTED_NORMAL_BEYOND / n);
    int beyond = countBelow(sorted, fence, searched);
    int cluster = 0;
    double clusterP = 1;
    if (ignored > 0 && ignored <= searched) {
      double truncation = fit.rateBelow(sorted[ignored]);
      double[] logFactorials = logFactorials(ignored);
      for (int m = 1; m <= ignored; m++) {
        if (!(sorted[m - 1] < sorted[m])) continue; // ties: the m lowest are not a cluster
        double share = Math.min(1, fit.rateBelow(sorted[m - 1]) / truncation);
        double p = binomialUpperTail(ignored, m, share, logFactorials);
        if (p < clusterP) {
          clusterP = p;
          cluster = m;
        }
      }
    }
    return new Judgement(beyond, fence, ignored, cluster, clusterP);
  }

  /** P(Binomial(trials, share) &gt;= atLeast); 1 when atLeast is not above the mean. */
  private static double binomialUpperTail(
      int trials, int atLeast, double share, double[] logFactorials) {
    if (!(atLeast > trials * share)) return 1;
    if (share <= 0) return 0;
    if (share >= 1) return 1;
    // Terms fall from atLeast up (atLeast is above the mode), summed until negligible.
    double logTerm = logFactorials[trials] - logFactorials[atLeast]
        - logFactorials[trials - atLeast] + atLeast * Math.log(share)
        + (trials - atLeast) * Math.log1p(-share);
    double term = Math.exp(logTerm);
    double sum = 0;
    for (int i = atLeast; i <= trials && term > 1e-18 * sum; i++) {
      sum += term;
      term *= (trials - i) / (i + 1.0) * share / (1 - share);
    }
    return Math.min(1, sum);
  }

  private static double[] logFactorials(int upTo) {
    double[] table = new double[upTo + 1];
    for (int i = 2; i <= upTo; i++) table[i] = table[i - 1] + Math.log(i);
    return table;
  }

  private static int countBelow(double[] sorted, double fence, int limit) {
    int count = 0;
    while (count < limit && sorted[count] < fence) count++;
    return count;
  }
}
