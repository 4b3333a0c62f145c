package io.surprisal.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.surprisal.event.BitVector;
import io.surprisal.generate.SyntheticMixtures;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

class ModelCodecTest {
  /** Saved format-version-1 record of {@link #handWritten()}, written by {@link #writeFormatVersion1File()}. */
  private static final String V1_RESOURCE = "/models/mixture-format-v1.bin";

  /** A fixed 2-component 4-bit model with round parameters, the content of the v1 file. */
  static PublishedModel handWritten() {
    BernoulliMixture mixture =
        BernoulliMixture.of(
            new double[] {0.25, 0.75},
            new double[][] {{0.1, 0.2, 0.3, 0.4}, {0.9, 0.8, 0.7, 0.6}});
    Calibration calibration =
        new Calibration(-4.0, 0.01, 200, new double[] {-5.0, -4.0, -3.0, -2.0, -1.0});
    return new PublishedModel(3, 1_714_564_800_000L, 1000, -2.5, calibration, mixture);
  }

  /** Saved format-version-2 record of {@link #handWrittenVersion2()}; see its writer below. */
  private static final String V2_RESOURCE = "/models/mixture-format-v2.bin";

  /**
   * The v1 file's model with what format version 2 added: a tail-fit threshold, its alert-rate
   * interval and a three-node lower tail, all round numbers.
   */
  static PublishedModel handWrittenVersion2() {
    PublishedModel v1 = handWritten();
    Calibration calibration = new Calibration(-6.5, 0.001, 200,
        new double[] {-5.0, -4.0, -3.0, -2.0, -1.0}, ThresholdMethod.TAIL_FIT,
        new RateInterval(0.0005, 0.002), new LowerTail(
            new double[] {-8.0, -6.5, -4.5}, new double[] {0.0001, 0.001, 0.25}));
    return new PublishedModel(4, v1.trainedAt(), v1.windowSize(), v1.holdoutMeanLogLikelihood(),
        calibration, v1.model());
  }

  /** A larger model with arbitrary (non-round) doubles everywhere. */
  private static PublishedModel synthetic() {
    BernoulliMixture mixture = SyntheticMixtures.separated(3, 20, 11);
    double[] quantiles = new double[100];
    for (int i = 0; i < quantiles.length; i++) quantiles[i] = -30 + i * 0.173_205_080_756_887_7;
    return new PublishedModel(
        42, 1_714_564_812_345L, 50_000, -12.345_678_901_234_5,
        new Calibration(quantiles[0], 0.001, 10_000, quantiles), mixture);
  }

  private static double[] allLogLikelihoods(DensityModel model) {
    int dimension = model.dimension();
    double[] values = new double[1 << Math.min(dimension, 12)];
    for (int mask = 0; mask < values.length; mask++) {
      int[] bits = new int[dimension];
      for (int d = 0; d < Math.min(dimension, 12); d++) bits[d] = (mask >> d) & 1;
      values[mask] = model.logLikelihood(BitVector.ofDense(bits));
    }
    return values;
  }

  @Test
  void shouldRoundTripHandWrittenModelBitExactly() throws Exception {
    PublishedModel original = handWritten();
    byte[] encoded = ModelCodec.encode(original);
    PublishedModel decoded = ModelCodec.decode(encoded);

    assertThat(ModelCodec.encode(decoded)).isEqualTo(encoded);
    assertThat(decoded.version()).isEqualTo(3);
    assertThat(decoded.trainedAt()).isEqualTo(1_714_564_800_000L);
    assertThat(decoded.windowSize()).isEqualTo(1000);
    assertThat(decoded.holdoutMeanLogLikelihood()).isEqualTo(-2.5);
    assertThat(decoded.calibration()).isEqualTo(original.calibration());
    assertThat(allLogLikelihoods(decoded.model())).isEqualTo(allLogLikelihoods(original.model()));
  }

