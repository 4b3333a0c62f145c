package io.surprisal.regime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class CusumThresholdTest {

  @Test
  void shouldAgreeWithPublishedRunLengths() {
    // Montgomery, Introduction to Statistical Quality Control, table 9.3: the two-sided tabular
    // CUSUM with k = 0.5 has ARL0 = 168 at h = 4 and 465 at h = 5. Each one-sided half runs
    // twice as long between false alarms (two independent-ish alarm sources, symmetric).
    assertThat(CusumThreshold.meanRunLength(4, 0.5)).isCloseTo(2 * 168, within(6.0));
    assertThat(CusumThreshold.meanRunLength(5, 0.5)).isCloseTo(2 * 465, within(16.0));
  }

  @Test
  void shouldGiveTheAskedRunLengthOnSimulatedGaussianSurprise() {
    double h = CusumThreshold.forMeanRunLength(300, 0.5);
    SplittableRandom random = new SplittableRandom(7);
    int alarms = 2_000;
    double sum = 0;
    double sumSquares = 0;
    for (int a = 0; a < alarms; a++) {
      double c = 0;
      long n = 0;
      do {
        c = Math.max(0, c + gaussian(random) - 0.5);
        n++;
      } while (c <= h);
      sum += n;
      sumSquares += (double) n * n;
    }
    double mean = sum / alarms;
    double standardError = Math.sqrt((sumSquares / alarms - mean * mean) / alarms);
    assertThat(Math.abs(mean - 300)).isLessThan(3 * standardError);
  }

  @Test
  void shouldRaiseTheThresholdWithTheRunLength() {
    assertThat(CusumThreshold.forMeanRunLength(10_000, 0.5))
        .isGreaterThan(CusumThreshold.forMeanRunLength(1_000, 0.5));
  }

  static double gaussian(SplittableRandom random) {
    return StandardNormal.quantile((random.nextLong(1L << 52) + 0.5) / (1L << 52));
  }
}
