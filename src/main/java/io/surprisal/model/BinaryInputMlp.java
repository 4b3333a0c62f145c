package io.surprisal.model;

/**
 * A perceptron whose inputs are bits: out = W2ᵀ·tanh(W1ᵀ·u + b1) + b2 with one tanh hidden layer
 * of width H, or out = W2ᵀ·u + b2 when H = 0. Both networks of the {@link BinaryLatentModel} have
 * this shape: the decoder reads a latent code z, the inference network an event x.
 *
 * <p>Every weight matrix comes and goes input-major (row-major in × out, w[i * out + o]), the layout
 * the trainer's matrices have, and is held by row ({@link Rows}): a set input bit adds one row, so
 * a binary input costs nnz(u)·H plus H·out multiply-adds, in plain Java (one ND4J call per event
 * costs more than this whole pass; NOTES-dependencies.md).
 */
public final class BinaryInputMlp {
  private final int inputs;
  private final int hidden;
  private final int outputs;
  /** W1 and W2 by input row (see {@link Rows}: the scoring loop runs over whole rows). */
  private final double[][] w1;
  private final double[] b1;
  private final double[][] w2;
  private final double[] b2;

  private BinaryInputMlp(
      int inputs, int hidden, int outputs, double[][] w1, double[] b1, double[][] w2, double[] b2) {
    this.inputs = inputs;
    this.hidden = hidden;
    this.outputs = outputs;
    this.w1 = w1;
    this.b1 = b1;
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
    return new BinaryInputMlp(inputs, hidden, outputs, Rows.of(w1, inputs, hidden), b1.clone(),
        Rows.of(w2, secondInputs, outputs), b2.clone());
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
    for (int h = 0; h < hidden; h++) Rows.addScaled(out, w2[h], Logistic.tanh(scratch[h]));
  }
}
