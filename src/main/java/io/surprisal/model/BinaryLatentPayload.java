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
 *
 * <p>A model whose networks have more than one tanh layer is written as kind code 7, so that the
 * records of one-layer models keep their exact bytes:
 *
 * <pre>
 *   i32 K  i32 L  i32 H  i32 G  i32 decoderLayers  i32 encoderLayers  i32 enumerationLimit
 *   i32 scoringSamples  f64[K] priorLogOdds
 *   decoder: f64[K·H] w1  f64[H] b1  (decoderLayers − 1) × (f64[H·H] w  f64[H] b)  f64[H·L] w2
 *     f64[L] b2
 *   encoder: f64[L·G] w1  f64[G] b1  (encoderLayers − 1) × (f64[G·G] w  f64[G] b)  f64[G·K] w2
 *     f64[K] b2
 * </pre>
 *
 * with 1 ≤ layers ≤ {@link BinaryInputMlp#MAX_HIDDEN_LAYERS} per network, and a width ≥ 1 for a
 * network of more than one layer.
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
    writeParameters(out, state);
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
    return readParameters(in, expectedDimension, latent, dimension, decoderHidden, encoderHidden,
        1, 1, enumerationLimit, scoringSamples);
  }

  /** Writes a model with deeper networks in the kind-7 layout above. */
  static void writeDeep(DataOutputStream out, BinaryLatentState state) throws IOException {
    out.writeInt(state.latent());
    out.writeInt(state.dimension());
    out.writeInt(state.decoderHidden());
    out.writeInt(state.encoderHidden());
    out.writeInt(state.decoderMiddleWeights().length + 1);
    out.writeInt(state.encoderMiddleWeights().length + 1);
    out.writeInt(state.enumerationLimit());
    out.writeInt(state.scoringSamples());
    writeParameters(out, state);
  }

  /** The arrays after either header, in the order both layouts share (no middle layers: kind 2). */
  private static void writeParameters(DataOutputStream out, BinaryLatentState state)
      throws IOException {
    writeAll(out, state.priorLogOdds(), state.decoderW1(), state.decoderB1());
    writeMiddle(out, state.decoderMiddleWeights(), state.decoderMiddleBiases());
    writeAll(out, state.decoderW2(), state.decoderB2(), state.encoderW1(), state.encoderB1());
    writeMiddle(out, state.encoderMiddleWeights(), state.encoderMiddleBiases());
    writeAll(out, state.encoderW2(), state.encoderB2());
  }

  private static void writeAll(DataOutputStream out, double[]... arrays) throws IOException {
    for (double[] values : arrays) {
      for (double v : values) out.writeDouble(v);
    }
  }

  private static void writeMiddle(DataOutputStream out, double[][] weights, double[][] biases)
      throws IOException {
    for (int l = 0; l < weights.length; l++) writeAll(out, weights[l], biases[l]);
  }

  /**
   * Reads the kind-7 payload, refusing its shape header (as {@link #read} does, plus layer counts
   * out of 1..{@link BinaryInputMlp#MAX_HIDDEN_LAYERS}, or a width of 0 under several layers)
   * before any array is read.
   */
  static BinaryLatentState readDeep(ByteBuffer in, int expectedDimension)
      throws ModelFormatException {
    int latent = in.getInt();
    int dimension = in.getInt();
    int decoderHidden = in.getInt();
    int encoderHidden = in.getInt();
    int decoderLayers = in.getInt();
    int encoderLayers = in.getInt();
    int enumerationLimit = in.getInt();
    int scoringSamples = in.getInt();
    int maxLayers = BinaryInputMlp.MAX_HIDDEN_LAYERS;
    if (latent < 1 || dimension < 1 || !isNetworkShape(decoderHidden, decoderLayers, maxLayers)
        || !isNetworkShape(encoderHidden, encoderLayers, maxLayers)) {
      throw new ModelFormatException("deep binary-latent shape must have K >= 1, L >= 1 and 1.."
          + maxLayers + " layers per network, a width >= 1 for more than one, got K=" + latent
          + ", L=" + dimension + ", H=" + decoderHidden + ", G=" + encoderHidden + ", layers "
          + decoderLayers + " and " + encoderLayers);
    }
    return readParameters(in, expectedDimension, latent, dimension, decoderHidden, encoderHidden,
        decoderLayers, encoderLayers, enumerationLimit, scoringSamples);
  }

  /** A width of 0 (an affine network) has no tanh layer to stack. */
  private static boolean isNetworkShape(int width, int layers, int maxLayers) {
    return width >= 0 && layers >= 1 && layers <= maxLayers && (width > 0 || layers == 1);
  }

  /**
   * The rest of either header's checks, then the arrays, each bounded by the record's size. A
   * network of one layer has no middle arrays; a width of 0 makes its second layer read the inputs.
   */
  private static BinaryLatentState readParameters(ByteBuffer in, int expectedDimension,
      int latent, int dimension, int decoderHidden, int encoderHidden, int decoderLayers,
      int encoderLayers, int enumerationLimit, int scoringSamples) throws ModelFormatException {
    ModelCodec.requireDimension(dimension, expectedDimension);
    BinaryLatentModel.requireEnumerationLimit(enumerationLimit);
    BinaryLatentModel.requireEnumerable(latent, dimension, enumerationLimit);
    ImportanceEstimate.requireScoringSamples(scoringSamples);
    double[] prior = ModelCodec.readDoubles(in, latent, "priorLogOdds");
    double[] decoderW1 = ModelCodec.readMatrix(in, latent, decoderHidden, "decoderW1");
    double[] decoderB1 = ModelCodec.readDoubles(in, decoderHidden, "decoderB1");
    double[][][] decoderMiddle = readMiddle(in, decoderLayers - 1, decoderHidden, "decoder");
    long decoderIn = decoderHidden == 0 ? latent : decoderHidden;
    double[] decoderW2 = ModelCodec.readMatrix(in, decoderIn, dimension, "decoderW2");
    double[] decoderB2 = ModelCodec.readDoubles(in, dimension, "decoderB2");
    double[] encoderW1 = ModelCodec.readMatrix(in, dimension, encoderHidden, "encoderW1");
    double[] encoderB1 = ModelCodec.readDoubles(in, encoderHidden, "encoderB1");
    double[][][] encoderMiddle = readMiddle(in, encoderLayers - 1, encoderHidden, "encoder");
    long encoderIn = encoderHidden == 0 ? dimension : encoderHidden;
    double[] encoderW2 = ModelCodec.readMatrix(in, encoderIn, latent, "encoderW2");
    double[] encoderB2 = ModelCodec.readDoubles(in, latent, "encoderB2");
    return new BinaryLatentState(
        latent, dimension, decoderHidden, encoderHidden, enumerationLimit, scoringSamples, prior,
        decoderW1, decoderB1, decoderW2, decoderB2, encoderW1, encoderB1, encoderW2, encoderB2,
        decoderMiddle[0], decoderMiddle[1], encoderMiddle[0], encoderMiddle[1]);
  }

  /** {weights, biases} of a network's middle layers, each H·H and H values. */
  private static double[][][] readMiddle(ByteBuffer in, int layers, int hidden, String network)
      throws ModelFormatException {
    double[][] weights = new double[layers][];
    double[][] biases = new double[layers][];
    for (int l = 0; l < layers; l++) {
      weights[l] = ModelCodec.readMatrix(in, hidden, hidden, network + "MiddleWeights" + l);
      biases[l] = ModelCodec.readDoubles(in, hidden, network + "MiddleBiases" + l);
    }
    return new double[][][] {weights, biases};
  }
}
