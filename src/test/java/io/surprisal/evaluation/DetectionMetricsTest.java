package io.surprisal.evaluation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

class DetectionMetricsTest {
  // Anomalies score 0.9 and 0.8; normals 0.8, 0.3, 0.1. Of the 2×3 pairs the anomaly wins 5 and
  // ties 1 (0.8 vs 0.8): AUC = (5 + 1/2) / 6 = 11/12.
  private static final double[] TIED_SCORES = {0.8, 0.9, 0.1, 0.8, 0.3};
  private static final boolean[] TIED_LABELS = {false, true, false, true, false};

  @Test
  void shouldCountATiedPairAsHalfInRocAuc() {
    assertThat(DetectionMetrics.rocAuc(TIED_SCORES, TIED_LABELS)).isCloseTo(11.0 / 12, within(1e-12));
  }

  @Test
  void shouldGiveRocAucOfOneForPerfectZeroForInvertedAndHalfForAllTied() {
    boolean[] labels = {true, false, false, true};
    assertThat(DetectionMetrics.rocAuc(new double[] {5, 1, 2, 4}, labels)).isEqualTo(1.0);
    assertThat(DetectionMetrics.rocAuc(new double[] {1, 5, 4, 2}, labels)).isEqualTo(0.0);
    assertThat(DetectionMetrics.rocAuc(new double[] {3, 3, 3, 3}, labels)).isEqualTo(0.5);
  }

  @Test
  void shouldEnterTiedRowsTogetherInAveragePrecision() {
    // Thresholds from the top: {0.9: A} gives recall 1/2 at precision 1; {0.8: A, N} recall 2/2 at
    // precision 2/3. AP = 1/2·1 + 1/2·2/3 = 5/6, whichever order the tied rows are in.
    assertThat(DetectionMetrics.averagePrecision(TIED_SCORES, TIED_LABELS))
        .isCloseTo(5.0 / 6, within(1e-12));
    double[] swapped = {0.8, 0.9, 0.1, 0.8, 0.3};
    boolean[] swappedLabels = {true, true, false, false, false};
    assertThat(DetectionMetrics.averagePrecision(swapped, swappedLabels))
        .isCloseTo(5.0 / 6, within(1e-12));
  }

  @Test
  void shouldGiveAveragePrecisionOfPrevalenceWhenAllScoresTie() {
    boolean[] labels = {true, false, false, false};
    assertThat(DetectionMetrics.averagePrecision(new double[] {7, 7, 7, 7}, labels)).isEqualTo(0.25);
    assertThat(DetectionMetrics.averagePrecision(new double[] {9, 1, 2, 3}, labels)).isEqualTo(1.0);
  }

  @Test
  void shouldMatchPairCountingOnRandomScoresWithManyTies() {
    Random random = new Random(3);
    int n = 500;
    double[] scores = new double[n];
    boolean[] labels = new boolean[n];
    for (int i = 0; i < n; i++) {
      scores[i] = random.nextInt(20); // 20 distinct values: ties everywhere
      labels[i] = random.nextDouble() < 0.2;
    }
    double wins = 0;
    long pairs = 0;
    for (int a = 0; a < n; a++) {
      for (int b = 0; b < n; b++) {
        if (!labels[a] || labels[b]) continue;
        pairs++;
        wins += scores[a] > scores[b] ? 1 : scores[a] == scores[b] ? 0.5 : 0;
      }
    }
    assertThat(DetectionMetrics.rocAuc(scores, labels)).isCloseTo(wins / pairs, within(1e-12));
  }

  @Test
  void shouldTraceTheRocCornersWithTiesMovingDiagonallyAndEncloseTheRocAuc() {
    // From the top: 0.9 (A) → (0, 1/2); 0.8 (A and N together) → (1/3, 1); 0.3 → (2/3, 1); 0.1 → (1, 1).
    DetectionMetrics.RocCurve curve = DetectionMetrics.rocCurve(TIED_SCORES, TIED_LABELS);
    assertThat(curve.falsePositiveRate()).containsExactly(0, 0, 1.0 / 3, 2.0 / 3, 1);
    assertThat(curve.truePositiveRate()).containsExactly(0, 0.5, 1, 1, 1);
    double area = 0;
    double[] x = curve.falsePositiveRate();
    double[] y = curve.truePositiveRate();
    for (int i = 1; i < x.length; i++) area += (x[i] - x[i - 1]) * (y[i] + y[i - 1]) / 2;
    assertThat(area).isCloseTo(DetectionMetrics.rocAuc(TIED_SCORES, TIED_LABELS), within(1e-12));
  }

  @Test
  void shouldCountOnlyValuesStrictlyBelowTheThresholdAsAlerts() {
    // -3 equals the threshold and does not alert, as Calibration.isAlert.
    assertThat(DetectionMetrics.shareBelow(new double[] {-5, -3, -1, -2}, -3)).isEqualTo(0.25);
  }

  @Test
  void shouldRefuseLabelsWithOnlyOneClass() {
    assertThatThrownBy(() -> DetectionMetrics.rocAuc(new double[] {1, 2}, new boolean[] {false, false}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("need at least one anomalous and one normal row, got 0 anomalous of 2");
  }
}
