package io.surprisal.model;

import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * The kind payload of a binary-latent model in a {@link ModelCodec} record (kind code 2):
 *
 * <pre>
 *   i32 K  i32 L  i32 H (decoder)  i32 G (encoder)  i32 enumerationLimit  i32 scoringSamples
 *   f64[K] priorLogOdds
 *   decoder: f64[K·H] w1  f64[H] b1  f64[(H or K)·L] w2  f64[L] b2
 *   encoder: f64[L·G] w1  f64[G] b1  f64[(G or L)·K] w2  f64[K] b2
 * </pre>
 *
 * Matrices are input-major; a hidden width of 0 has empty first-layer arrays and its second layer
 * reads the inputs directly.
 */
final class BinaryLatentPayload {
  private BinaryLatentPayload() {}

  static void write(DataOutputStream out, BinaryLatentState state) throws IOException {
    out.writeInt(state.latent());
    out.writeInt(state.dimension());
    out.writeInt(state.decoderHidden());
    out.writeInt(state.encoderHidden());
    out.writeInt(state.enumerationLimit());
    out.writeInt(state.scoringSamples());
    for (double[] values :
        new double[][] {
          state.priorLogOdds(), state.decoderW1(), state.decoderB1(), state.decoderW2(),
          state.decoderB2(), state.encoderW1(), state.encoderB1(), state.encoderW2(),
          state.encoderB2()
        }) {
      for (double v : values) out.writeDouble(v);
    }
  }

  /**
   * Reads the payload, refusing a shape header before any array is read: an L other than
   * {@code expectedDimension} (see {@link ModelCodec#decode(byte[], int)}), an enumeration limit
   * out of range or whose 2^K·L table is too large, or a number of scoring samples out of range.
   * Every array is then bounded by the record's size.
   */
  static BinaryLatentState read(ByteBuffer in, int expectedDimension)
      throws ModelFormatException {
    int latent = in.getInt();
    int dimension = in.getInt();
    int decoderHidden = in.getInt();
    int encoderHidden = in.getInt();
    int enumerationLimit = in.getInt();
    int scoringSamples = in.getInt();
    if (latent < 1 || dimension < 1 || decoderHidden < 0 || encoderHidden < 0) {
      throw new ModelFormatException(
          "binary-latent shape must have K >= 1, L >= 1, H >= 0, G >= 0, got K=" + latent + ", L="
              + dimension + ", H=" + decoderHidden + ", G=" + encoderHidden);
    }
    ModelCodec.requireDimension(dimension, expectedDimension);
    BinaryLatentModel.requireEnumerationLimit(enumerationLimit);
    BinaryLatentModel.requireEnumerable(latent, dimension, enumerationLimit);
    ImportanceEstimate.requireScoringSamples(scoringSamples);
    double[] prior = ModelCodec.readDoubles(in, latent, "priorLogOdds");
    double[] decoderW1 = ModelCodec.readMatrix(in, latent, decoderHidden, "decoderW1");
    double[] decoderB1 = ModelCodec.readDoubles(in, decoderHidden, "decoderB1");
    long decoderIn = decoderHidden == 0 ? latent : decoderHidden;
    double[] decoderW2 = ModelCodec.readMatrix(in, decoderIn, dimension, "decoderW2");
    double[] decoderB2 = ModelCodec.readDoubles(in, dimension, "decoderB2");
    double[] encoderW1 = ModelCodec.readMatrix(in, dimension, encoderHidden, "encoderW1");
    double[] encoderB1 = ModelCodec.readDoubles(in, encoderHidden, "encoderB1");
    long encoderIn = encoderHidden == 0 ? dimension : encoderHidden;
    double[] encoderW2 = ModelCodec.readMatrix(in, encoderIn, latent, "encoderW2");
    double[] encoderB2 = ModelCodec.readDoubles(in, latent, "encoderB2");
    return new BinaryLatentState(
        latent, dimension, decoderHidden, encoderHidden, enumerationLimit, scoringSamples, prior,
        decoderW1, decoderB1, decoderW2, decoderB2, encoderW1, encoderB1, encoderW2, encoderB2);
  }
}
