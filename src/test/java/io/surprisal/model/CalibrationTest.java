package io.surprisal.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** What a calibration records besides its threshold, and the percentiles its lower tail gives. */
class CalibrationTest {
  private static final LowerTail TAIL =
      new LowerTail(new double[] {-20.0, -10.0}, new double[] {1e-6, 1e-2});

  private static Calibration withTail(LowerTail tail) {
    return new Calibration(-12.0, 0.001, 500, new double[] {-9.0, -5.0, -3.0, -1.0},
        ThresholdMethod.TAIL_FIT, new RateInterval(0.0002, 0.003), tail);
  }

  @Test
  void shouldReadPercentilesBelowTheHoldoutFromTheTailLogLinearly() {
    Calibration calibration = withTail(TAIL);
    // log10 of the rate falls by 4 over 10 nats: at −15 halfway, 1e-4; at −25 along the same line.
    assertThat(calibration.percentile(-15.0)).isCloseTo(1e-4, within(1e-16));
    assertThat(calibration.percentile(-20.0)).isCloseTo(1e-6, within(1e-18));
    assertThat(calibration.percentile(-25.0)).isCloseTo(1e-8, within(1e-20));
    // Between the tail's highest node and the holdout's smallest value: at most the share there.
    assertThat(calibration.percentile(-9.5)).isEqualTo(1e-2);
    assertThat(calibration.percentile(-9.0)).isEqualTo(0.25);
    assertThat(calibration.percentile(Double.NEGATIVE_INFINITY)).isZero();
  }

  @Test
  void shouldCapTheTailPercentileAtTheShareOfTheSmallestHoldoutValue() {
    LowerTail generous = new LowerTail(new double[] {-20.0, -9.5}, new double[] {1e-3, 0.6});
    // 0.6 would exceed the 1/4 the smallest stored value reads: percentiles never decrease.
    assertThat(withTail(generous).percentile(-9.6)).isEqualTo(0.25);
  }

  @Test
  void shouldGiveZeroBelowTheHoldoutWithoutATail() {
    Calibration calibration =
        new Calibration(-9.0, 0.001, 4, new double[] {-9.0, -5.0, -3.0, -1.0});
    assertThat(calibration.method()).isEqualTo(ThresholdMethod.CONFORMAL);
    assertThat(calibration.alertRate().known()).isFalse();
    assertThat(calibration.percentile(-15.0)).isZero();
  }

  @Test
  void shouldRefuseLowerTailsThatAreNotAscendingOrHaveOneOrTooManyNodes() {
    assertThatThrownBy(() -> new LowerTail(new double[] {-1.0}, new double[] {0.1}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("lower tail must have 0 or 2..64 nodes with one rate each, got 1"
            + " log-likelihoods and 1 rates");
    assertThatThrownBy(() -> new LowerTail(new double[65], new double[65]))
        .hasMessageStartingWith("lower tail must have 0 or 2..64 nodes");
    assertThatThrownBy(() -> new LowerTail(new double[] {-1.0, -2.0}, new double[] {0.1, 0.2}))
        .hasMessage("lower tail nodes must be finite, strictly ascending, with rates inside"
            + " (0, 1], got (-2.0, 0.2) at 1");
    assertThatThrownBy(() -> new LowerTail(new double[] {-2.0, -1.0}, new double[] {0.0, 0.2}))
        .hasMessage("lower tail nodes must be finite, strictly ascending, with rates inside"
            + " (0, 1], got (-2.0, 0.0) at 0");
  }

  @Test
  void shouldRefuseRateIntervalsOutsideTheUnitIntervalOrHalfKnown() {
    assertThatThrownBy(() -> new RateInterval(0.01, 0.001))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("alert rate interval must satisfy 0 <= low <= high <= 1 or be unknown"
            + " (NaN, NaN), got [0.01, 0.001]");
    assertThatThrownBy(() -> new RateInterval(Double.NaN, 0.001))
        .hasMessageEndingWith("got [NaN, 0.001]");
    assertThat(RateInterval.UNKNOWN.known()).isFalse();
    assertThat(new RateInterval(0, 1).known()).isTrue();
  }

  @Test
  void shouldNameThresholdMethodsByCodeAndLabel() {
    assertThat(ThresholdMethod.ofCode(2)).isEqualTo(ThresholdMethod.TAIL_FIT);
    assertThat(ThresholdMethod.HOLDOUT_MINIMUM.label()).isEqualTo("holdout-minimum");
    assertThatThrownBy(() -> ThresholdMethod.ofCode(0))
        .hasMessage("threshold method code must be 1, 2 or 3, got 0");
  }

  @Test
  void shouldRefuseACalibrationWithoutMethodIntervalOrTail() {
    assertThatThrownBy(() -> new Calibration(-9.0, 0.001, 1, new double[] {-9.0}, null,
            RateInterval.UNKNOWN, LowerTail.NONE))
        .hasMessage("method, alertRate and lowerTail must be given (not null)");
  }
}