  @Test
  void shouldRoundTripArbitraryDoublesBitExactly() throws Exception {
    PublishedModel original = synthetic();
    byte[] encoded = ModelCodec.encode(original);
    PublishedModel decoded = ModelCodec.decode(encoded);

    assertThat(ModelCodec.encode(decoded)).isEqualTo(encoded);
    BernoulliMixture before = (BernoulliMixture) original.model();
    BernoulliMixture after = (BernoulliMixture) decoded.model();
    assertThat(after.weights()).isEqualTo(before.weights());
    assertThat(after.thetaFlat()).isEqualTo(before.thetaFlat());
    assertThat(decoded.calibration()).isEqualTo(original.calibration());
    assertThat(decoded.holdoutMeanLogLikelihood())
        .isEqualTo(original.holdoutMeanLogLikelihood());
    // Equal parameters give equal log-likelihoods to the last bit, not merely close ones.
    assertThat(allLogLikelihoods(after)).isEqualTo(allLogLikelihoods(before));
  }

  @Test
  void shouldRefuseEverySampledSingleByteFlip() {
    byte[] encoded = ModelCodec.encode(synthetic());
    int n = encoded.length;
    // Every 7th byte (header, calibration, parameters alike) and the four CRC bytes at the end.
    int[] positions =
        IntStream.concat(IntStream.iterate(0, p -> p < n, p -> p + 7), IntStream.range(n - 4, n))
            .distinct()
            .toArray();
    assertThat(positions).contains(0, 7, n - 1);
    for (int position : positions) {
      for (int mask : new int[] {0x01, 0x80, 0xFF}) {
        byte[] corrupt = encoded.clone();
        corrupt[position] ^= (byte) mask;
        assertThatThrownBy(() -> ModelCodec.decode(corrupt))
            .as("byte %d of %d xor 0x%02X", position, n, mask)
            .isInstanceOf(ModelFormatException.class);
      }
    }
  }

  @Test
  void shouldRefuseEveryTruncation() {
    byte[] encoded = ModelCodec.encode(synthetic());
    for (int length = 0; length < encoded.length; length++) {
      byte[] cut = Arrays.copyOf(encoded, length);
      int at = length;
      assertThatThrownBy(() -> ModelCodec.decode(cut))
          .as("first %d of %d bytes", at, encoded.length)
          .isInstanceOf(ModelFormatException.class);
    }
  }

  @Test
  void shouldRefuseTruncationShorterThanTheHeaderNamingItsLength() {
    assertThatThrownBy(() -> ModelCodec.decode(new byte[0]))
        .isInstanceOf(ModelFormatException.class)
        .hasMessage("model record is truncated: 0 bytes");
    assertThatThrownBy(() -> ModelCodec.decode(null))
        .isInstanceOf(ModelFormatException.class)
        .hasMessage("model record is truncated: 0 bytes");
  }

  @Test
  void shouldRefuseCorruptRecordAsChecksumMismatch() {
    byte[] encoded = ModelCodec.encode(handWritten());
    byte[] corrupt = encoded.clone();
    corrupt[40] ^= 0x10;
    assertThatThrownBy(() -> ModelCodec.decode(corrupt))
        .isInstanceOf(ModelFormatException.class)
        .hasMessage(
            "model checksum mismatch: the record is corrupt or truncated ("
                + encoded.length + " bytes)");
  }

  @Test
  void shouldRefuseRecordWithoutMagic() {
    byte[] encoded = ModelCodec.encode(handWritten());
    encoded[0] = 'X';
    assertThatThrownBy(() -> ModelCodec.decode(ForgedRecords.withValidChecksum(encoded)))
        .isInstanceOf(ModelFormatException.class)
        .hasMessage("not a surprisal model: the record does not start with SRPL");
  }

  @Test
  void shouldRefuseFormatVersion7NamingItAndTheSupportedMaximum() {
    byte[] encoded = ModelCodec.encode(handWritten());
    ByteBuffer.wrap(encoded, 4, 2).putShort((short) 7);
    assertThatThrownBy(() -> ModelCodec.decode(ForgedRecords.withValidChecksum(encoded)))
        .isInstanceOf(ModelFormatException.class)
        .hasMessage("unknown model format version 7, this build supports at most 2");
  }

