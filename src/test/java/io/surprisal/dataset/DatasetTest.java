package io.surprisal.dataset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.surprisal.event.BitVector;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.Test;

class DatasetTest {
  private static Dataset numbered(int n) {
    List<LabelledRow> rows = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      rows.add(new LabelledRow("r" + i, BitVector.ofActive(8, i % 8), i % 10 == 0));
    }
    return new Dataset("d.csv", 8, rows);
  }

  @Test
  void shouldSplitEveryRowIntoExactlyOneSideAtTheFraction() {
    Dataset.Split split = numbered(1000).split(0.7, 5);
    assertThat(split.train().size()).isEqualTo(700);
    assertThat(split.test().size()).isEqualTo(300);
    HashSet<String> ids = new HashSet<>();
    split.train().rows().forEach(r -> ids.add(r.id()));
    split.test().rows().forEach(r -> ids.add(r.id()));
    assertThat(ids).hasSize(1000);
  }

  @Test
  void shouldGiveTheSameSplitForTheSameSeedAndAnotherForAnother() {
    Dataset data = numbered(1000);
    assertThat(data.split(0.7, 5).test().rows()).isEqualTo(data.split(0.7, 5).test().rows());
    assertThat(data.split(0.7, 6).test().rows()).isNotEqualTo(data.split(0.7, 5).test().rows());
  }

  @Test
  void shouldRefuseAFractionOutsideZeroToOne() {
    assertThatThrownBy(() -> numbered(10).split(1.0, 1))
        .hasMessage("train fraction must be inside (0, 1), got 1.0");
  }

  @Test
  void shouldRefuseRowsOfAnotherDimension() {
    List<LabelledRow> rows = List.of(
        new LabelledRow(null, BitVector.ofActive(8, 1), null),
        new LabelledRow(null, BitVector.ofActive(9, 1), null));
    assertThatThrownBy(() -> new Dataset("d.csv", 8, rows))
        .hasMessage("d.csv row 2 has dimension 9, expected 8");
  }
}
