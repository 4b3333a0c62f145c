package io.surprisal.train;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The trainable arrays of a binary-latent model, as ND4J row vectors and input-major (in × out)
 * matrices, the layout {@link io.surprisal.model.BinaryInputMlp} stores. With hidden width 0 a
 * network is affine and its first-layer arrays are null. Gradients use the same record.
 *
 * @param eta prior log-odds, 1×K
 * @param u1 decoder first layer K×H, b1 1×H
 * @param u2 decoder output layer H×L (K×L when H = 0), b2 1×L
 * @param v1 encoder first layer L×H, c1 1×H
 * @param v2 encoder output layer H×K (L×K when H = 0), c2 1×K
 */
record BinaryLatentParameters(
    INDArray eta, INDArray u1, INDArray b1, INDArray u2, INDArray b2,
    INDArray v1, INDArray c1, INDArray v2, INDArray c2) {

  int hidden() {
    return u1 == null ? 0 : (int) u1.columns();
  }

  /** The non-null arrays in a fixed order, for the optimizer. */
  List<INDArray> all() {
    List<INDArray> list = new ArrayList<>();
    for (INDArray a : new INDArray[] {eta, u1, b1, u2, b2, v1, c1, v2, c2}) {
      if (a != null) list.add(a);
    }
    return list;
  }

  BinaryLatentParameters dup() {
    return new BinaryLatentParameters(
        eta.dup(), dup(u1), dup(b1), u2.dup(), b2.dup(), dup(v1), dup(c1), v2.dup(), c2.dup());
  }

  private static INDArray dup(INDArray a) {
    return a == null ? null : a.dup();
  }

  /**
   * The gradient record both objectives return: the prior's and the decoder's parts as given, the
   * inference network's back-propagated from gProposal (the objective's gradient in the
   * encoder's output log-odds, N×K) through its tanh layer, or straight to x when it is affine.
   * Every array in C order like the parameters, so that linear indices mean the same entry.
   *
   * @param x the rows, N×L
   * @param encoderHidden the encoder's tanh activations on x (N×H), or null when affine
   * @param v2 the encoder's output layer
   */
  static BinaryLatentParameters gradient(INDArray gEta, INDArray gU1, INDArray gB1,
      INDArray gU2, INDArray gB2, INDArray x, INDArray encoderHidden, INDArray v2,
      INDArray gProposal) {
    INDArray gV1 = null;
    INDArray gC1 = null;
    INDArray gV2;
    if (encoderHidden != null) {
      gV2 = encoderHidden.transpose().mmul(gProposal);
      INDArray gPre = gProposal.mmul(v2.transpose());
      gPre.muli(encoderHidden.mul(encoderHidden).rsubi(1.0));
      gV1 = x.transpose().mmul(gPre);
      gC1 = gPre.sum(true, 0);
    } else {
      gV2 = x.transpose().mmul(gProposal);
    }
    INDArray gC2 = gProposal.sum(true, 0);
    return new BinaryLatentParameters(
        c(gEta), c(gU1), c(gB1), c(gU2), c(gB2), c(gV1), c(gC1), c(gV2), c(gC2));
  }

  private static INDArray c(INDArray a) {
    return a == null || a.ordering() == 'c' ? a : a.dup('c');
  }

  /**
   * A seeded start: prior ρ = ½, Gaussian weights scaled by 1/√fan-in, output biases at the
   * log-odds of the data's bit means (clamped to [0.01, 0.99]) so the first epoch starts from the
   * independent-bits model instead of from θ = ½.
   */
  static BinaryLatentParameters initial(int latent, int hidden, double[] bitMeans, Random random) {
    int dimension = bitMeans.length;
    double[] logOdds = new double[dimension];
    for (int d = 0; d < dimension; d++) {
      double p = Math.min(0.99, Math.max(0.01, bitMeans[d]));
      logOdds[d] = Math.log(p / (1 - p));
    }
    boolean affine = hidden == 0;
    int decoderIn = affine ? latent : hidden;
    int encoderIn = affine ? dimension : hidden;
    return new BinaryLatentParameters(
        zeros(latent),
        affine ? null : gaussian(latent, hidden, random),
        affine ? null : zeros(hidden),
        gaussian(decoderIn, dimension, random),
        Nd4j.create(logOdds, new long[] {1, dimension}),
        affine ? null : gaussian(dimension, hidden, random),
        affine ? null : zeros(hidden),
        gaussian(encoderIn, latent, random),
        zeros(latent));
  }

  private static INDArray zeros(int n) {
    return Nd4j.zeros(DataType.DOUBLE, 1, n);
  }

  private static INDArray gaussian(int rows, int columns, Random random) {
    double[] values = new double[rows * columns];
    double scale = 1 / Math.sqrt(rows);
    for (int i = 0; i < values.length; i++) values[i] = random.nextGaussian() * scale;
    return Nd4j.create(values, new long[] {rows, columns}, 'c');
  }
}
