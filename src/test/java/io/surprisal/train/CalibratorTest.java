package io.surprisal.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.surprisal.event.BitVector;
import io.surprisal.generate.SyntheticMixtures;
import io.surprisal.model.BernoulliMixture;
import io.surprisal.model.Calibration;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Calibration against a known model: log-likelihoods come from the true mixture, so every
 * deviation from the target alert rate is the calibrator's (and sampling's), never the fit's.
 */
class CalibratorTest {
  private static final double Q = 0.001;
  private static final int HOLDOUT = 20_000;
  private static final int FRESH = 200_000;
  private static final int PLANTED = 100; // 0.5% of the holdout

  private static BernoulliMixture truth;
  /** log p(x) of HOLDOUT draws from the true model, in draw order. */
  private static double[] holdout;
  /** log p(x) of FRESH independent draws from the true model. */
  private static double[] fresh;
  /** log p(x) of PLANTED uniform-random vectors (each bit 0 or 1 with probability 1/2). */
  private static double[] planted;

  @BeforeAll
  static void drawFromTheTrueModel() {
    truth = SyntheticMixtures.separated(8, 64, 1);
    // Independent streams: SplittableRandom mixes each seed through a 64-bit finalizer.
    holdout = logLikelihoods(HOLDOUT, new SplittableRandom(101));
    fresh = logLikelihoods(FRESH, new SplittableRandom(202));
    SplittableRandom uniform = new SplittableRandom(303);
    planted = new double[PLANTED];
    for (int i = 0; i < PLANTED; i++) {
      int[] bits = new int[64];
      for (int d = 0; d < bits.length; d++) bits[d] = uniform.nextBoolean() ? 1 : 0;
      planted[i] = truth.logLikelihood(BitVector.ofDense(bits));
    }
  }

  private static double[] logLikelihoods(int count, SplittableRandom random) {
    double[] values = new double[count];
    for (int i = 0; i < count; i++) values[i] = truth.logLikelihood(truth.sample(random));
    return values;
  }

  private static int countBelow(double[] values, double threshold) {
    int count = 0;
    for (double v : values) if (v < threshold) count++;
    return count;
  }

  private static double[] contaminatedHoldout() {
    double[] values = Arrays.copyOf(holdout, HOLDOUT + PLANTED);
    System.arraycopy(planted, 0, values, HOLDOUT, PLANTED);
    return values;
  }

  @Test
  void shouldSetThresholdAtTheKthSmallestHoldoutValueWithKFloorOfQTimesNPlusOne() {
    Calibration calibration = new Calibrator(Q, 0).calibrate(holdout);
    double[] sorted = holdout.clone();
    Arrays.sort(sorted);
    // k = ⌊0.001 · 20001⌋ = 20
    assertThat(calibration.threshold()).isEqualTo(sorted[19]);
    assertThat(calibration.holdoutSize()).isEqualTo(HOLDOUT);
    assertThat(calibration.targetAlertRate()).isEqualTo(Q);
    assertThat(countBelow(holdout, calibration.threshold())).isEqualTo(19);
  }

  @Test
  void shouldAlertOnFreshNormalDrawsAtTheTargetRate() {
    Calibration calibration = new Calibrator(Q, 6).calibrate(holdout);
    // A clean holdout loses nothing to the default fence of 6 robust standard deviations.
    assertThat(calibration.holdoutSize()).isEqualTo(HOLDOUT);

    int alerts = countBelow(fresh, calibration.threshold());

    // Two sources of randomness, not one. Given the threshold t, the count on m = 200,000 fresh
    // draws is Binomial(m, α) with α = P(log p(x) < t); the plain binomial 99% interval around q,
    // 200 ± 2.576·√(200·0.999) = [164, 236], would hold only if α were exactly q. But t is the
    // k-th of n = 20,000 holdout values (k = 20), so α ~ Beta(k, n + 1 − k): sd 0.00022, wider
    // than the binomial half-width by itself (a simulation of this very procedure lands in
    // [164, 236] only 57% of the time). With α ≈ Gamma(k, 1/(n+1)) and Bin(m, α) ≈ Poisson(mα),
    // the count is negative binomial with r = k = 20 and mean m·k/(n+1) = 199.99 (sd 46.9); its
    // exact 0.5% and 99.5% quantiles, computed below, are [99, 340], i.e. a rate of
    // [0.000495, 0.0017].
    int[] interval = negativeBinomialInterval(20, FRESH * 20.0 / (HOLDOUT + 1), 0.005);
    assertThat(interval).containsExactly(99, 340);
    assertThat(alerts).isBetween(interval[0], interval[1]);
  }

