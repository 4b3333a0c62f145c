package io.surprisal.model;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.CRC32;

/**
 * The binary form of a {@link PublishedModel}, as written to the models topic and to model files.
 *
 * <p>Layout (big-endian), format version 1:
 *
 * <pre>
 *   "SRPL"  u16 formatVersion  u8 kindCode
 *   i64 version  i64 trainedAt  i32 windowSize  f64 holdoutMeanLogLikelihood
 *   f64 threshold  f64 targetAlertRate  i32 holdoutSize  i32 n  f64[n] holdoutQuantiles
 *   kind payload, by kind code:
 *     1 mixture: i32 K, i32 L, f64[K] weights, f64[K·L] theta component-major
 *     2 binary-latent: see {@link BinaryLatentPayload}
 *     3 vae: see {@link VaePayload}
 *   u32 CRC-32 of every byte before it
 * </pre>
 *
 * Decoding checks the checksum before reading anything, so a flipped bit or a cut record is refused
 * with a {@link ModelFormatException}, never turned into a silently different model. A new kind adds
 * a kind code, not a format version: records of existing kinds keep their exact bytes.
 */
public final class ModelCodec {
  public static final int FORMAT_VERSION = 1;
  private static final byte[] MAGIC = "SRPL".getBytes(StandardCharsets.US_ASCII);
  private static final int KIND_MIXTURE = 1;
  private static final int KIND_BINARY_LATENT = 2;
  private static final int KIND_VAE = 3;
  private static final int CHECKSUM_BYTES = 4;
  private static final int MIN_LENGTH = MAGIC.length + 2 + 1 + CHECKSUM_BYTES;

  private ModelCodec() {}

  public static byte[] encode(PublishedModel published) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.write(MAGIC);
      out.writeShort(FORMAT_VERSION);
      out.writeByte(kindCode(published.model()));
      out.writeLong(published.version());
      out.writeLong(published.trainedAt());
      out.writeInt(published.windowSize());
      out.writeDouble(published.holdoutMeanLogLikelihood());
      Calibration calibration = published.calibration();
      out.writeDouble(calibration.threshold());
      out.writeDouble(calibration.targetAlertRate());
      out.writeInt(calibration.holdoutSize());
      writeDoubles(out, calibration.holdoutQuantiles());
      writePayload(out, published.model());
      CRC32 crc = new CRC32();
      crc.update(bytes.toByteArray());
      out.writeInt((int) crc.getValue());
    } catch (IOException e) {
      throw new UncheckedIOException("writing to memory cannot fail", e);
    }
    return bytes.toByteArray();
  }

  public static PublishedModel decode(byte[] bytes) throws ModelFormatException {
    if (bytes == null || bytes.length < MIN_LENGTH) {
      throw new ModelFormatException(
          "model record is truncated: " + (bytes == null ? 0 : bytes.length) + " bytes");
    }
    ByteBuffer in = ByteBuffer.wrap(bytes);
    byte[] magic = new byte[MAGIC.length];
    in.get(magic);
    if (!Arrays.equals(magic, MAGIC)) {
      throw new ModelFormatException("not a surprisal model: the record does not start with SRPL");
    }
    int bodyLength = bytes.length - CHECKSUM_BYTES;
    CRC32 crc = new CRC32();
    crc.update(bytes, 0, bodyLength);
    int expected = ByteBuffer.wrap(bytes, bodyLength, CHECKSUM_BYTES).getInt();
    if ((int) crc.getValue() != expected) {
      throw new ModelFormatException(
          "model checksum mismatch: the record is corrupt or truncated (" + bytes.length + " bytes)");
    }
    int formatVersion = Short.toUnsignedInt(in.getShort());
    if (formatVersion > FORMAT_VERSION || formatVersion < 1) {
      throw new ModelFormatException(
          "unknown model format version " + formatVersion + ", this build supports at most "
              + FORMAT_VERSION);
    }
    int kind = Byte.toUnsignedInt(in.get());
    if (kind != KIND_MIXTURE && kind != KIND_BINARY_LATENT && kind != KIND_VAE) {
      throw new ModelFormatException("unknown model kind code " + kind);
    }
    ByteBuffer body = ByteBuffer.wrap(bytes, 0, bodyLength);
    body.position(in.position());
    try {
      long version = body.getLong();
      long trainedAt = body.getLong();
      int windowSize = body.getInt();
      double holdoutMean = body.getDouble();
      double threshold = body.getDouble();
      double targetAlertRate = body.getDouble();
      int holdoutSize = body.getInt();
      double[] quantiles = readDoubles(body, body.getInt(), "holdoutQuantiles");
      DensityModel model = switch (kind) {
        case KIND_MIXTURE -> readMixture(body);
        case KIND_BINARY_LATENT -> BinaryLatentMapper.toModel(BinaryLatentPayload.read(body));
        default -> VaeMapper.toModel(VaePayload.read(body));
      };
      if (body.hasRemaining()) {
        throw new ModelFormatException(
            "model record has " + body.remaining() + " unexpected bytes after the parameters");
      }
      Calibration calibration = new Calibration(threshold, targetAlertRate, holdoutSize, quantiles);
      return new PublishedModel(version, trainedAt, windowSize, holdoutMean, calibration, model);
    } catch (BufferUnderflowException e) {
      throw new ModelFormatException("model record is truncated", e);
    } catch (IllegalArgumentException e) {
      throw new ModelFormatException("model parameters are invalid: " + e.getMessage(), e);
    }
  }

  private static void writePayload(DataOutputStream out, DensityModel model) throws IOException {
    if (model instanceof BinaryLatentModel binaryLatent) {
      BinaryLatentPayload.write(out, BinaryLatentMapper.toState(binaryLatent));
      return;
    }
    if (model instanceof VaeModel vae) {
      VaePayload.write(out, VaeMapper.toState(vae));
      return;
    }
    BernoulliMixtureState state = BernoulliMixtureMapper.toState((BernoulliMixture) model);
    out.writeInt(state.components());
    out.writeInt(state.dimension());
    for (double w : state.weights()) out.writeDouble(w);
    for (double t : state.theta()) out.writeDouble(t);
  }

  private static BernoulliMixture readMixture(ByteBuffer body) throws ModelFormatException {
    int components = body.getInt();
    int dimension = body.getInt();
    double[] weights = readDoubles(body, components, "weights");
    double[] theta = readDoubles(body, (long) components * dimension, "theta");
    return BernoulliMixtureMapper.toModel(
        new BernoulliMixtureState(components, dimension, weights, theta));
  }

  private static int kindCode(DensityModel model) {
    if (model instanceof BernoulliMixture) return KIND_MIXTURE;
    if (model instanceof BinaryLatentModel) return KIND_BINARY_LATENT;
    if (model instanceof VaeModel) return KIND_VAE;
    throw new IllegalArgumentException("no model format for kind " + model.kind());
  }

  private static void writeDoubles(DataOutputStream out, double[] values) throws IOException {
    out.writeInt(values.length);
    for (double v : values) out.writeDouble(v);
  }

  static double[] readDoubles(ByteBuffer in, long count, String field)
      throws ModelFormatException {
    if (count < 0 || count * Double.BYTES > in.remaining()) {
      throw new ModelFormatException(
          "model record is truncated: " + field + " needs " + count + " values, "
              + in.remaining() / Double.BYTES + " remain");
    }
    double[] values = new double[(int) count];
    in.asDoubleBuffer().get(values);
    in.position(in.position() + values.length * Double.BYTES);
    return values;
  }
}
