package io.surprisal.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.surprisal.event.BitVector;
import io.surprisal.generate.SyntheticMixtures;
import io.surprisal.model.BernoulliMixture;
import io.surprisal.model.Calibration;
import io.surprisal.model.RateInterval;
import io.surprisal.model.ThresholdMethod;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Calibration against a known model: log-likelihoods come from the true mixture, so every
 * deviation from the target alert rate is the calibrator's (and sampling's), never the fit's.
 * CalibrationRatesTest measures the alert rates over many holdouts; this class checks single
 * calibrations exactly.
 */
class CalibratorTest {
  private static final double Q = 0.001;
  private static final double TRIM = Calibrator.DEFAULT_MAX_CONTAMINATION;
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
    holdout = logLikelihoods(truth, HOLDOUT, new SplittableRandom(101));
    fresh = logLikelihoods(truth, FRESH, new SplittableRandom(202));
    planted = uniformVectors(truth, new SplittableRandom(303));
  }

  private static double[] logLikelihoods(
      BernoulliMixture model, int count, SplittableRandom random) {
    double[] values = new double[count];
    for (int i = 0; i < count; i++) values[i] = model.logLikelihood(model.sample(random));
    return values;
  }

  private static double[] uniformVectors(BernoulliMixture model, SplittableRandom random) {
    double[] values = new double[PLANTED];
    for (int i = 0; i < PLANTED; i++) {
      int[] bits = new int[64];
      for (int d = 0; d < bits.length; d++) bits[d] = random.nextBoolean() ? 1 : 0;
      values[i] = model.logLikelihood(BitVector.ofDense(bits));
    }
    return values;
  }

  private static int countBelow(double[] values, double threshold) {
    int count = 0;
    for (double v : values) if (v < threshold) count++;
    return count;
  }

  private static double[] withPlanted(double[] clean, double[] anomalies) {
    double[] values = Arrays.copyOf(clean, clean.length + anomalies.length);
    System.arraycopy(anomalies, 0, values, clean.length, anomalies.length);
    return values;
  }

  @Test
  void shouldSetThresholdAtTheKthSmallestHoldoutValueWithKFloorOfQTimesNPlusOne() {
    Calibration calibration = new Calibrator(Q, 0).calibrate(holdout);
    double[] sorted = holdout.clone();
    Arrays.sort(sorted);
    // k = ⌊0.001 · 20001⌋ = 20
    assertThat(calibration.threshold()).isEqualTo(sorted[19]);
    assertThat(calibration.method()).isEqualTo(ThresholdMethod.CONFORMAL);
    assertThat(calibration.holdoutSize()).isEqualTo(HOLDOUT);
    assertThat(calibration.targetAlertRate()).isEqualTo(Q);
    assertThat(countBelow(holdout, calibration.threshold())).isEqualTo(19);
  }

  @Test
  void shouldStateTheConformalRankRateIntervalAsBetaQuantiles() {
    // F(X_(20)) ~ Beta(20, 19981); its 5% and 95% quantiles (scipy.stats.beta.ppf) are
    // 0.00066283 and 0.00139365, whatever the distribution.
    RateInterval rate = new Calibrator(Q, TRIM).calibrate(holdout).alertRate();
    assertThat(rate.low()).isCloseTo(0.00066283, within(5e-9));
    assertThat(rate.high()).isCloseTo(0.00139365, within(5e-9));
  }

  @Test
  void shouldAlertOnFreshNormalDrawsAtTheTargetRate() {
    Calibration calibration = new Calibrator(Q, TRIM).calibrate(holdout);
    // A clean holdout loses nothing to the contamination fence.
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
  void shouldReportPercentilesInUnitIntervalMonotoneInTheLogLikelihoodBelowTheHoldoutToo() {
    Calibration calibration = new Calibrator(Q, TRIM).calibrate(holdout);
    double[] stored = calibration.holdoutQuantiles();
    assertThat(stored).hasSize(Calibrator.MAX_STORED_QUANTILES);
    double[] sorted = fresh.clone();
    Arrays.sort(sorted);
    double[] probes = Arrays.copyOf(sorted, sorted.length + 4);
    // Below every fresh draw and the holdout, down to the tail's far end.
    probes[sorted.length] = stored[0] - 100;
    probes[sorted.length + 1] = stored[0] - 20;
    probes[sorted.length + 2] = stored[0] - 5;
    probes[sorted.length + 3] = stored[0] - 1e-9;
    Arrays.sort(probes);
    double previous = 0;
    for (double logLikelihood : probes) {
      double percentile = calibration.percentile(logLikelihood);
      assertThat(percentile).isBetween(0.0, 1.0).isGreaterThanOrEqualTo(previous);
      previous = percentile;
    }
    // Below the smallest holdout value the fitted tail answers: positive, never above the share
    // at that value, and smaller the further out.
    assertThat(calibration.lowerTail().isEmpty()).isFalse();
    assertThat(calibration.percentile(stored[0] - 1)).isPositive().isLessThan(1.0 / stored.length);
    assertThat(calibration.percentile(stored[0] - 20))
        .isPositive().isLessThan(calibration.percentile(stored[0] - 1) / 100);
    assertThat(calibration.percentile(stored[0])).isEqualTo(1.0 / stored.length);
    assertThat(calibration.percentile(stored[stored.length - 1])).isEqualTo(1.0);
    assertThat(calibration.percentile(Double.NEGATIVE_INFINITY)).isEqualTo(0.0);
    assertThat(calibration.percentile(Double.NaN)).isEqualTo(0.0);
  }

  @Test
  void shouldReportPercentileThatReadsAsAPValue() {
    Calibration calibration = new Calibrator(Q, TRIM).calibrate(holdout);
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
  void shouldKeepTheTailPercentileAValidPValueBelowASmallHoldout() {
    // 1,000 holdout values: their smallest is near the 0.001 quantile, and about 200 of the fresh
    // draws fall below it. Reporting 0 there (the holdout's share) would make events that happen
    // at a rate of 0.001 read as impossible. A p-value must satisfy P(percentile <= p) <= p: at
    // p = 0.0003 and 0.0001 at most 60 and 20 fresh draws (binomial 99% upper bounds 80 and 32).
    Calibration calibration = new Calibrator(Q, TRIM).calibrate(Arrays.copyOf(holdout, 1000));
    double minimum = calibration.holdoutQuantiles()[0];
    assertThat(countBelow(fresh, minimum)).isGreaterThan(150);
    int atMost3e4 = 0;
    int atMost1e4 = 0;
    for (double logLikelihood : fresh) {
      double percentile = calibration.percentile(logLikelihood);
      if (percentile <= 3e-4) atMost3e4++;
      if (percentile <= 1e-4) atMost1e4++;
    }
    assertThat(atMost3e4).isLessThanOrEqualTo(80);
    assertThat(atMost1e4).isLessThanOrEqualTo(32);
    // Conservative here: this model's log-likelihoods are bounded below (a light tail), and the
    // tail fit on 50 points also weighs the heavier tails the data allow.
    assertThat(atMost3e4).isEqualTo(12);
  }

  @Test
  void shouldRemoveFarOutContaminationSoTheThresholdIsTheCleanOne() {
    // A sharp model: normal events score −31 to 0 nats, uniform-random vectors −142 to −87.
    BernoulliMixture sharp = SyntheticMixtures.separated(8, 64, 0.005, 0.02, 1);
    double[] clean = logLikelihoods(sharp, HOLDOUT, new SplittableRandom(101));
    double[] anomalies = uniformVectors(sharp, new SplittableRandom(303));

    Calibration fenced = new Calibrator(Q, TRIM).calibrate(withPlanted(clean, anomalies));
    Calibration unfenced = new Calibrator(Q, 0).calibrate(withPlanted(clean, anomalies));

    // All 100 are left out, nothing else: the calibration is the clean holdout's.
    assertThat(fenced.holdoutSize()).isEqualTo(HOLDOUT);
    assertThat(fenced.threshold()).isEqualTo(new Calibrator(Q, TRIM).calibrate(clean).threshold());
    assertThat(countBelow(anomalies, fenced.threshold())).isEqualTo(PLANTED);
    // Without trimming, k = ⌊0.001·20101⌋ = 20 puts the threshold at the 20th anomaly.
    assertThat(countBelow(anomalies, unfenced.threshold())).isEqualTo(19);
  }

  @Test
  void shouldLetContaminationDragTheThresholdDownWithoutTrimming() {
    Calibration clean = new Calibrator(Q, 0).calibrate(holdout);
    Calibration unfenced = new Calibrator(Q, 0).calibrate(withPlanted(holdout, planted));

    // k = ⌊0.001 · 20101⌋ = 20, and the 100 planted vectors fill the bottom of the holdout: the
    // threshold is the 20th smallest planted value, so only 19 of the 100 anomalies are flagged.
    double[] sortedPlanted = planted.clone();
    Arrays.sort(sortedPlanted);
    assertThat(unfenced.threshold()).isEqualTo(sortedPlanted[19]);
    assertThat(countBelow(planted, unfenced.threshold())).isEqualTo(19);
    assertThat(unfenced.threshold()).isLessThan(clean.threshold());
    assertThat(countBelow(holdout, unfenced.threshold())).isZero();
  }

  @Test
  void shouldRemoveAContaminatingClusterThatReachesIntoTheNormalTail() {
    // Under the 64-bit model of the other tests, uniform-random vectors score −69.4 to −46.1 nats
    // and the holdout's own smallest value is −50.2: improbable, not far out, and inside the
    // fence of the fitted tail. But so many of them below a tail that expects a handful there are
    // a cluster that tail cannot explain, and the cluster rule removes the lowest 74 of them. The
    // threshold then comes from what is left: 93 of the planted vectors alert and no normal value,
    // where without trimming the threshold sat at the 20th planted value and only 19 alerted.
    double[] contaminated = withPlanted(holdout, planted);
    double[] sorted = contaminated.clone();
    Arrays.sort(sorted);

    double[] kept = new ContaminationFence(TRIM).trim(sorted);
    Calibration calibration = new Calibrator(Q, TRIM).calibrate(contaminated);

    assertThat(sorted.length - kept.length).isBetween(PLANTED / 2, PLANTED);
    assertThat(countBelow(planted, calibration.threshold())).isGreaterThanOrEqualTo(90);
    assertThat(countBelow(holdout, calibration.threshold())).isLessThanOrEqualTo((int) (2 * Q * HOLDOUT));
  }

  @Test
  void shouldExtrapolateTheTailWhenTheHoldoutIsSmallerThanOneOverQ() {
    double[] small = Arrays.copyOf(holdout, 500); // 500 < 1/q − 1 = 999, so ⌊q(n+1)⌋ = 0
    double minimum = Arrays.stream(small).min().orElseThrow();

    Calibration calibration = new Calibrator(Q, TRIM).calibrate(small);

    assertThat(calibration.method()).isEqualTo(ThresholdMethod.TAIL_FIT);
    assertThat(calibration.holdoutSize()).isEqualTo(500);
    // Below the minimum, which would alert on about 1/501 of normal traffic.
    assertThat(calibration.threshold()).isLessThan(minimum);
    // The fresh draws' rate, 0.0019 here, lies in the stated interval [2.7e-7, 0.0038]: one
    // holdout of 500 says little about a rate of 0.001, and the interval says so.
    double rate = countBelow(fresh, calibration.threshold()) / (double) FRESH;
    assertThat(rate).isBetween(calibration.alertRate().low(), calibration.alertRate().high());
    assertThat(rate).isLessThan(1.0 / 501);
  }

  @Test
  void shouldFallBackToTheMinimumWhenTheHoldoutIsTooSmallForATailFit() {
    double[] tiny = Arrays.copyOf(holdout, 150); // below the 200 a tail fit needs
    double minimum = Arrays.stream(tiny).min().orElseThrow();

    Calibration calibration = new Calibrator(Q, TRIM).calibrate(tiny);

    assertThat(calibration.method()).isEqualTo(ThresholdMethod.HOLDOUT_MINIMUM);
    assertThat(calibration.threshold()).isEqualTo(minimum);
    assertThat(calibration.isAlert(minimum)).isFalse();
    assertThat(calibration.percentile(minimum)).isEqualTo(1.0 / 150);
    // F(X_(1)) ~ Beta(1, 150): its 5% and 95% quantiles are 0.000342 and 0.0198, far above q.
    assertThat(calibration.alertRate().low()).isCloseTo(0.00034190, within(1e-8));
    assertThat(calibration.alertRate().high()).isCloseTo(0.01977344, within(1e-8));
  }

  @Test
  void shouldCalibrateOnASingleHoldoutValue() {
    Calibration calibration = new Calibrator(Q, TRIM).calibrate(new double[] {-31.5});
    assertThat(calibration.threshold()).isEqualTo(-31.5);
    assertThat(calibration.method()).isEqualTo(ThresholdMethod.HOLDOUT_MINIMUM);
    assertThat(calibration.holdoutQuantiles()).containsExactly(-31.5);
  }

  @Test
  void shouldNeedTheSmallerOfATailFitHoldoutAndTheConformalRank() {
    assertThat(Calibrator.minimumHoldout(0.001)).isEqualTo(200);
    assertThat(Calibrator.minimumHoldout(0.01)).isEqualTo(99); // ⌊0.01 · 100⌋ = 1
    assertThat(Calibrator.minimumHoldout(0.05)).isEqualTo(19);
    assertThat(Calibrator.minimumHoldout(0.5)).isEqualTo(1);
  }

  @Test
  void shouldRefuseNonFiniteOrEmptyHoldout() {
    Calibrator calibrator = new Calibrator(Q, TRIM);
    String message = "holdout log-likelihoods must be finite and non-empty";
    assertThatThrownBy(() -> calibrator.calibrate(new double[0])).hasMessage(message);
    assertThatThrownBy(() -> calibrator.calibrate(new double[] {-3, Double.NaN})).hasMessage(message);
    assertThatThrownBy(() -> calibrator.calibrate(new double[] {Double.NEGATIVE_INFINITY, -3}))
        .hasMessage(message);
  }

  @Test
  void shouldRefuseAlertRateOutsideUnitIntervalAndContaminationOutsideItsRange() {
    assertThatThrownBy(() -> new Calibrator(0, TRIM))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("alert rate must be inside (0, 1), got 0.0");
    assertThatThrownBy(() -> new Calibrator(1, TRIM))
        .hasMessage("alert rate must be inside (0, 1), got 1.0");
    assertThatThrownBy(() -> new Calibrator(Q, -1))
        .hasMessage("max contamination must be in [0, 0.05], got -1.0");
    assertThatThrownBy(() -> new Calibrator(Q, 6))
        .hasMessage("max contamination must be in [0, 0.05], got 6.0");
    assertThatThrownBy(() -> new Calibrator(Q, Double.NaN))
        .hasMessage("max contamination must be in [0, 0.05], got NaN");
  }
}
