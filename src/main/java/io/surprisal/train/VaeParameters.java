package io.surprisal.train;

import java.util.List;
import java.util.Random;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The trainable arrays of a VAE, as ND4J row vectors and input-major (in × out) matrices, the
 * layout the model's networks store. Gradients use the same record.
 *
 * @param v1 encoder first layer L×G, c1 1×G
 * @param vm encoder mean head G×D, cm 1×D
 * @param vs encoder log-variance head G×D, cs 1×D
 * @param u1 decoder first layer D×H, b1 1×H
 * @param u2 decoder output layer H×L, b2 1×L
 */
record VaeParameters(
    INDArray v1, INDArray c1, INDArray vm, INDArray cm, INDArray vs, INDArray cs,
    INDArray u1, INDArray b1, INDArray u2, INDArray b2) {

  int latent() {
    return (int) u1.rows();
  }

  int hidden() {
    return (int) u1.columns();
  }

  /** All arrays in a fixed order, for the optimizer. */
  List<INDArray> all() {
    return List.of(v1, c1, vm, cm, vs, cs, u1, b1, u2, b2);
  }

  VaeParameters dup() {
    return new VaeParameters(v1.dup(), c1.dup(), vm.dup(), cm.dup(), vs.dup(), cs.dup(), u1.dup(),
        b1.dup(), u2.dup(), b2.dup());
  }

  /**
   * A seeded start: Gaussian weights scaled by 1/√fan-in, the log-variance head scaled down further
   * so that q(z|x) starts near unit variance, and output biases at the log-odds of the data's bit
   * means (clamped to [0.01, 0.99]) so that the first step starts from the independent-bits model.
   */
  static VaeParameters initial(int latent, int hidden, double[] bitMeans, Random random) {
    int dimension = bitMeans.length;
    double[] logOdds = new double[dimension];
    for (int d = 0; d < dimension; d++) {
      double p = Math.min(0.99, Math.max(0.01, bitMeans[d]));
      logOdds[d] = Math.log(p / (1 - p));
    }
    return new VaeParameters(
        gaussian(dimension, hidden, 1.0, random),
        zeros(hidden),
        gaussian(hidden, latent, 1.0, random),
        zeros(latent),
        gaussian(hidden, latent, 0.1, random),
        zeros(latent),
        gaussian(latent, hidden, 1.0, random),
        zeros(hidden),
        gaussian(hidden, dimension, 1.0, random),
        Nd4j.create(logOdds, new long[] {1, dimension}));
  }

  private static INDArray zeros(int n) {
    return Nd4j.zeros(DataType.DOUBLE, 1, n);
  }

  private static INDArray gaussian(int rows, int columns, double gain, Random random) {
    double[] values = new double[rows * columns];
    double scale = gain / Math.sqrt(rows);
    for (int i = 0; i < values.length; i++) values[i] = random.nextGaussian() * scale;
    return Nd4j.create(values, new long[] {rows, columns}, 'c');
  }
}
