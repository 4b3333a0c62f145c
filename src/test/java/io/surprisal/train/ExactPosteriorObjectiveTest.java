package io.surprisal.train;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Random;
import java.util.function.ToDoubleFunction;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class ExactPosteriorObjectiveTest {

  /** Central differences with step 1e-5 in double precision: agreement to about 1e-8 expected. */
  private static final double STEP = 1e-5;

  @Test
  void shouldMatchFiniteDifferencesOnTinyTanhNetwork() {
    checkGradients(3, 4, 1, 5);
  }

  @Test
  void shouldMatchFiniteDifferencesThroughThreeTanhLayers() {
    checkGradients(3, 4, 3, 5);
  }

  @Test
  void shouldMatchFiniteDifferencesOnTinyLinearDecoder() {
    checkGradients(2, 0, 1, 4);
  }

  private static void checkGradients(int latent, int hidden, int layers, int dimension) {
    Random random = new Random(5);
    double[] means = new double[dimension];
    for (int d = 0; d < dimension; d++) means[d] = 0.2 + 0.6 * random.nextDouble();
    BinaryLatentParameters p = BinaryLatentParameters.initial(latent, hidden, layers, means, random);
    for (INDArray a : p.all()) a.addi(Nd4j.randn(a.dataType(), a.shape()).muli(0.7));
    double[] rows = new double[7 * dimension];
    for (int i = 0; i < rows.length; i++) rows[i] = random.nextInt(2);
    INDArray x = Nd4j.create(rows, new long[] {7, dimension}, 'c').dup('f');
    ExactPosteriorObjective objective = new ExactPosteriorObjective(latent);

    BinaryLatentParameters gradient = objective.evaluate(x, p).gradient();
    List<INDArray> parameters = p.all();
    List<INDArray> gradients = gradient.all();
    int encoderFrom = 1 + p.decoder().all().size(); // eta and the decoder belong to log p(x)
    double worst = 0;
    int checked = 0;
    for (int i = 0; i < parameters.size(); i++) {
      ToDoubleFunction<BinaryLatentParameters> value =
          i < encoderFrom
              ? q -> objective.evaluate(x, q).meanLogLikelihood()
              : q -> objective.evaluate(x, q).meanLogProposal();
      INDArray parameter = parameters.get(i);
      INDArray analytic = gradients.get(i);
      assertThat(analytic.shape()).isEqualTo(parameter.shape());
      for (long j = 0; j < parameter.length(); j++) {
        double original = parameter.getDouble(j);
        parameter.putScalar(j, original + STEP);
        double up = value.applyAsDouble(p);
        parameter.putScalar(j, original - STEP);
        double down = value.applyAsDouble(p);
        parameter.putScalar(j, original);
        double numeric = (up - down) / (2 * STEP);
        double error =
            Math.abs(numeric - analytic.getDouble(j)) / Math.max(1e-3, Math.abs(numeric));
        worst = Math.max(worst, error);
        checked++;
      }
    }
    assertThat(checked).isGreaterThan(20);
    assertThat(worst).isLessThan(1e-6);
  }
}
