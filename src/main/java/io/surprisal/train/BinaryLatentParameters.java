package io.surprisal.train;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The trainable arrays of a binary-latent model: the prior's log-odds and its two networks, in the
 * layout {@link io.surprisal.model.BinaryInputMlp} stores. Gradients use the same record.
 *
 * @param eta prior log-odds, 1×K
 * @param decoder K inputs to the L log-odds of θ(z)
 * @param encoder L inputs to the K log-odds of q(z|x)
 */
record BinaryLatentParameters(INDArray eta, TanhNetwork decoder, TanhNetwork encoder) {

  /** The tanh layers' width (0 when both networks are affine). */
  int hidden() {
    return decoder.hiddenWidth();
  }

  /** Every array in a fixed order, for the optimizer: η, the decoder's, the encoder's. */
  List<INDArray> all() {
    List<INDArray> list = new ArrayList<>();
    list.add(eta);
    list.addAll(decoder.all());
    list.addAll(encoder.all());
    return list;
  }

  BinaryLatentParameters dup() {
    return new BinaryLatentParameters(eta.dup(), decoder.dup(), encoder.dup());
  }

  /**
   * A seeded start: prior ρ = ½, Gaussian weights scaled by 1/√fan-in, the decoder's output biases
   * at the log-odds of the data's bit means (clamped to [0.01, 0.99]) so the first epoch starts
   * from the independent-bits model instead of from θ = ½.
   *
   * @param hidden H, the width of every tanh layer; 0 makes both networks affine
   * @param hiddenLayers tanh layers in each network (ignored when H = 0)
   */
  static BinaryLatentParameters initial(
      int latent, int hidden, int hiddenLayers, double[] bitMeans, Random random) {
    int dimension = bitMeans.length;
    double[] logOdds = new double[dimension];
    for (int d = 0; d < dimension; d++) {
      double p = Math.min(0.99, Math.max(0.01, bitMeans[d]));
      logOdds[d] = Math.log(p / (1 - p));
    }
    TanhNetwork decoder = TanhNetwork.initial(latent, hidden, hiddenLayers, logOdds, random);
    TanhNetwork encoder =
        TanhNetwork.initial(dimension, hidden, hiddenLayers, new double[latent], random);
    return new BinaryLatentParameters(Nd4j.zeros(DataType.DOUBLE, 1, latent), decoder, encoder);
  }
}
