package io.surprisal.model;

/**
 * A perceptron over real inputs with one tanh hidden layer: out = W2ᵀ·tanh(W1ᵀ·u + b1) + b2. The
 * {@link VaeModel}'s decoder has this shape (a Gaussian code z in, Bernoulli log-odds out).
 *
 * <p>Weights are stored input-major (w[i * out + o]) like {@link BinaryInputMlp}'s and the trainer's
 * matrices. One pass costs D·H + H·L multiply-adds in plain Java: at D = 16, H = 64, L = 784 about
 * 51,000, far below the per-call overhead of one ND4J product (NOTES-dependencies.md).
 */
public final class RealInputMlp {
  private final int inputs;
  private final int hidden;
  private final int outputs;
  private final double[] w1;
  private final double[] b1;
  private final double[] w2;
  private final double[] b2;

  private RealInputMlp(
      int inputs, int hidden, int outputs, double[] w1, double[] b1, double[] w2, double[] b2) {
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
    return new RealInputMlp(
        inputs, hidden, outputs, w1.clone(), b1.clone(), w2.clone(), b2.clone());
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
    return w1.clone();
  }

  public double[] b1() {
    return b1.clone();
  }

  public double[] w2() {
    return w2.clone();
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
    for (int i = 0; i < inputs; i++) {
      double u = in[i];
      int offset = i * hidden;
      for (int h = 0; h < hidden; h++) scratch[h] += u * w1[offset + h];
    }
    System.arraycopy(b2, 0, out, 0, outputs);
    for (int h = 0; h < hidden; h++) {
      double a = Math.tanh(scratch[h]);
      int offset = h * outputs;
      for (int o = 0; o < outputs; o++) out[o] += a * w2[offset + o];
    }
  }
}
