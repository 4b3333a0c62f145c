package io.surprisal.train;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class ReweightedWakeSleepObjectiveTest {
  private static final double STEP = 1e-5;

  @Test
  void shouldMatchFiniteDifferencesWithTheCodesHeldFixedOnTinyTanhNetwork() {
    assertThat(worstRelativeError(3, 4, 1, 5, 4)).isLessThan(1e-6);
  }

  @Test
  void shouldMatchFiniteDifferencesWithTheCodesHeldFixedThroughTwoTanhLayers() {
    assertThat(worstRelativeError(3, 4, 2, 5, 4)).isLessThan(1e-6);
  }

  @Test
  void shouldMatchFiniteDifferencesWithTheCodesHeldFixedOnAffineNetworks() {
    assertThat(worstRelativeError(2, 0, 1, 4, 3)).isLessThan(1e-6);
  }

  /**
   * With the uniforms fixed, the codes stay fixed under small steps, and the bound's derivative is
   * Σ w̃ ∇ log p(x, z) for the model's arrays (the returned gradient) and −Σ w̃ ∇ log q(z|x) for the
   * encoder's (the negated wake-phase update: q's density enters log w with a minus sign).
   */
  private static double worstRelativeError(
      int latent, int hidden, int layers, int dimension, int draws) {
    Random random = new Random(21);
    double[] means = new double[dimension];
    for (int d = 0; d < dimension; d++) means[d] = 0.2 + 0.6 * random.nextDouble();
    BinaryLatentParameters p = BinaryLatentParameters.initial(latent, hidden, layers, means, random);
    for (INDArray a : p.all()) a.addi(Nd4j.randn(a.dataType(), a.shape()).muli(0.7));
    int rows = 6;
    double[] bits = new double[rows * dimension];
    for (int i = 0; i < bits.length; i++) bits[i] = random.nextInt(2);
    INDArray x = Nd4j.create(bits, new long[] {rows, dimension}, 'c').dup('f');
    double[] u = new double[draws * rows * latent];
    for (int i = 0; i < u.length; i++) u[i] = random.nextDouble();
    INDArray uniforms = Nd4j.create(u, new long[] {(long) draws * rows, latent}, 'c');
    ReweightedWakeSleepObjective objective = new ReweightedWakeSleepObjective();

    List<INDArray> gradients = objective.evaluate(x, p, uniforms).gradient().all();
    List<INDArray> parameters = p.all();
    int encoderFrom = 1 + p.decoder().all().size(); // eta and the decoder are the model's
    double worst = 0;
    int checked = 0;
    for (int i = 0; i < parameters.size(); i++) {
      double sign = i < encoderFrom ? 1 : -1;
      INDArray parameter = parameters.get(i);
      INDArray analytic = gradients.get(i);
      assertThat(analytic.shape()).isEqualTo(parameter.shape());
      for (long j = 0; j < parameter.length(); j++) {
        double original = parameter.getDouble(j);
        parameter.putScalar(j, original + STEP);
        double up = objective.evaluate(x, p, uniforms).meanBound();
        parameter.putScalar(j, original - STEP);
        double down = objective.evaluate(x, p, uniforms).meanBound();
        parameter.putScalar(j, original);
        double numeric = sign * (up - down) / (2 * STEP);
        double error =
            Math.abs(numeric - analytic.getDouble(j)) / Math.max(1e-3, Math.abs(numeric));
        worst = Math.max(worst, error);
        checked++;
      }
    }
    assertThat(checked).isGreaterThan(20);
    return worst;
  }
}
