package io.surprisal.model;

/** Converts a {@link VaeModel} to its saved state and back, validating on the way in. */
public final class VaeMapper {
  private VaeMapper() {}

  public static VaeState toState(VaeModel model) {
    BinaryInputMlp encoder = model.encoder();
    RealInputMlp decoder = model.decoder();
    return new VaeState(
        model.dimension(), encoder.hidden(), model.latentDimension(), decoder.hidden(),
        model.scoringSamples(), encoder.w1(), encoder.b1(), encoder.w2(), encoder.b2(),
        decoder.w1(), decoder.b1(), decoder.w2(), decoder.b2());
  }

  /** @throws IllegalArgumentException when a shape or parameter is invalid */
  public static VaeModel toModel(VaeState state) {
    BinaryInputMlp encoder =
        BinaryInputMlp.of(
            state.dimension(), state.encoderHidden(), 2 * state.latentDimension(),
            state.encoderW1(), state.encoderB1(), state.encoderW2(), state.encoderB2());
    RealInputMlp decoder =
        RealInputMlp.of(
            state.latentDimension(), state.decoderHidden(), state.dimension(), state.decoderW1(),
            state.decoderB1(), state.decoderW2(), state.decoderB2());
    return VaeModel.of(encoder, decoder, state.scoringSamples());
  }
}