  /** The lower and upper {@code tail} quantiles of NB(r, mean), from the pmf's recurrence. */
  private static int[] negativeBinomialInterval(int r, double mean, double tail) {
    double p = r / (r + mean); // success probability: mean = r(1 − p)/p
    double pmf = Math.pow(p, r);
    double cdf = 0;
    int lower = -1;
    for (int c = 0; ; c++) {
      cdf += pmf;
      if (lower < 0 && cdf >= tail) lower = c;
      if (cdf >= 1 - tail) return new int[] {lower, c};
      pmf *= (c + r) / (c + 1.0) * (1 - p);
    }
  }

  @Test
  void shouldReportPercentilesInUnitIntervalMonotoneInTheLogLikelihood() {
    Calibration calibration = new Calibrator(Q, 6).calibrate(holdout);
    double[] sorted = fresh.clone();
    Arrays.sort(sorted);
    double previous = 0;
    for (double logLikelihood : sorted) {
      double percentile = calibration.percentile(logLikelihood);
      assertThat(percentile).isBetween(0.0, 1.0).isGreaterThanOrEqualTo(previous);
      previous = percentile;
    }
    double[] stored = calibration.holdoutQuantiles();
    assertThat(stored).hasSize(Calibrator.MAX_STORED_QUANTILES);
    assertThat(calibration.percentile(stored[0] - 1)).isEqualTo(0.0);
    assertThat(calibration.percentile(stored[0])).isEqualTo(1.0 / stored.length);
    assertThat(calibration.percentile(stored[stored.length - 1])).isEqualTo(1.0);
    assertThat(calibration.percentile(Double.NEGATIVE_INFINITY)).isEqualTo(0.0);
  }

  @Test
  void shouldReportPercentileThatReadsAsAPValue() {
    Calibration calibration = new Calibrator(Q, 6).calibrate(holdout);
    int atMostTenPercent = 0;
    for (double logLikelihood : fresh) {
      if (calibration.percentile(logLikelihood) <= 0.1) atMostTenPercent++;
    }
    // P(percentile <= 0.1) on normal traffic is 0.1 up to the holdout's sampling error
    // (sd √(0.09/20000) = 0.0021), the fresh draws' (sd √(0.09/200000) = 0.00067) and the
    // 1/2048 grid of stored quantiles: 99% interval 0.1 ± (2.576·0.0022 + 0.0005) ≈ [0.0938, 0.1062].
    assertThat(atMostTenPercent / (double) FRESH).isBetween(0.0938, 0.1062);
  }

  @Test
  void shouldTrimPlantedContaminationSoThresholdStaysNearTheCleanOne() {
    // A fence of 4.5 robust standard deviations. The default of 6 (surprisal.calibration.
    // outlier-fence) is too loose for this contamination: the planted vectors score −46.1 to
    // −69.4 nats against a holdout median of −27.9 and σ̂ = 5.0, so a 6σ̂ fence (at −57.9) leaves
    // 33 of them in, more than k = 20, and the threshold (−54.8) still lands among them: recall
    // 0.86. At 4.5σ̂ (fence −50.4, above every planted value but two and below every clean one)
    // the threshold is the 18th smallest clean value.
    Calibration clean = new Calibrator(Q, 0).calibrate(holdout);
    Calibration fenced = new Calibrator(Q, 4.5).calibrate(contaminatedHoldout());

    // Near the clean threshold: between the q/2 and 2q quantiles of the clean holdout.
    double cleanShareBelow = countBelow(holdout, fenced.threshold()) / (double) HOLDOUT;
    assertThat(cleanShareBelow).isBetween(Q / 2, 2 * Q);
    assertThat(Math.abs(fenced.threshold() - clean.threshold())).isLessThan(1.0);
    // Normal traffic alerts at most 2q: 400 of 200,000 fresh draws.
    assertThat(countBelow(fresh, fenced.threshold())).isLessThanOrEqualTo((int) (2 * Q * FRESH));
    // The planted anomalies are flagged: recall >= 0.9.
    assertThat(countBelow(planted, fenced.threshold())).isGreaterThanOrEqualTo(90);
  }