  @Test
  void shouldRefuseFormatVersion0() {
    byte[] encoded = ModelCodec.encode(handWritten());
    ByteBuffer.wrap(encoded, 4, 2).putShort((short) 0);
    assertThatThrownBy(() -> ModelCodec.decode(ForgedRecords.withValidChecksum(encoded)))
        .isInstanceOf(ModelFormatException.class)
        .hasMessage("unknown model format version 0, this build supports at most 2");
  }

  @Test
  void shouldRefuseUnknownKindCode() {
    byte[] encoded = ModelCodec.encode(handWritten());
    encoded[6] = 9;
    assertThatThrownBy(() -> ModelCodec.decode(ForgedRecords.withValidChecksum(encoded)))
        .isInstanceOf(ModelFormatException.class)
        .hasMessage("unknown model kind code 9");
  }

  @Test
  void shouldRefuseNaNInThetaWithValidChecksumAsInvalidParameters() {
    PublishedModel model = handWritten();
    byte[] encoded = ModelCodec.encode(model);
    // θ is the last K·L = 8 doubles before the 4-byte CRC; θ[1][2] is the 7th of them.
    int theta12 = encoded.length - 4 - 8 * Double.BYTES + (1 * 4 + 2) * Double.BYTES;
    assertThat(ByteBuffer.wrap(encoded, theta12, 8).getDouble()).isEqualTo(0.7);
    ByteBuffer.wrap(encoded, theta12, 8).putDouble(Double.NaN);
    assertThatThrownBy(() -> ModelCodec.decode(ForgedRecords.withValidChecksum(encoded)))
        .isInstanceOf(ModelFormatException.class)
        .hasMessage("model parameters are invalid: theta[1][2] must be inside (0, 1), got NaN");
  }

  @Test
  void shouldRefuseWeightsNotSummingToOneWithValidChecksum() {
    byte[] encoded = ModelCodec.encode(handWritten());
    // Weights are the K = 2 doubles just before θ.
    int weight0 = encoded.length - 4 - 8 * Double.BYTES - 2 * Double.BYTES;
    assertThat(ByteBuffer.wrap(encoded, weight0, 8).getDouble()).isEqualTo(0.25);
    ByteBuffer.wrap(encoded, weight0, 8).putDouble(0.5);
    assertThatThrownBy(() -> ModelCodec.decode(ForgedRecords.withValidChecksum(encoded)))
        .isInstanceOf(ModelFormatException.class)
        .hasMessage("model parameters are invalid: weights must sum to 1, got 1.25");
  }

  @Test
  void shouldRefuseHugeDeclaredCountWithoutAllocatingIt() {
    byte[] encoded = ModelCodec.encode(handWritten());
    // Header: magic 4, format 2, kind 1, version 8, trainedAt 8, window 4, mean 8, threshold 8,
    // rate 8, holdoutSize 4: the quantile count is the i32 at offset 55.
    assertThat(ByteBuffer.wrap(encoded, 55, 4).getInt()).isEqualTo(5);
    ByteBuffer.wrap(encoded, 55, 4).putInt(Integer.MAX_VALUE);
    assertThatThrownBy(() -> ModelCodec.decode(ForgedRecords.withValidChecksum(encoded)))
        .isInstanceOf(ModelFormatException.class)
        .hasMessageStartingWith(
            "model record is truncated: holdoutQuantiles needs 2147483647 values, ");
  }

  @Test
  void shouldRefuseUnexpectedBytesAfterTheParameters() {
    byte[] encoded = ModelCodec.encode(handWritten());
    byte[] longer = new byte[encoded.length + 8];
    System.arraycopy(encoded, 0, longer, 0, encoded.length - 4);
    assertThatThrownBy(() -> ModelCodec.decode(ForgedRecords.withValidChecksum(longer)))
        .isInstanceOf(ModelFormatException.class)
        .hasMessage("model record has 8 unexpected bytes after the parameters");
  }

