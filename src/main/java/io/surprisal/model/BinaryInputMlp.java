package io.surprisal.model;

/**
 * A perceptron whose inputs are bits: out = W2ᵀ·h + b2 with h = tanh(W1ᵀ·u + b1), one tanh hidden
 * layer of width H, or h = u when H = 0. Further tanh layers of width H may sit between the first
 * and the output (h ← tanh(Mᵀ·h + c), each); {@link #of(int, int, int, double[], double[],
 * double[][], double[][], double[], double[])} builds such a deeper network. Both networks of the
 * {@link BinaryLatentModel} have this shape: the decoder reads a latent code z, the inference
 * network an event x.
 *
 * <p>Every weight matrix comes and goes input-major (row-major in × out, w[i * out + o]), the layout
 * the trainer's matrices have, and is held by row ({@link Rows}): a set input bit adds one row, so
 * a binary input costs nnz(u)·H plus H·out multiply-adds, in plain Java (one ND4J call per event
 * costs more than this whole pass; NOTES-dependencies.md).
 */
public final class BinaryInputMlp {
  /** The most tanh layers a network may have, first and middle ones together. */
  public static final int MAX_HIDDEN_LAYERS = 4;

  private final int inputs;
  private final int hidden;
  private final int outputs;
  /** W1 and W2 by input row (see {@link Rows}: the scoring loop runs over whole rows). */
  private final double[][] w1;
  private final double[] b1;
  /** The middle layers' H×H matrices by input row, and their biases; none for one tanh layer. */
  private final double[][][] middleW;
  private final double[][] middleB;
  private final double[][] w2;
  private final double[] b2;

  private BinaryInputMlp(int inputs, int hidden, int outputs, double[][] w1, double[] b1,
      double[][][] middleW, double[][] middleB, double[][] w2, double[] b2) {
    this.inputs = inputs;
    this.hidden = hidden;
    this.outputs = outputs;
    this.w1 = w1;
    this.b1 = b1;
    this.middleW = middleW;
    this.middleB = middleB;
    this.w2 = w2;
    this.b2 = b2;
  }

  /**
   * Builds a network from its weights, copying them.
   *
   * @param hidden H, 0 for an affine map
   * @param w1 inputs·H values, input-major (empty when H = 0)
   * @param b1 H values
   * @param w2 (H, or inputs when H = 0)·outputs values, input-major
   * @param b2 outputs values
   * @throws IllegalArgumentException naming the first array whose size or values are wrong
   */
  public static BinaryInputMlp of(
      int inputs, int hidden, int outputs, double[] w1, double[] b1, double[] w2, double[] b2) {
    return of(inputs, hidden, outputs, w1, b1, new double[0][], new double[0][], w2, b2);
  }

  /**
   * Builds a network with {@code middleWeights.length} more tanh layers of width H between the
   * first and the output, copying every array.
   *
   * @param middleWeights each H·H values, input-major; at most {@value #MAX_HIDDEN_LAYERS} − 1 of
   *     them, and none when H = 0
   * @param middleBiases each H values, one per middle matrix
   * @throws IllegalArgumentException naming the first array whose size or values are wrong
   */
  public static BinaryInputMlp of(int inputs, int hidden, int outputs, double[] w1, double[] b1,
      double[][] middleWeights, double[][] middleBiases, double[] w2, double[] b2) {
    if (inputs < 1 || hidden < 0 || outputs < 1) {
      throw new IllegalArgumentException(
          "network shape must have inputs >= 1, hidden >= 0, outputs >= 1, got " + inputs + ", "
              + hidden + ", " + outputs);
    }
    int secondInputs = hidden == 0 ? inputs : hidden;
    Arrays2.requireFinite("w1", w1, (long) inputs * hidden);
    Arrays2.requireFinite("b1", b1, hidden);
    Arrays2.requireFinite("w2", w2, (long) secondInputs * outputs);
    Arrays2.requireFinite("b2", b2, outputs);
    int middle = middleWeights.length;
    if (middle != middleBiases.length || middle > MAX_HIDDEN_LAYERS - 1
        || (hidden == 0 && middle > 0)) {
      throw new IllegalArgumentException("middle layers must come with one bias each, at most "
          + (MAX_HIDDEN_LAYERS - 1) + " and none without a hidden width, got " + middle
          + " matrices and " + middleBiases.length + " biases at H = " + hidden);
    }
    double[][][] middleW = new double[middle][][];
    double[][] middleB = new double[middle][];
    for (int l = 0; l < middle; l++) {
      Arrays2.requireFinite("middleWeights[" + l + "]", middleWeights[l], (long) hidden * hidden);
      Arrays2.requireFinite("middleBiases[" + l + "]", middleBiases[l], hidden);
      middleW[l] = Rows.of(middleWeights[l], hidden, hidden);
      middleB[l] = middleBiases[l].clone();
    }
    return new BinaryInputMlp(inputs, hidden, outputs, Rows.of(w1, inputs, hidden), b1.clone(),
        middleW, middleB, Rows.of(w2, secondInputs, outputs), b2.clone());
  }

  public int inputs() {
    return inputs;
  }

  public int hidden() {
    return hidden;
  }

  public int outputs() {
    return outputs;
  }

  public double[] w1() {
    return Rows.flatten(w1, hidden);
  }

  public double[] b1() {
    return b1.clone();
  }

  /** Tanh layers in all: 0 when affine, else 1 + the middle layers. */
  public int hiddenLayers() {
    return hidden == 0 ? 0 : 1 + middleW.length;
  }

  /** Middle layer l's H×H matrix, input-major (l in 0..hiddenLayers() − 2). */
  public double[] middleWeights(int l) {
    return Rows.flatten(middleW[l], hidden);
  }

  public double[] middleBiases(int l) {
    return middleB[l].clone();
  }

  public double[] w2() {
    return Rows.flatten(w2, outputs);
  }

  public double[] b2() {
    return b2.clone();
  }

  /**
   * Computes the outputs for the input bits {@code active[0..count)} into {@code out}.
   *
   * @param scratch at least H values, overwritten
   */
  void forward(int[] active, int count, double[] scratch, double[] out) {
    System.arraycopy(b2, 0, out, 0, outputs);
    if (hidden == 0) {
      for (int i = 0; i < count; i++) Rows.add(out, w2[active[i]]);
      return;
    }
    System.arraycopy(b1, 0, scratch, 0, hidden);
    for (int i = 0; i < count; i++) Rows.add(scratch, w1[active[i]]);
    if (middleW.length == 0) {
      for (int h = 0; h < hidden; h++) Rows.addScaled(out, w2[h], Logistic.tanh(scratch[h]));
      return;
    }
    // Two arrays take turns as a middle layer's input (tanh applied) and its output. The second is
    // allocated here, a few hundred bytes against the H·L multiply-adds of the output layer.
    double[] in = scratch;
    double[] next = new double[hidden];
    for (int l = 0; l < middleW.length; l++) {
      System.arraycopy(middleB[l], 0, next, 0, hidden);
      for (int h = 0; h < hidden; h++) Rows.addScaled(next, middleW[l][h], Logistic.tanh(in[h]));
      double[] swap = in;
      in = next;
      next = swap;
    }
    for (int h = 0; h < hidden; h++) Rows.addScaled(out, w2[h], Logistic.tanh(in[h]));
  }
}
