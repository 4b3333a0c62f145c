package io.surprisal.regime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class StandardNormalTest {

  @Test
  void shouldMatchTabulatedValues() {
    assertThat(StandardNormal.cdf(0)).isCloseTo(0.5, within(1e-7));
    assertThat(StandardNormal.cdf(1.959963985)).isCloseTo(0.975, within(1e-7));
    assertThat(StandardNormal.cdf(-3)).isCloseTo(0.0013498980, within(1e-7));
    assertThat(StandardNormal.quantile(0.975)).isCloseTo(1.959963985, within(1e-8));
    assertThat(StandardNormal.quantile(1e-6)).isCloseTo(-4.753424309, within(1e-7));
    assertThat(StandardNormal.quantile(0.5)).isCloseTo(0, within(1e-12));
  }

  @Test
  void shouldInvertTheCdf() {
    for (double p = 0.001; p < 1; p += 0.0173) {
      assertThat(StandardNormal.cdf(StandardNormal.quantile(p))).isCloseTo(p, within(2e-7));
    }
  }

  @Test
  void shouldRefuseProbabilitiesOutsideTheOpenInterval() {
    assertThatThrownBy(() -> StandardNormal.quantile(1)).hasMessage("p must be inside (0, 1), got 1.0");
  }
}