  @Test
  void shouldStillLoadFormatVersion1File() throws Exception {
    byte[] saved = SavedModelFiles.read(V1_RESOURCE);
    assertThat(Arrays.copyOf(saved, 4)).isEqualTo(new byte[] {'S', 'R', 'P', 'L'});
    assertThat(ByteBuffer.wrap(saved, 4, 2).getShort()).isEqualTo((short) 1);

    PublishedModel loaded = ModelCodec.decode(saved);

    assertThat(loaded.version()).isEqualTo(3);
    assertThat(loaded.trainedAt()).isEqualTo(1_714_564_800_000L);
    assertThat(loaded.windowSize()).isEqualTo(1000);
    assertThat(loaded.holdoutMeanLogLikelihood()).isEqualTo(-2.5);
    Calibration calibration = loaded.calibration();
    assertThat(calibration.threshold()).isEqualTo(-4.0);
    assertThat(calibration.targetAlertRate()).isEqualTo(0.01);
    assertThat(calibration.holdoutSize()).isEqualTo(200);
    assertThat(calibration.holdoutQuantiles()).containsExactly(-5.0, -4.0, -3.0, -2.0, -1.0);
    // Format 1 knew only the conformal rank and recorded no uncertainty or tail.
    assertThat(calibration.method()).isEqualTo(ThresholdMethod.CONFORMAL);
    assertThat(calibration.alertRate()).isEqualTo(RateInterval.UNKNOWN);
    assertThat(calibration.alertRate().known()).isFalse();
    assertThat(calibration.lowerTail().isEmpty()).isTrue();
    assertThat(calibration.percentile(-6.0)).isZero();
    assertThat(loaded.model().kind()).isEqualTo("mixture");
    BernoulliMixture mixture = (BernoulliMixture) loaded.model();
    assertThat(mixture.components()).isEqualTo(2);
    assertThat(mixture.dimension()).isEqualTo(4);
    assertThat(mixture.weights()).containsExactly(0.25, 0.75);
    assertThat(mixture.thetaFlat()).containsExactly(0.1, 0.2, 0.3, 0.4, 0.9, 0.8, 0.7, 0.6);
    // x = 1010: p = 0.25·0.1·0.8·0.3·0.6 + 0.75·0.9·0.2·0.7·0.4 = 0.0036 + 0.0378 = 0.0414
    assertThat(mixture.logLikelihood(BitVector.ofActive(4, 0, 2)))
        .isCloseTo(Math.log(0.0414), within(1e-12));
  }

  @Test
  void shouldEncodeHandWrittenModelExactlyAsTheVersion1FileWhileVersion1IsCurrent()
      throws Exception {
    // Once the format moves on, the v1 file is kept for loading only and this check no longer applies.
    assumeTrue(ModelCodec.FORMAT_VERSION == 1, "current format is not version 1");
    assertThat(ModelCodec.encode(handWritten())).isEqualTo(SavedModelFiles.read(V1_RESOURCE));
  }

  @Test
  void shouldRoundTripTheVersion2CalibrationFieldsBitExactly() throws Exception {
    PublishedModel original = handWrittenVersion2();
    byte[] encoded = ModelCodec.encode(original);
    PublishedModel decoded = ModelCodec.decode(encoded);

    assertThat(ModelCodec.encode(decoded)).isEqualTo(encoded);
    assertThat(decoded.calibration()).isEqualTo(original.calibration());
    assertThat(decoded.calibration().method()).isEqualTo(ThresholdMethod.TAIL_FIT);
    assertThat(decoded.calibration().alertRate()).isEqualTo(new RateInterval(0.0005, 0.002));
    assertThat(decoded.calibration().lowerTail().rates()).containsExactly(0.0001, 0.001, 0.25);
  }

  @Test
  void shouldStillLoadFormatVersion2File() throws Exception {
    byte[] saved = SavedModelFiles.read(V2_RESOURCE);
    assertThat(ByteBuffer.wrap(saved, 4, 2).getShort()).isEqualTo((short) 2);

    PublishedModel loaded = ModelCodec.decode(saved);

    assertThat(loaded.version()).isEqualTo(4);
    Calibration calibration = loaded.calibration();
    assertThat(calibration.threshold()).isEqualTo(-6.5);
    assertThat(calibration.method()).isEqualTo(ThresholdMethod.TAIL_FIT);
    assertThat(calibration.alertRate()).isEqualTo(new RateInterval(0.0005, 0.002));
    assertThat(calibration.lowerTail().logLikelihoods()).containsExactly(-8.0, -6.5, -4.5);
    assertThat(calibration.lowerTail().rates()).containsExactly(0.0001, 0.001, 0.25);
    // Below the holdout's smallest value (-5) the percentile follows the tail: at a node, its rate.
    assertThat(calibration.percentile(-6.5)).isEqualTo(0.001, within(1e-15));
    assertThat(allLogLikelihoods(loaded.model()))
        .isEqualTo(allLogLikelihoods(handWritten().model()));
  }

