package io.surprisal.model;

import java.util.Random;

/** Binary-latent models with seeded random parameters, for tests in any package. */
public final class BinaryLatentFixtures {
  private BinaryLatentFixtures() {}

  /**
   * A model with Gaussian weights: prior log-odds N(0, 1), decoder first layer N(0, scale²),
   * output layer N(0, scale²/H) so the output log-odds spread about ±scale, output biases N(0, 1).
   * Its inference network is affine with zero weights and biases η: the proposal is the prior.
   */
  public static BinaryLatentModel random(
      int latent, int hidden, int dimension, double scale, int enumerationLimit, long seed) {
    Random random = new Random(seed);
    double[] prior = gaussian(latent, 1.0, random);
    int secondIn = hidden == 0 ? latent : hidden;
    BinaryInputMlp decoder =
        BinaryInputMlp.of(
            latent, hidden, dimension,
            gaussian(latent * hidden, scale, random),
            gaussian(hidden, 0.5, random),
            gaussian(secondIn * dimension, scale / Math.sqrt(Math.max(1, hidden)), random),
            gaussian(dimension, 1.0, random));
    BinaryInputMlp encoder =
        BinaryInputMlp.of(
            dimension, 0, latent, new double[0], new double[0], new double[dimension * latent],
            prior.clone());
    return BinaryLatentModel.of(prior, decoder, encoder, enumerationLimit, 64);
  }

  /**
   * A model with {@code layers} tanh layers of width H in both networks, Gaussian weights scaled by
   * 1/√fan-in times {@code scale}: a deep decoder and a deep, nonzero inference network, so that
   * both middle-layer paths are exercised.
   */
  public static BinaryLatentModel deep(int latent, int hidden, int layers, int dimension,
      double scale, int enumerationLimit, long seed) {
    Random random = new Random(seed);
    double[] prior = gaussian(latent, 1.0, random);
    return BinaryLatentModel.of(prior, network(latent, hidden, layers, dimension, scale, random),
        network(dimension, hidden, layers, latent, scale, random), enumerationLimit, 64);
  }

  private static BinaryInputMlp network(
      int inputs, int hidden, int layers, int outputs, double scale, Random random) {
    double[][] middleWeights = new double[layers - 1][];
    double[][] middleBiases = new double[layers - 1][];
    for (int l = 0; l < layers - 1; l++) {
      middleWeights[l] = gaussian(hidden * hidden, scale / Math.sqrt(hidden), random);
      middleBiases[l] = gaussian(hidden, 0.5, random);
    }
    return BinaryInputMlp.of(inputs, hidden, outputs,
        gaussian(inputs * hidden, scale / Math.sqrt(inputs), random), gaussian(hidden, 0.5, random),
        middleWeights, middleBiases, gaussian(hidden * outputs, scale / Math.sqrt(hidden), random),
        gaussian(outputs, 1.0, random));
  }

  /** The same parameters as {@code model} with another enumeration limit. */
  public static BinaryLatentModel withEnumerationLimit(BinaryLatentModel model, int limit) {
    return BinaryLatentModel.of(
        model.priorLogOdds(), model.decoder(), model.encoder(), limit, model.scoringSamples());
  }

  private static double[] gaussian(int count, double scale, Random random) {
    double[] values = new double[count];
    for (int i = 0; i < count; i++) values[i] = random.nextGaussian() * scale;
    return values;
  }
}
