package io.surprisal.train;

import io.surprisal.event.BitVector;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Packs bit vectors into the dense N×L matrix the training math multiplies. */
final class BinaryMatrix {
  private BinaryMatrix() {}

  /**
   * An N×L double matrix in F (column-major) order: ND4J's gemm is several times faster on it than
   * on C order for these shapes (NOTES-dependencies.md).
   */
  static INDArray of(List<BitVector> rows, int dimension) {
    int n = rows.size();
    double[] columnMajor = new double[n * dimension];
    for (int r = 0; r < n; r++) {
      BitVector row = rows.get(r);
      if (row.dimension() != dimension) {
        throw new IllegalArgumentException(
            "row " + r + " has dimension " + row.dimension() + ", expected " + dimension);
      }
      for (int i = 0, count = row.activeCount(); i < count; i++) {
        columnMajor[row.activeIndex(i) * n + r] = 1.0;
      }
    }
    return Nd4j.create(columnMajor, new long[] {n, dimension}, 'f');
  }

  /** The share of rows with each bit set, checking that every row has {@code dimension} bits. */
  static double[] bitMeans(List<BitVector> rows, int dimension) {
    double[] means = new double[dimension];
    for (BitVector row : rows) {
      if (row.dimension() != dimension) {
        throw new IllegalArgumentException(
            "rows must all have dimension " + dimension + ", got " + row.dimension());
      }
      for (int i = 0, n = row.activeCount(); i < n; i++) means[row.activeIndex(i)]++;
    }
    for (int d = 0; d < dimension; d++) means[d] /= rows.size();
    return means;
  }
}