  @Test
  void shouldEncodeVersion2ModelExactlyAsTheVersion2FileWhileVersion2IsCurrent() throws Exception {
    assumeTrue(ModelCodec.FORMAT_VERSION == 2, "current format is not version 2");
    assertThat(ModelCodec.encode(handWrittenVersion2()))
        .isEqualTo(SavedModelFiles.read(V2_RESOURCE));
  }

  @Test
  void shouldRefuseUnknownThresholdMethodCodeWithValidChecksum() {
    byte[] encoded = ModelCodec.encode(handWrittenVersion2());
    // After the 59-byte header and the 5 quantiles comes the method byte.
    int method = 59 + 5 * Double.BYTES;
    assertThat(encoded[method]).isEqualTo((byte) 2);
    encoded[method] = 9;
    assertThatThrownBy(() -> ModelCodec.decode(ForgedRecords.withValidChecksum(encoded)))
        .isInstanceOf(ModelFormatException.class)
        .hasMessage("model parameters are invalid: threshold method code must be 1, 2 or 3, got 9");
  }

  @Test
  void shouldRefuseLowerTailNodeCountAboveItsMaximumWithoutAllocatingIt() {
    byte[] encoded = ModelCodec.encode(handWrittenVersion2());
    // Method byte, then two f64 rate bounds, then the i32 node count.
    int count = 59 + 5 * Double.BYTES + 1 + 2 * Double.BYTES;
    assertThat(ByteBuffer.wrap(encoded, count, 4).getInt()).isEqualTo(3);
    ByteBuffer.wrap(encoded, count, 4).putInt(Integer.MAX_VALUE);
    assertThatThrownBy(() -> ModelCodec.decode(ForgedRecords.withValidChecksum(encoded)))
        .isInstanceOf(ModelFormatException.class)
        .hasMessage("lower tail must have at most 64 nodes, got 2147483647");
  }

  @Test
  void shouldRefuseAlertRateIntervalOutsideTheUnitIntervalWithValidChecksum() {
    byte[] encoded = ModelCodec.encode(handWrittenVersion2());
    int high = 59 + 5 * Double.BYTES + 1 + Double.BYTES;
    ByteBuffer.wrap(encoded, high, 8).putDouble(1.5);
    assertThatThrownBy(() -> ModelCodec.decode(ForgedRecords.withValidChecksum(encoded)))
        .isInstanceOf(ModelFormatException.class)
        .hasMessage("model parameters are invalid: alert rate interval must satisfy"
            + " 0 <= low <= high <= 1 or be unknown (NaN, NaN), got [5.0E-4, 1.5]");
  }

  /**
   * Generator of the saved version-2 file; disabled by default. Run once, then commit the file:
   * {@code mvn -o test -Dtest=ModelCodecTest -Dsurprisal.writeModelFiles=true}.
   */
  @Test
  @EnabledIfSystemProperty(named = "surprisal.writeModelFiles", matches = "true")
  void writeFormatVersion2File() throws IOException {
    assumeTrue(ModelCodec.FORMAT_VERSION == 2, "this build no longer writes format version 2");
    SavedModelFiles.write(V2_RESOURCE, handWrittenVersion2());
  }

  /**
   * Generator of the saved version-1 file; disabled by default. Run once, then commit the file:
   * {@code mvn -o test -Dtest=ModelCodecTest -Dsurprisal.writeModelFiles=true}.
   */
  @Test
  @EnabledIfSystemProperty(named = "surprisal.writeModelFiles", matches = "true")
  void writeFormatVersion1File() throws IOException {
    assumeTrue(ModelCodec.FORMAT_VERSION == 1, "this build no longer writes format version 1");
    SavedModelFiles.write(V1_RESOURCE, handWritten());
  }

}