  @Test
  void shouldLetContaminationDragTheThresholdDownWithoutAFence() {
    Calibration clean = new Calibrator(Q, 0).calibrate(holdout);
    Calibration unfenced = new Calibrator(Q, 0).calibrate(contaminatedHoldout());
    Calibration fenced = new Calibrator(Q, 4.5).calibrate(contaminatedHoldout());

    // k = ⌊0.001 · 20101⌋ = 20, and the 100 planted vectors fill the bottom of the holdout: the
    // threshold is the 20th smallest planted value, so only 19 of the 100 anomalies are flagged.
    double[] sortedPlanted = planted.clone();
    Arrays.sort(sortedPlanted);
    assertThat(sortedPlanted[PLANTED - 1]).isGreaterThan(unfenced.threshold());
    assertThat(unfenced.threshold()).isEqualTo(sortedPlanted[19]);
    assertThat(countBelow(planted, unfenced.threshold())).isEqualTo(19);
    assertThat(unfenced.threshold()).isLessThan(clean.threshold()).isLessThan(fenced.threshold());
    assertThat(countBelow(holdout, unfenced.threshold())).isZero();
  }

  @Test
  void shouldKeepNormalAlertRateWithinTwiceTargetWithTheDefaultFenceOnContaminatedHoldout() {
    // What the default fence does guarantee here: no flood of false alerts.
    Calibration fenced = new Calibrator(Q, 6).calibrate(contaminatedHoldout());
    assertThat(countBelow(fresh, fenced.threshold())).isLessThanOrEqualTo((int) (2 * Q * FRESH));
  }

  @Test
  void shouldUseTheMinimumAsThresholdWhenHoldoutIsSmallerThanOneOverQ() {
    double[] tiny = Arrays.copyOf(holdout, 500); // 500 < 1/q = 1000, so ⌊q(n+1)⌋ = 0
    double minimum = Arrays.stream(tiny).min().orElseThrow();

    Calibration calibration = new Calibrator(Q, 0).calibrate(tiny);

    assertThat(calibration.threshold()).isEqualTo(minimum);
    assertThat(calibration.holdoutSize()).isEqualTo(500);
    assertThat(calibration.isAlert(minimum)).isFalse();
    assertThat(calibration.percentile(minimum)).isEqualTo(1.0 / 500);
  }

  @Test
  void shouldCalibrateOnASingleHoldoutValue() {
    Calibration calibration = new Calibrator(Q, 6).calibrate(new double[] {-31.5});
    assertThat(calibration.threshold()).isEqualTo(-31.5);
    assertThat(calibration.holdoutQuantiles()).containsExactly(-31.5);
  }

  @Test
  void shouldRefuseNonFiniteOrEmptyHoldout() {
    Calibrator calibrator = new Calibrator(Q, 6);
    String message = "holdout log-likelihoods must be finite and non-empty";
    assertThatThrownBy(() -> calibrator.calibrate(new double[0])).hasMessage(message);
    assertThatThrownBy(() -> calibrator.calibrate(new double[] {-3, Double.NaN})).hasMessage(message);
    assertThatThrownBy(() -> calibrator.calibrate(new double[] {Double.NEGATIVE_INFINITY, -3}))
        .hasMessage(message);
  }

  @Test
  void shouldRefuseAlertRateOutsideUnitIntervalAndNegativeFence() {
    assertThatThrownBy(() -> new Calibrator(0, 6))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("alert rate must be inside (0, 1), got 0.0");
    assertThatThrownBy(() -> new Calibrator(1, 6))
        .hasMessage("alert rate must be inside (0, 1), got 1.0");
    assertThatThrownBy(() -> new Calibrator(Q, -1))
        .hasMessage("outlier fence must be >= 0, got -1.0");
    assertThatThrownBy(() -> new Calibrator(Q, Double.NaN))
        .hasMessage("outlier fence must be >= 0, got NaN");
  }
}
