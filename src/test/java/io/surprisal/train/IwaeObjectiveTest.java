package io.surprisal.train;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class IwaeObjectiveTest {

  /** Central differences with step 1e-5 in double precision: agreement to about 1e-8 expected. */
  private static final double STEP = 1e-5;

  @Test
  void shouldMatchFiniteDifferencesOnTinyNetworkWithFiveDraws() {
    assertThat(worstRelativeError(3, 4, 6, 5)).isLessThan(1e-6);
  }

  @Test
  void shouldMatchFiniteDifferencesForTheSingleDrawElbo() {
    assertThat(worstRelativeError(2, 3, 5, 1)).isLessThan(1e-6);
  }

  /** The largest relative gap between analytic and numeric gradients over every parameter entry. */
  private static double worstRelativeError(int latent, int hidden, int dimension, int draws) {
    Random random = new Random(11);
    double[] means = new double[dimension];
    for (int d = 0; d < dimension; d++) means[d] = 0.2 + 0.6 * random.nextDouble();
    VaeParameters p = VaeParameters.initial(latent, hidden, means, random);
    // Away from the start, where some gradients vanish by symmetry.
    for (INDArray a : p.all()) a.addi(Nd4j.randn(a.dataType(), a.shape()).muli(0.5));
    int rows = 7;
    double[] bits = new double[rows * dimension];
    for (int i = 0; i < bits.length; i++) bits[i] = random.nextInt(2);
    INDArray x = Nd4j.create(bits, new long[] {rows, dimension}, 'c').dup('f');
    double[] normals = new double[draws * rows * latent];
    for (int i = 0; i < normals.length; i++) normals[i] = random.nextGaussian();
    INDArray epsilon = Nd4j.create(normals, new long[] {(long) draws * rows, latent}, 'c');
    IwaeObjective objective = new IwaeObjective();

    List<INDArray> gradients = objective.evaluate(x, p, epsilon, true).gradient().all();
    List<INDArray> parameters = p.all();
    double worst = 0;
    int checked = 0;
    for (int i = 0; i < parameters.size(); i++) {
      INDArray parameter = parameters.get(i);
      INDArray analytic = gradients.get(i);
      assertThat(analytic.shape()).isEqualTo(parameter.shape());
      for (long j = 0; j < parameter.length(); j++) {
        double original = parameter.getDouble(j);
        parameter.putScalar(j, original + STEP);
        double up = objective.evaluate(x, p, epsilon, false).meanBound();
        parameter.putScalar(j, original - STEP);
        double down = objective.evaluate(x, p, epsilon, false).meanBound();
        parameter.putScalar(j, original);
        double numeric = (up - down) / (2 * STEP);
        double error =
            Math.abs(numeric - analytic.getDouble(j)) / Math.max(1e-3, Math.abs(numeric));
        worst = Math.max(worst, error);
        checked++;
      }
    }
    assertThat(checked).isGreaterThan(40);
    return worst;
  }
}
