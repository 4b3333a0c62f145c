package io.surprisal.model;

import java.util.Random;

/** VAEs with seeded random parameters, for tests in any package. */
public final class VaeFixtures {
  private VaeFixtures() {}

  /**
   * A VAE with D latent dimensions, hidden width H (encoder and decoder) and L bits: Gaussian
   * weights of spread {@code scale}/√fan-in, log-variance outputs around −1 so q(z|x) is narrower
   * than the prior, as a trained encoder's is.
   */
  public static VaeModel random(
      int latent, int hidden, int dimension, double scale, int scoringSamples, long seed) {
    Random random = new Random(seed);
    double[] encoderB2 = new double[2 * latent];
    for (int j = latent; j < 2 * latent; j++) encoderB2[j] = -1.0;
    BinaryInputMlp encoder = BinaryInputMlp.of(dimension, hidden, 2 * latent,
        gaussian(dimension * hidden, scale / Math.sqrt(dimension), random),
        gaussian(hidden, 0.1, random),
        gaussian(hidden * 2 * latent, scale / Math.sqrt(hidden), random),
        encoderB2);
    RealInputMlp decoder = RealInputMlp.of(latent, hidden, dimension,
        gaussian(latent * hidden, scale, random),
        gaussian(hidden, 0.5, random),
        gaussian(hidden * dimension, 2 * scale / Math.sqrt(hidden), random),
        gaussian(dimension, 1.0, random));
    return VaeModel.of(encoder, decoder, scoringSamples);
  }

  /**
   * The same decoder with an encoder that ignores x and proposes the prior N(0, I): importance
   * weights are then p(x|z) ≤ 1, bounded, so their spread behaves as the delta method assumes.
   */
  public static VaeModel withPriorProposal(VaeModel model) {
    int latent = model.latentDimension();
    int dimension = model.dimension();
    BinaryInputMlp encoder = BinaryInputMlp.of(dimension, 0, 2 * latent, new double[0],
        new double[0], new double[dimension * 2 * latent], new double[2 * latent]);
    return VaeModel.of(encoder, model.decoder(), model.scoringSamples());
  }

  private static double[] gaussian(int count, double scale, Random random) {
    double[] values = new double[count];
    for (int i = 0; i < count; i++) values[i] = random.nextGaussian() * scale;
    return values;
  }
}
