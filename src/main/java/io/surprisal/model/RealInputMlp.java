package io.surprisal.model;

/**
 * A perceptron over real inputs with one tanh hidden layer: out = W2ᵀ·tanh(W1ᵀ·u + b1) + b2. The
 * {@link VaeModel}'s decoder has this shape (a Gaussian code z in, Bernoulli log-odds out).
 *
 * <p>Weights come and go input-major (w[i * out + o]) like {@link BinaryInputMlp}'s and the
 * trainer's matrices, and are held by row for the scoring loop ({@link Rows}). One pass costs
 * D·H + H·L multiply-adds in plain Java: at D = 16, H = 64, L = 784 about 51,000, far below the
 * per-call overhead of one ND4J product (NOTES-dependencies.md).
 */
public final class RealInputMlp {
  private final int inputs;
  private final int hidden;
  private final int outputs;
  /** W1 and W2 by input row (see {@link Rows}: the scoring loop runs over whole rows). */
  private final double[][] w1;
  private final double[] b1;
  private final double[][] w2;
  private final double[] b2;

  private RealInputMlp(
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
   * @param w1 inputs·hidden values, input-major
   * @param b1 hidden values
   * @param w2 hidden·outputs values, input-major
   * @param b2 outputs values
   * @throws IllegalArgumentException naming the first shape or array that is wrong
   */
  public static RealInputMlp of(
      int inputs, int hidden, int outputs, double[] w1, double[] b1, double[] w2, double[] b2) {
    if (inputs < 1 || hidden < 1 || outputs < 1) {
      throw new IllegalArgumentException(
          "network shape must have inputs, hidden and outputs >= 1, got " + inputs + ", " + hidden
              + ", " + outputs);
    }
    Arrays2.requireFinite("w1", w1, (long) inputs * hidden);
    Arrays2.requireFinite("b1", b1, hidden);
    Arrays2.requireFinite("w2", w2, (long) hidden * outputs);
    Arrays2.requireFinite("b2", b2, outputs);
    return new RealInputMlp(inputs, hidden, outputs, Rows.of(w1, inputs, hidden), b1.clone(),
        Rows.of(w2, hidden, outputs), b2.clone());
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
   * Computes the outputs for {@code in} into {@code out}.
   *
   * @param scratch at least H values, overwritten
   */
  void forward(double[] in, double[] scratch, double[] out) {
    System.arraycopy(b1, 0, scratch, 0, hidden);
    for (int i = 0; i < inputs; i++) Rows.addScaled(scratch, w1[i], in[i]);
    System.arraycopy(b2, 0, out, 0, outputs);
    for (int h = 0; h < hidden; h++) Rows.addScaled(out, w2[h], Logistic.tanh(scratch[h]));
  }
}
