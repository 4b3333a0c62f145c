package io.surprisal.it;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class BoolComparisonsTest {

  @Test
  void shouldTurnEveryComparisonIntoABoolComparison() {
    assertThat(BoolComparisons.rewrite("up{job=\"surprisal\"} == 0"))
        .isEqualTo("up{job=\"surprisal\"} == bool 0");
    assertThat(BoolComparisons.rewrite("min(a{x!=\"y\",z=~\"w|v\"}) > 6 * 3600"))
        .isEqualTo("min(a{x!=\"y\",z=~\"w|v\"}) > bool 6 * 3600");
    assertThat(BoolComparisons.rewrite("sum(a) >= 3\nand sum(b) <= 0 and c != 1"))
        .isEqualTo("sum(a) >= bool 3\nand sum(b) <= bool 0 and c != bool 1");
  }

  @Test
  void shouldLeaveBoolComparisonsAndStringsAlone() {
    assertThat(BoolComparisons.rewrite("a > bool 1")).isEqualTo("a > bool 1");
    assertThat(BoolComparisons.rewrite("label_replace(a, \"d\", \">\", \"s\", \"(.*)\") < 2"))
        .isEqualTo("label_replace(a, \"d\", \">\", \"s\", \"(.*)\") < bool 2");
  }
}
