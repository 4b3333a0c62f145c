package io.surprisal.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

class LogisticTest {
  /** The textbook form, with log1p for the small tail: the reference the fast forms must match. */
  private static double reference(double a) {
    return a > 0 ? a + Math.log1p(Math.exp(-a)) : Math.log1p(Math.exp(a));
  }

  @Test
  void softplusMatchesLog1pFormAcrossTheRange() {
    for (double a = -800; a <= 800; a += 0.37) {
      assertEquals(reference(a), Logistic.softplus(a), 1e-15 * Math.max(1, Math.abs(a)), "a=" + a);
    }
    assertEquals(Math.log(2), Logistic.softplus(0), 1e-16);
  }

  @Test
  void sumOfSoftplusEqualsTermByTermSumOverSeveralBlocks() {
    Random random = new Random(5);
    // 1,300 values: three blocks of the product, with log-odds as large as trained decoders give.
    double[] a = new double[1300];
    for (int d = 0; d < a.length; d++) a[d] = random.nextGaussian() * 8;
    for (int n : new int[] {0, 1, 511, 512, 513, 784, 1300}) {
      double expected = 0;
      for (int d = 0; d < n; d++) expected += reference(a[d]);
      // Relative: the two sums add the same terms in a different order.
      assertEquals(expected, Logistic.sumSoftplus(a, n, new double[n]),
          1e-14 * Math.max(1, expected), "n=" + n);
    }
  }

  @Test
  void expOfMinusStaysWithinItsStatedErrorOfMathExp() {
    double worst = 0;
    for (double y = 0; y <= 40; y += 0.0007) {
      double exact = Math.exp(-y);
      worst = Math.max(worst, Math.abs(Logistic.expOfMinus(y) - exact) / exact);
    }
    // A few hundred ulp of 2^-53 at the most, from the seven squarings (3.0e-14 measured).
    assertThat(worst).isLessThan(5e-14);
    // Beyond the clamp, 1 + e^-y is 1 as with the exact value.
    for (double y : new double[] {40, 41, 745, 1e6, Double.MAX_VALUE, Double.POSITIVE_INFINITY}) {
      assertEquals(1.0, 1 + Logistic.expOfMinus(y), "y=" + y);
      assertEquals(1.0, 1 + Math.exp(-y), "y=" + y);
    }
  }

  @Test
  void sumOfSoftplusDoesNotOverflowWhenEveryFactorIsTwo() {
    // a = 0 makes every factor 1 + e^0 = 2, the largest: 1,300 of them would overflow one product.
    double[] zeros = new double[1300];
    assertEquals(1300 * Math.log(2), Logistic.sumSoftplus(zeros, zeros.length, new double[1300]),
        1e-10);
  }

  @Test
  void tanhMatchesMathTanhAndSaturates() {
    for (double x = -40; x <= 40; x += 0.001) {
      assertEquals(Math.tanh(x), Logistic.tanh(x), 4e-16, "x=" + x);
    }
    assertEquals(1.0, Logistic.tanh(1e6), 0);
    assertEquals(-1.0, Logistic.tanh(-1e6), 0);
    assertEquals(0.0, Logistic.tanh(0), 0);
  }

  @Test
  void sigmoidIsStableAtBothEnds() {
    assertEquals(1.0, Logistic.sigmoid(800), 0);
    assertEquals(0.0, Logistic.sigmoid(-800), 1e-300);
    assertEquals(0.5, Logistic.sigmoid(0), 0);
    assertEquals(1 / (1 + Math.exp(-2.5)), Logistic.sigmoid(2.5), 1e-16);
  }
}
