package io.surprisal.model;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32;

/**
 * The binary form of a {@link PublishedModel}, as written to the models topic and to model files.
 *
 * <p>Layout (big-endian), format version 2:
 *
 * <pre>
 *   "SRPL"  u16 formatVersion  u8 kindCode
 *   i64 version  i64 trainedAt  i32 windowSize  f64 holdoutMeanLogLikelihood
 *   f64 threshold  f64 targetAlertRate  i32 holdoutSize  i32 n  f64[n] holdoutQuantiles
 *   u8 thresholdMethod ({@link ThresholdMethod#code()})  f64 alertRateLow  f64 alertRateHigh
 *   i32 m  f64[m] lowerTailLogLikelihoods  f64[m] lowerTailRates
 *   kind payload, by kind code:
 *     1 mixture: i32 K, i32 L, f64[K] weights, f64[K·L] theta component-major
 *     2 binary-latent: see {@link BinaryLatentPayload}
 *     3 vae: see {@link VaePayload}
 *     4 ensemble ({@link EnsembleModel}): u8 kindCode of its model (1-3), that kind's payload,
 *       the independent-bits model as a mixture payload with K = 1, then two references (the
 *       model's, the independent bits'), each i32 n f64[n] quantiles, i32 m f64[m]
 *       lowerTailLogLikelihoods f64[m] lowerTailRates; the calibration above is on the ensemble's
 *       combined score (written before companions other than independent bits existed; still
 *       decoded)
 *     5 ensemble with companions ({@link EnsembleModel}): u8 kindCode of its model (1-3, 7), that
 *       kind's payload, u8 {@link EnsembleModel.ModelStatistic#code()} (or 2: complexity-corrected
 *       with a {@link GenericCodeLength#lag()}, then i32 lag), the reference of that statistic;
 *       u8 companion count c (1..{@link
 *       EnsembleModel#MAX_COMPANIONS}); c times: u8 kindCode of the companion (1 mixture or 6
 *       dependency tree), its payload, its reference; the calibration above is on the combined
 *       score
 *     6 dependency tree ({@link DependencyTree}), as a companion only: i32 L, i32[L] order,
 *       i32[L] parent (−1 for the root), f64[L] onGivenParentOff, f64[L] onGivenParentOn
 *     7 binary-latent with more than one tanh layer in a network: see {@link BinaryLatentPayload}
 *   u32 CRC-32 of every byte before it
 * </pre>
 *
 * Format version 1 is the same without the method, rate interval and lower tail; it still decodes,
 * as a {@link ThresholdMethod#CONFORMAL} threshold with an unknown rate interval and no tail.
 *
 * <p>Decoding checks the checksum before reading anything, so a flipped bit or a cut record is refused
 * with a {@link ModelFormatException}, never turned into a silently different model. A new kind adds
 * a kind code, not a format version: records of existing kinds keep their exact bytes.
 *
 * <p>A record is untrusted input (the models topic is replayed at every restart), so decoding
 * allocates nothing a record's own bytes do not pay for: every declared count is compared, exactly,
 * with the values left in the record before its array is made, and what a model derives from its
 * shape rather than its bytes is bounded where the shape is read: L by the expected dimension
 * ({@link #decode(byte[], int)}), the enumeration limit and the scoring samples by their maximums.
 */
