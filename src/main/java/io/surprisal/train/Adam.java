package io.surprisal.train;

import java.util.ArrayList;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Adam (Kingma and Ba, 2015) as gradient <em>ascent</em> on a list of ND4J arrays updated in place:
 * p += lr · m̂ / (√v̂ + ε), with the usual bias-corrected moment estimates.
 */
final class Adam {
  private static final double BETA1 = 0.9;
  private static final double BETA2 = 0.999;
  private static final double EPSILON = 1e-8;

  private double learningRate;
  private final List<INDArray> first = new ArrayList<>();
  private final List<INDArray> second = new ArrayList<>();
  private int steps;

  Adam(double learningRate, List<INDArray> parameters) {
    this.learningRate = learningRate;
    for (INDArray p : parameters) {
      first.add(Nd4j.zerosLike(p));
      second.add(Nd4j.zerosLike(p));
    }
  }

  /** Scales the step size from the next step on, e.g. by ½ when validation stops improving. */
  void scaleLearningRate(double factor) {
    learningRate *= factor;
  }

  double learningRate() {
    return learningRate;
  }

  /** Moves every parameter along its gradient; both lists in the same order. */
  void ascend(List<INDArray> parameters, List<INDArray> gradients) {
    steps++;
    double firstCorrection = 1 - Math.pow(BETA1, steps);
    double secondCorrection = 1 - Math.pow(BETA2, steps);
    for (int i = 0; i < parameters.size(); i++) {
      INDArray g = gradients.get(i);
      INDArray m = first.get(i).muli(BETA1).addi(g.mul(1 - BETA1));
      INDArray v = second.get(i).muli(BETA2).addi(g.mul(g).muli(1 - BETA2));
      INDArray denominator = Transforms.sqrt(v.div(secondCorrection), false).addi(EPSILON);
      parameters.get(i).addi(m.mul(learningRate / firstCorrection).divi(denominator));
    }
  }
}
