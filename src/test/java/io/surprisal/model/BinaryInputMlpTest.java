package io.surprisal.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class BinaryInputMlpTest {

  /**
   * Two inputs, H = 2, one middle layer, one output, with weights small enough to follow by hand:
   * h1 = tanh(W1ᵀu + b1), h2 = tanh(Mᵀh1 + c), out = W2ᵀh2 + b2.
   */
  @Test
  void shouldComputeEveryLayerOfADeepNetwork() {
    double[] w1 = {0.5, -0.25, 1.0, 0.75}; // input-major 2×2
    double[] b1 = {0.1, -0.2};
    double[] middle = {0.3, -0.6, 0.9, 0.2};
    double[] c = {0.05, -0.05};
    double[] w2 = {1.5, -2.0};
    double[] b2 = {0.25};
    BinaryInputMlp network = BinaryInputMlp.of(2, 2, 1, w1, b1, new double[][] {middle},
        new double[][] {c}, w2, b2);

    double[] out = new double[1];
    network.forward(new int[] {0, 1}, 2, new double[2], out); // u = (1, 1)

    double h1a = Math.tanh(0.5 + 1.0 + 0.1);
    double h1b = Math.tanh(-0.25 + 0.75 - 0.2);
    double h2a = Math.tanh(0.3 * h1a + 0.9 * h1b + 0.05);
    double h2b = Math.tanh(-0.6 * h1a + 0.2 * h1b - 0.05);
    assertThat(out[0]).isCloseTo(1.5 * h2a - 2.0 * h2b + 0.25, within(1e-12));
    assertThat(network.hiddenLayers()).isEqualTo(2);
    assertThat(network.middleWeights(0)).containsExactly(middle);
  }

  @Test
  void shouldRefuseMiddleLayersWithoutAHiddenWidthOrBeyondTheMaximum() {
    assertThatThrownBy(() -> BinaryInputMlp.of(2, 0, 1, new double[0], new double[0],
        new double[][] {new double[0]}, new double[][] {new double[0]}, new double[2],
        new double[1]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("none without a hidden width");
    double[][] four = {new double[4], new double[4], new double[4], new double[4]};
    double[][] biases = {new double[2], new double[2], new double[2], new double[2]};
    assertThatThrownBy(() -> BinaryInputMlp.of(2, 2, 1, new double[4], new double[2], four,
        biases, new double[2], new double[1]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at most 3");
  }
}