public final class ModelCodec {
  public static final int FORMAT_VERSION = 2;
  private static final byte[] MAGIC = "SRPL".getBytes(StandardCharsets.US_ASCII);
  private static final int KIND_MIXTURE = 1;
  private static final int KIND_BINARY_LATENT = 2;
  private static final int KIND_VAE = 3;
  private static final int KIND_ENSEMBLE_WITH_INDEPENDENT_BITS = 4;
  private static final int KIND_ENSEMBLE = 5;
  private static final int KIND_DEPENDENCY_TREE = 6;
  private static final int KIND_DEEP_BINARY_LATENT = 7;
  /** An ensemble's statistic byte: complexity-corrected with a lagged context, its i32 lag next. */
  private static final int STATISTIC_CORRECTED_WITH_LAG = 2;
  private static final int CHECKSUM_BYTES = 4;
  private static final int MIN_LENGTH = MAGIC.length + 2 + 1 + CHECKSUM_BYTES;
  /** No expected dimension: {@link #decode(byte[])} takes a model of any L. */
  private static final int ANY_DIMENSION = 0;

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
      out.writeByte(calibration.method().code());
      out.writeDouble(calibration.alertRate().low());
      out.writeDouble(calibration.alertRate().high());
      writeDoubles(out, calibration.lowerTail().logLikelihoods());
      for (double rate : calibration.lowerTail().rates()) out.writeDouble(rate);
      writePayload(out, published.model());
      CRC32 crc = new CRC32();
      crc.update(bytes.toByteArray());
      out.writeInt((int) crc.getValue());
    } catch (IOException e) {
      throw new UncheckedIOException("writing to memory cannot fail", e);
    }
    return bytes.toByteArray();
  }

  /**
   * Decodes a model of any dimension, for model files: their reader checks the dimension it needs.
   * A record from a topic is decoded with {@link #decode(byte[], int)}.
   */
  public static PublishedModel decode(byte[] bytes) throws ModelFormatException {
    return decodeShaped(bytes, ANY_DIMENSION);
  }

  /**
   * Decodes a model that must score {@code expectedDimension} bits. A record that declares another
   * L is refused as soon as its kind payload's shape header is read, before any parameter is read
   * or any model is built: an enumerated binary-latent model holds 2^K·L doubles, so a wrong L
   * could otherwise ask gigabytes of a model that would be refused anyway.
   *
   * @throws ModelDimensionException when the declared L differs from {@code expectedDimension}
   * @throws ModelFormatException when the record is corrupt, truncated, unknown or invalid
   */
  public static PublishedModel decode(byte[] bytes, int expectedDimension)
      throws ModelFormatException {
    if (expectedDimension < 1) {
      throw new IllegalArgumentException(
          "expectedDimension must be >= 1, got " + expectedDimension);
    }
    return decodeShaped(bytes, expectedDimension);
  }

  /** @param expectedDimension the L the record must declare, or {@link #ANY_DIMENSION} */
  private static PublishedModel decodeShaped(byte[] bytes, int expectedDimension)
      throws ModelFormatException {
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
    if (kind < KIND_MIXTURE || kind > KIND_DEEP_BINARY_LATENT || kind == KIND_DEPENDENCY_TREE) {
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
      // Checked before the payload: a bad threshold is refused without building the model.
      Calibration calibration = formatVersion == 1
          ? new Calibration(threshold, targetAlertRate, holdoutSize, quantiles)
          : new Calibration(threshold, targetAlertRate, holdoutSize, quantiles,
              ThresholdMethod.ofCode(Byte.toUnsignedInt(body.get())),
              new RateInterval(body.getDouble(), body.getDouble()), readLowerTail(body));
      DensityModel model = switch (kind) {
        case KIND_ENSEMBLE_WITH_INDEPENDENT_BITS ->
            readEnsembleWithIndependentBits(body, expectedDimension);
        case KIND_ENSEMBLE -> readEnsemble(body, expectedDimension);
        default -> readModel(kind, body, expectedDimension);
      };
      if (body.hasRemaining()) {
        throw new ModelFormatException(
            "model record has " + body.remaining() + " unexpected bytes after the parameters");
      }
      return new PublishedModel(version, trainedAt, windowSize, holdoutMean, calibration, model);
    } catch (BufferUnderflowException e) {
      throw new ModelFormatException("model record is truncated", e);
    } catch (IllegalArgumentException e) {
      throw new ModelFormatException("model parameters are invalid: " + e.getMessage(), e);
    }
  }

  private static DensityModel readModel(int kind, ByteBuffer body, int expectedDimension)
      throws ModelFormatException {
    return switch (kind) {
      case KIND_MIXTURE -> readMixture(body, expectedDimension);
      case KIND_BINARY_LATENT ->
          BinaryLatentMapper.toModel(BinaryLatentPayload.read(body, expectedDimension));
      case KIND_VAE -> VaeMapper.toModel(VaePayload.read(body, expectedDimension));
      case KIND_DEEP_BINARY_LATENT ->
          BinaryLatentMapper.toModel(BinaryLatentPayload.readDeep(body, expectedDimension));
      default -> throw new ModelFormatException("an ensemble's model must have kind code 1, 2, 3"
          + " or 7, got " + kind);
    };
  }

  private static EnsembleModel readEnsembleWithIndependentBits(
      ByteBuffer body, int expectedDimension) throws ModelFormatException {
    DensityModel model = readModel(Byte.toUnsignedInt(body.get()), body, expectedDimension);
    // The model's own L from here on: a model file's reader checks its L, not each part's.
    BernoulliMixture independentBits = readMixture(body, model.dimension());
    ReferenceDistribution modelReference = readReference(body);
    return new EnsembleModel(new EnsembleModel.Member(model, modelReference),
        EnsembleModel.ModelStatistic.LOG_LIKELIHOOD, List.of(new EnsembleModel.Member(independentBits, readReference(body))));
  }

  private static EnsembleModel readEnsemble(ByteBuffer body, int expectedDimension)
      throws ModelFormatException {
    DensityModel model = readModel(Byte.toUnsignedInt(body.get()), body, expectedDimension);
    int statisticCode = Byte.toUnsignedInt(body.get());
    GenericCodeLength codeLength = new GenericCodeLength(model.dimension());
    if (statisticCode == STATISTIC_CORRECTED_WITH_LAG) {
      int lag = body.getInt();
      int maxLag = Math.min(model.dimension() - 1, GenericCodeLength.MAX_LAG);
      if (lag < 2 || lag > maxLag) {
        throw new ModelFormatException("the code length's lag must be in 2.." + maxLag + " for L = "
            + model.dimension() + ", got " + lag);
      }
      codeLength = new GenericCodeLength(model.dimension(), lag);
      statisticCode = EnsembleModel.ModelStatistic.COMPLEXITY_CORRECTED.code();
    }
    EnsembleModel.ModelStatistic statistic = EnsembleModel.ModelStatistic.ofCode(statisticCode);
    EnsembleModel.Member modelMember = new EnsembleModel.Member(model, readReference(body));
    int count = Byte.toUnsignedInt(body.get());
    if (count < 1 || count > EnsembleModel.MAX_COMPANIONS) {
      throw new ModelFormatException("an ensemble must have 1.." + EnsembleModel.MAX_COMPANIONS
          + " companions, got " + count);
    }
    List<EnsembleModel.Member> companions = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      int kind = Byte.toUnsignedInt(body.get());
      // The model's own L from here on: a model file's reader checks its L, not each part's.
      DensityModel companion = switch (kind) {
        case KIND_MIXTURE -> readMixture(body, model.dimension());
        case KIND_DEPENDENCY_TREE -> readDependencyTree(body, model.dimension());
        default -> throw new ModelFormatException(
            "an ensemble's companion must have kind code 1 or 6, got " + kind);
      };
      companions.add(new EnsembleModel.Member(companion, readReference(body)));
    }
    return new EnsembleModel(modelMember, statistic, codeLength, companions);
  }

  private static DependencyTree readDependencyTree(ByteBuffer body, int expectedDimension)
      throws ModelFormatException {
    int dimension = body.getInt();
    if (dimension < 1) {
      throw new ModelFormatException("dependency tree must have L >= 1, got " + dimension);
    }
    requireDimension(dimension, expectedDimension);
    int[] order = readInts(body, dimension, "order");
    int[] parent = readInts(body, dimension, "parent");
    double[] onGivenParentOff = readDoubles(body, dimension, "onGivenParentOff");
    return new DependencyTree(
        order, parent, onGivenParentOff, readDoubles(body, dimension, "onGivenParentOn"));
  }

  private static int[] readInts(ByteBuffer in, int count, String field)
      throws ModelFormatException {
    long available = in.remaining() / Integer.BYTES;
    if (count > available) {
      throw new ModelFormatException("model record is truncated: " + field + " needs " + count
          + " values, " + available + " remain");
    }
    int[] values = new int[count];
    in.asIntBuffer().get(values);
    in.position(in.position() + count * Integer.BYTES);
    return values;
  }

  private static ReferenceDistribution readReference(ByteBuffer body)
      throws ModelFormatException {
    int count = body.getInt();
    if (count > ReferenceDistribution.MAX_QUANTILES) {
      throw new ModelFormatException("reference must have at most "
          + ReferenceDistribution.MAX_QUANTILES + " quantiles, got " + count);
    }
    return new ReferenceDistribution(readDoubles(body, count, "referenceQuantiles"),
        readLowerTail(body));
  }

  private static void writeReference(DataOutputStream out, ReferenceDistribution reference)
      throws IOException {
    writeDoubles(out, reference.quantiles());
    writeDoubles(out, reference.lowerTail().logLikelihoods());
    for (double rate : reference.lowerTail().rates()) out.writeDouble(rate);
  }

  private static LowerTail readLowerTail(ByteBuffer body) throws ModelFormatException {
    int nodes = body.getInt();
    if (nodes > LowerTail.MAX_NODES) {
      throw new ModelFormatException(
          "lower tail must have at most " + LowerTail.MAX_NODES + " nodes, got " + nodes);
    }
    double[] logLikelihoods = readDoubles(body, nodes, "lowerTailLogLikelihoods");
    return new LowerTail(logLikelihoods, readDoubles(body, nodes, "lowerTailRates"));
  }

  private static void writePayload(DataOutputStream out, DensityModel model) throws IOException {
    if (model instanceof EnsembleModel ensemble) {
      out.writeByte(kindCode(ensemble.model()));
      writePayload(out, ensemble.model());
      GenericCodeLength codeLength = ensemble.codeLength();
      if (codeLength != null && codeLength.lag() > 0) {
        out.writeByte(STATISTIC_CORRECTED_WITH_LAG);
        out.writeInt(codeLength.lag());
      } else {
        // Without a lag, the bytes of the records written before lags existed.
        out.writeByte(ensemble.statistic().code());
      }
      writeReference(out, ensemble.modelReference());
      out.writeByte(ensemble.companions().size());
      for (EnsembleModel.Member companion : ensemble.companions()) {
        out.writeByte(kindCode(companion.model()));
        writePayload(out, companion.model());
        writeReference(out, companion.reference());
      }
      return;
    }
    if (model instanceof DependencyTree tree) {
      out.writeInt(tree.dimension());
      for (int d : tree.order()) out.writeInt(d);
      for (int p : tree.parents()) out.writeInt(p);
      for (double p : tree.onGivenParentOff()) out.writeDouble(p);
      for (double p : tree.onGivenParentOn()) out.writeDouble(p);
      return;
    }
    if (model instanceof BinaryLatentModel binaryLatent) {
      BinaryLatentState state = BinaryLatentMapper.toState(binaryLatent);
      if (state.deep()) {
        BinaryLatentPayload.writeDeep(out, state);
      } else {
        BinaryLatentPayload.write(out, state);
      }
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

  private static BernoulliMixture readMixture(ByteBuffer body, int expectedDimension)
      throws ModelFormatException {
    int components = body.getInt();
    int dimension = body.getInt();
    if (components < 1 || dimension < 1) {
      throw new ModelFormatException(
          "mixture shape must have K >= 1, L >= 1, got K=" + components + ", L=" + dimension);
    }
    requireDimension(dimension, expectedDimension);
    double[] weights = readDoubles(body, components, "weights");
    double[] theta = readMatrix(body, components, dimension, "theta");
    return BernoulliMixtureMapper.toModel(
        new BernoulliMixtureState(components, dimension, weights, theta));
  }

  /**
   * Refuses a declared L other than the expected one, for the payload readers to call right after
   * their shape header.
   */
  static void requireDimension(int declared, int expectedDimension)
      throws ModelDimensionException {
    if (expectedDimension != ANY_DIMENSION && declared != expectedDimension) {
      throw new ModelDimensionException(declared, expectedDimension);
    }
  }

  /** Reads a rows × columns matrix, its size computed exactly: a product that overflows is refused. */
  static double[] readMatrix(ByteBuffer in, long rows, long columns, String field)
      throws ModelFormatException {
    long count;
    try {
      count = Math.multiplyExact(rows, columns);
    } catch (ArithmeticException e) {
      throw new ModelFormatException(
          "model record is truncated: " + field + " needs " + rows + "·" + columns + " values", e);
    }
    return readDoubles(in, count, field);
  }

  private static int kindCode(DensityModel model) {
    if (model instanceof EnsembleModel) return KIND_ENSEMBLE;
    if (model instanceof DependencyTree) return KIND_DEPENDENCY_TREE;
    if (model instanceof BernoulliMixture) return KIND_MIXTURE;
    if (model instanceof BinaryLatentModel binaryLatent) {
      return binaryLatent.deep() ? KIND_DEEP_BINARY_LATENT : KIND_BINARY_LATENT;
    }
    if (model instanceof VaeModel) return KIND_VAE;
    throw new IllegalArgumentException("no model format for kind " + model.kind());
  }

  private static void writeDoubles(DataOutputStream out, double[] values) throws IOException {
    out.writeInt(values.length);
    for (double v : values) out.writeDouble(v);
  }

  /**
   * Reads {@code count} doubles, refusing a count the rest of the record cannot hold before
   * allocating: every array read here is bounded by the record's own size.
   */
  static double[] readDoubles(ByteBuffer in, long count, String field)
      throws ModelFormatException {
    // Compared in values, not bytes: count·8 overflows a long for shapes a forged header declares.
    long available = in.remaining() / Double.BYTES;
    if (count < 0) {
      throw new ModelFormatException(field + " must hold >= 0 values, got " + count);
    }
    if (count > available) {
      throw new ModelFormatException(
          "model record is truncated: " + field + " needs " + count + " values, " + available
              + " remain");
    }
    double[] values = new double[(int) count];
    in.asDoubleBuffer().get(values);
    in.position(in.position() + values.length * Double.BYTES);
    return values;
  }
}
