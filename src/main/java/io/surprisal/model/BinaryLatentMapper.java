package io.surprisal.model;

/** Converts a {@link BinaryLatentModel} to its saved state and back, validating on the way in. */
public final class BinaryLatentMapper {
  private BinaryLatentMapper() {}

  public static BinaryLatentState toState(BinaryLatentModel model) {
    BinaryInputMlp decoder = model.decoder();
    BinaryInputMlp encoder = model.encoder();
    return new BinaryLatentState(
        model.latent(), model.dimension(), decoder.hidden(), encoder.hidden(),
        model.enumerationLimit(), model.scoringSamples(), model.priorLogOdds(),
        decoder.w1(), decoder.b1(), decoder.w2(), decoder.b2(),
        encoder.w1(), encoder.b1(), encoder.w2(), encoder.b2(),
        middleWeights(decoder), middleBiases(decoder), middleWeights(encoder),
        middleBiases(encoder));
  }

  private static double[][] middleWeights(BinaryInputMlp network) {
    double[][] weights = new double[Math.max(0, network.hiddenLayers() - 1)][];
    for (int l = 0; l < weights.length; l++) weights[l] = network.middleWeights(l);
    return weights;
  }

  private static double[][] middleBiases(BinaryInputMlp network) {
    double[][] biases = new double[Math.max(0, network.hiddenLayers() - 1)][];
    for (int l = 0; l < biases.length; l++) biases[l] = network.middleBiases(l);
    return biases;
  }

  /** @throws IllegalArgumentException when the shapes disagree or a parameter is not finite */
  public static BinaryLatentModel toModel(BinaryLatentState state) {
    if (state.priorLogOdds().length != state.latent()) {
      throw new IllegalArgumentException(
          "priorLogOdds has " + state.priorLogOdds().length + " values, expected K = "
              + state.latent());
    }
    BinaryInputMlp decoder =
        BinaryInputMlp.of(
            state.latent(), state.decoderHidden(), state.dimension(), state.decoderW1(),
            state.decoderB1(), state.decoderMiddleWeights(), state.decoderMiddleBiases(),
            state.decoderW2(), state.decoderB2());
    BinaryInputMlp encoder =
        BinaryInputMlp.of(
            state.dimension(), state.encoderHidden(), state.latent(), state.encoderW1(),
            state.encoderB1(), state.encoderMiddleWeights(), state.encoderMiddleBiases(),
            state.encoderW2(), state.encoderB2());
    return BinaryLatentModel.of(
        state.priorLogOdds(), decoder, encoder, state.enumerationLimit(), state.scoringSamples());
  }
}
