package io.surprisal.train;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * The trainable arrays of one network of a binary-latent model, in the layout {@link
 * io.surprisal.model.BinaryInputMlp} stores: zero or more tanh layers, then an affine output layer,
 * each weight matrix input-major (in × out) with its bias a 1 × out row. No hidden layer makes the
 * network affine. Gradients use the same record, so that linear indices mean the same entry.
 *
 * <p>Forward and backward passes are batched products over the rows of the input, by hand like
 * the objectives that use them (see {@link ExactPosteriorObjective} for why not SameDiff).
 *
 * @param weights layer l's matrix, the output layer's last
 * @param biases layer l's bias row
 */
record TanhNetwork(List<INDArray> weights, List<INDArray> biases) {

  TanhNetwork {
    if (weights.isEmpty() || weights.size() != biases.size()) {
      throw new IllegalArgumentException("a network needs one bias per weight matrix, at least one"
          + " layer; got " + weights.size() + " and " + biases.size());
    }
    weights = List.copyOf(weights);
    biases = List.copyOf(biases);
  }

  /** The tanh layers' count; 0 for an affine network. */
  int hiddenLayers() {
    return weights.size() - 1;
  }

  /** The tanh layers' width, 0 for an affine network. */
  int hiddenWidth() {
    return hiddenLayers() == 0 ? 0 : (int) weights.get(0).columns();
  }

  /** The input of every layer, the input itself first, and the output: what backward needs. */
  record Pass(List<INDArray> layerInputs, INDArray output) {}

  /** The network on every row of {@code input} (N × inputs). */
  Pass forward(INDArray input) {
    List<INDArray> layerInputs = new ArrayList<>(weights.size());
    INDArray a = input;
    for (int l = 0; l < hiddenLayers(); l++) {
      layerInputs.add(a);
      a = Transforms.tanh(a.mmul(weights.get(l)).addiRowVector(biases.get(l)), false);
    }
    layerInputs.add(a);
    INDArray output = a.mmul(weights.get(hiddenLayers())).addiRowVector(biases.get(hiddenLayers()));
    return new Pass(layerInputs, output);
  }

  /** The last tanh layer's activations (the input when affine), what the output layer reads. */
  static INDArray lastHidden(Pass pass) {
    return pass.layerInputs().get(pass.layerInputs().size() - 1);
  }

  /**
   * The gradient of an objective in every weight and bias, by backpropagation from its gradient
   * in the outputs, gOutput (N × outputs).
   */
  TanhNetwork backward(Pass pass, INDArray gOutput) {
    int layers = weights.size();
    INDArray[] gWeights = new INDArray[layers];
    INDArray[] gBiases = new INDArray[layers];
    INDArray g = gOutput;
    for (int l = layers - 1; l >= 0; l--) {
      INDArray in = pass.layerInputs().get(l);
      gWeights[l] = inCOrder(in.transpose().mmul(g));
      gBiases[l] = inCOrder(g.sum(true, 0));
      if (l > 0) {
        g = g.mmul(weights.get(l).transpose());
        g.muli(in.mul(in).rsubi(1.0)); // tanh' = 1 − tanh², in being the layer below's tanh
      }
    }
    return new TanhNetwork(List.of(gWeights), List.of(gBiases));
  }

  /** Weights and biases, layer by layer, for the optimizer. */
  List<INDArray> all() {
    List<INDArray> list = new ArrayList<>(2 * weights.size());
    for (int l = 0; l < weights.size(); l++) {
      list.add(weights.get(l));
      list.add(biases.get(l));
    }
    return list;
  }

  TanhNetwork dup() {
    return new TanhNetwork(
        weights.stream().map(INDArray::dup).toList(), biases.stream().map(INDArray::dup).toList());
  }

  /**
   * A seeded start: Gaussian weights scaled by 1/√fan-in, zero biases except the output's.
   *
   * @param hiddenLayers tanh layers, each {@code hiddenWidth} wide; 0 (or a width of 0) for an
   *     affine network
   * @param outputBias the output layer's starting bias, outputs values
   */
  static TanhNetwork initial(int inputs, int hiddenWidth, int hiddenLayers, double[] outputBias,
      Random random) {
    int layers = hiddenWidth == 0 ? 0 : hiddenLayers;
    List<INDArray> weights = new ArrayList<>();
    List<INDArray> biases = new ArrayList<>();
    int in = inputs;
    for (int l = 0; l < layers; l++) {
      weights.add(gaussian(in, hiddenWidth, random));
      biases.add(Nd4j.zeros(org.nd4j.linalg.api.buffer.DataType.DOUBLE, 1, hiddenWidth));
      in = hiddenWidth;
    }
    weights.add(gaussian(in, outputBias.length, random));
    biases.add(Nd4j.create(outputBias.clone(), new long[] {1, outputBias.length}));
    return new TanhNetwork(weights, biases);
  }

  private static INDArray gaussian(int rows, int columns, Random random) {
    double[] values = new double[rows * columns];
    double scale = 1 / Math.sqrt(rows);
    for (int i = 0; i < values.length; i++) values[i] = random.nextGaussian() * scale;
    return Nd4j.create(values, new long[] {rows, columns}, 'c');
  }

  /** a, or a C-order copy of it: gradients must index like the C-order parameters. */
  static INDArray inCOrder(INDArray a) {
    return a.ordering() == 'c' ? a : a.dup('c');
  }
}
