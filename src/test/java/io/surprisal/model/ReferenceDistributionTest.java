package io.surprisal.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The inverse of a reference's log p-value, which turns a combined threshold into one member's. */
class ReferenceDistributionTest {
  /** Five values with a tie: p-values (k+1)/6 for k values at or below. */
  private static final ReferenceDistribution TIED =
      new ReferenceDistribution(new double[] {-10, -9, -9, -7, -5}, LowerTail.NONE);
  /** Five values and a tail below them: rates 1e-4 at −40, 1e-3 at −30, 0.1 at −20. */
  private static final ReferenceDistribution TAILED = new ReferenceDistribution(
      new double[] {-20, -15, -12, -10, -9}, new LowerTail(
          new double[] {-40, -30, -20}, new double[] {1e-4, 1e-3, 0.1}));

  @Test
  void shouldReturnTheLowestValueWhoseLogPValueReachesTheTargetTiesIncluded() {
    // Three of six: reached at −9, where the tie puts three values at or below (4/6); just
    // below −9 only one is (2/6).
    assertThat(TIED.inverseLogPValue(Math.log(3.0 / 6))).isEqualTo(-9);
    assertThat(TIED.inverseLogPValue(Math.log(4.0 / 6))).isEqualTo(-9);
    assertThat(TIED.inverseLogPValue(Math.log(4.5 / 6))).isEqualTo(-7);
    assertThat(TIED.inverseLogPValue(0)).isEqualTo(-5);
    // Every value reaches 1/6 (the floor without a tail); none reaches a p-value above 1.
    assertThat(TIED.inverseLogPValue(Math.log(1.0 / 6))).isEqualTo(Double.NEGATIVE_INFINITY);
    assertThat(TIED.inverseLogPValue(Math.log(1.0 / 6) + 1e-9)).isEqualTo(-10);
    assertThat(TIED.inverseLogPValue(1e-9)).isEqualTo(Double.POSITIVE_INFINITY);
  }

  @Test
  void shouldInvertTheFittedTailBelowTheSmallestValue() {
    assertThat(TAILED.inverseLogPValue(Math.log(1e-3))).isCloseTo(-30, within(1e-9));
    // Half-way between the nodes at −40 and −30 in log rate; below −40 along that segment.
    assertThat(TAILED.inverseLogPValue(Math.log(Math.sqrt(1e-7)))).isCloseTo(-35, within(1e-9));
    assertThat(TAILED.inverseLogPValue(Math.log(1e-5))).isCloseTo(-50, within(1e-9));
    // 0.15 is below 1/6 but above the tail's highest rate: first reached at the smallest value.
    assertThat(TAILED.inverseLogPValue(Math.log(0.15))).isEqualTo(-20);
    assertThat(TAILED.inverseLogPValue(Math.log(Double.MIN_VALUE)))
        .isEqualTo(Double.NEGATIVE_INFINITY);
    assertThatThrownBy(() -> TAILED.inverseLogPValue(Double.NaN))
        .hasMessage("logPValue must be a number, got NaN");
  }

  @Test
  void shouldPutAValueBelowTheInverseExactlyWhenItsLogPValueIsBelowTheTarget() {
    SplittableRandom random = new SplittableRandom(7);
    for (ReferenceDistribution reference : new ReferenceDistribution[] {TIED, TAILED}) {
      for (int t = 0; t < 2_000; t++) {
        double target = -random.nextDouble() * 12;
        double inverse = reference.inverseLogPValue(target);
        for (int v = 0; v < 50; v++) {
          // Values on the reference itself half the time: where the steps are.
          double value = random.nextBoolean()
              ? reference.quantiles()[random.nextInt(reference.quantiles().length)]
              : -60 + random.nextDouble() * 60;
          if (Math.abs(value - inverse) < 1e-9) continue; // the tail's rounding
          assertThat(reference.logPValue(value) >= target)
              .as("value %s, target %s, inverse %s", value, target, inverse)
              .isEqualTo(value >= inverse);
        }
      }
    }
  }
}
