package io.surprisal.model;

import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * The kind payload of a VAE in a {@link ModelCodec} record (kind code 3):
 *
 * <pre>
 *   i32 L  i32 G (encoder hidden)  i32 D  i32 H (decoder hidden)  i32 scoringSamples
 *   encoder: f64[L·G] w1  f64[G] b1  f64[(G or L)·2D] w2  f64[2D] b2
 *   decoder: f64[D·H] w1  f64[H] b1  f64[H·L] w2  f64[L] b2
 * </pre>
 *
 * Matrices are input-major; the encoder's 2D outputs are D means, then D log-variances.
 */
final class VaePayload {
  private VaePayload() {}

  static void write(DataOutputStream out, VaeState state) throws IOException {
    out.writeInt(state.dimension());
    out.writeInt(state.encoderHidden());
    out.writeInt(state.latentDimension());
    out.writeInt(state.decoderHidden());
    out.writeInt(state.scoringSamples());
    for (double[] values :
        new double[][] {
          state.encoderW1(), state.encoderB1(), state.encoderW2(), state.encoderB2(),
          state.decoderW1(), state.decoderB1(), state.decoderW2(), state.decoderB2()
        }) {
      for (double v : values) out.writeDouble(v);
    }
  }

  /**
   * Reads the payload, refusing a shape header before any array is read: an L other than
   * {@code expectedDimension} (see {@link ModelCodec#decode(byte[], int)}) or a number of scoring
   * samples out of range. Every array is then bounded by the record's size.
   */
  static VaeState read(ByteBuffer in, int expectedDimension) throws ModelFormatException {
    int dimension = in.getInt();
    int encoderHidden = in.getInt();
    int latent = in.getInt();
    int decoderHidden = in.getInt();
    int scoringSamples = in.getInt();
    if (dimension < 1 || encoderHidden < 0 || latent < 1 || decoderHidden < 1) {
      throw new ModelFormatException(
          "vae shape must have L >= 1, G >= 0, D >= 1, H >= 1, got L=" + dimension + ", G="
              + encoderHidden + ", D=" + latent + ", H=" + decoderHidden);
    }
    ModelCodec.requireDimension(dimension, expectedDimension);
    ImportanceEstimate.requireScoringSamples(scoringSamples);
    long encoderIn = encoderHidden == 0 ? dimension : encoderHidden;
    long encoderOut = 2L * latent;
    double[] encoderW1 = ModelCodec.readMatrix(in, dimension, encoderHidden, "encoderW1");
    double[] encoderB1 = ModelCodec.readDoubles(in, encoderHidden, "encoderB1");
    double[] encoderW2 = ModelCodec.readMatrix(in, encoderIn, encoderOut, "encoderW2");
    double[] encoderB2 = ModelCodec.readDoubles(in, encoderOut, "encoderB2");
    double[] decoderW1 = ModelCodec.readMatrix(in, latent, decoderHidden, "decoderW1");
    double[] decoderB1 = ModelCodec.readDoubles(in, decoderHidden, "decoderB1");
    double[] decoderW2 = ModelCodec.readMatrix(in, decoderHidden, dimension, "decoderW2");
    double[] decoderB2 = ModelCodec.readDoubles(in, dimension, "decoderB2");
    return new VaeState(
        dimension, encoderHidden, latent, decoderHidden, scoringSamples, encoderW1, encoderB1,
        encoderW2, encoderB2, decoderW1, decoderB1, decoderW2, decoderB2);
  }
}
