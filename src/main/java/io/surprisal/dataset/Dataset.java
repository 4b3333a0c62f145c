package io.surprisal.dataset;

import io.surprisal.event.BitVector;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * Rows read from one file, all of one dimension, in file order.
 *
 * @param source where the rows came from, for messages (usually the file name)
 */
public record Dataset(String source, int dimension, List<LabelledRow> rows) {
  public Dataset {
    if (dimension <= 0) {
      throw new IllegalArgumentException("dimension must be > 0, got " + dimension);
    }
    rows = List.copyOf(rows);
    for (int i = 0; i < rows.size(); i++) {
      int d = rows.get(i).features().dimension();
      if (d != dimension) {
        throw new IllegalArgumentException(
            source + " row " + (i + 1) + " has dimension " + d + ", expected " + dimension);
      }
    }
  }

  public int size() {
    return rows.size();
  }

  /** The feature vectors, in row order. */
  public List<BitVector> vectors() {
    List<BitVector> vectors = new ArrayList<>(rows.size());
    for (LabelledRow row : rows) vectors.add(row.features());
    return vectors;
  }

  /** True when every row carries a label. */
  public boolean labelled() {
    return rows.stream().allMatch(row -> row.anomalous() != null);
  }

  public long anomalies() {
    return rows.stream().filter(row -> Boolean.TRUE.equals(row.anomalous())).count();
  }

  /**
   * A seeded random split: the rows are shuffled with {@code new Random(seed)} and the first
   * round(n·trainFraction) go to train, the rest to test. Equal seeds give equal splits.
   */
  public Split split(double trainFraction, long seed) {
    if (!(trainFraction > 0 && trainFraction < 1)) {
      throw new IllegalArgumentException(
          "train fraction must be inside (0, 1), got " + trainFraction);
    }
    int trainSize = (int) Math.round(rows.size() * trainFraction);
    if (trainSize < 1 || trainSize >= rows.size()) {
      throw new IllegalArgumentException(
          source + " has " + rows.size() + " rows, too few to split at train fraction "
              + trainFraction);
    }
    List<LabelledRow> shuffled = new ArrayList<>(rows);
    Collections.shuffle(shuffled, new Random(seed));
    return new Split(
        new Dataset(source + " (train " + trainFraction + ")", dimension,
            shuffled.subList(0, trainSize)),
        new Dataset(source + " (test)", dimension, shuffled.subList(trainSize, shuffled.size())));
  }

  /** The two sides of {@link #split}. */
  public record Split(Dataset train, Dataset test) {}
}
