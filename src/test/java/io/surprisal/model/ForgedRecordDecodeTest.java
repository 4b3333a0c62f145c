package io.surprisal.model;

import static io.surprisal.model.ForgedRecords.KIND_BINARY_LATENT;
import static io.surprisal.model.ForgedRecords.KIND_MIXTURE;
import static io.surprisal.model.ForgedRecords.KIND_VAE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/**
 * Records with a valid checksum whose header declares shapes or values no trainer writes: each is
 * refused with a {@link ModelFormatException} naming the field, before anything the record's own
 * bytes do not pay for is allocated.
 */
class ForgedRecordDecodeTest {
  private static final int MAX_INT = Integer.MAX_VALUE;

  private static final com.sun.management.ThreadMXBean THREADS =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

  @Test
  void shouldRefuseACountWhoseByteSizeOverflowsALong() {
    // (2^61 + 1)·8 wraps to 8: it "fits" two remaining values when compared in bytes.
    ByteBuffer twoValues = ByteBuffer.allocate(2 * Double.BYTES);
    assertThatThrownBy(() -> ModelCodec.readDoubles(twoValues, (1L << 61) + 1, "theta"))
        .isInstanceOf(ModelFormatException.class)
        .hasMessage("model record is truncated: theta needs 2305843009213693953 values, 2 remain");
  }

  @Test
  void shouldRefuseVaeWhoseEncoderShapeOverflowsWithoutAllocatingIt() {
    // L·G·8 wraps negative and (int) L·G is −2147483646: a NegativeArraySizeException before.
    byte[] forged = ForgedRecords.record(KIND_VAE, 6, new int[] {MAX_INT, MAX_INT - 1, 1, 1, 16}, 0);
    assertThatThrownBy(() -> ModelCodec.decode(forged))
        .isInstanceOf(ModelFormatException.class)
        .hasMessage(
            "model record is truncated: encoderW1 needs 4611686011984936962 values, 0 remain");
  }

  @Test
  void shouldRefuseMixtureShapeBeyondTheRecordAndOfAnotherDimensionFromItsShape() {
    byte[] forged = ForgedRecords.record(KIND_MIXTURE, 6, new int[] {MAX_INT, MAX_INT}, 2);
    assertThatThrownBy(() -> ModelCodec.decode(forged))
        .isInstanceOf(ModelFormatException.class)
        .hasMessage("model record is truncated: weights needs 2147483647 values, 2 remain");
    assertThatThrownBy(() -> ModelCodec.decode(forged, 16))
        .isInstanceOf(ModelDimensionException.class)
        .hasMessage("model dimension 2147483647 differs from the expected dimension 16");
  }

  @Test
  void shouldRefuseEnumerableBinaryLatentOfAnotherDimensionBeforeReadingItsArrays() {
    // K = 16 codes enumerated over L = 40,000 bits is a 2^16·40,000-double (21 GB) table, from a
    // record of 960 kB that holds every array this shape declares.
    int latent = 16;
    int dimension = 40_000;
    int values = latent + latent + 1 + dimension + dimension + dimension + 1 + latent + latent;
    byte[] forged = ForgedRecords.record(
        KIND_BINARY_LATENT, 6, new int[] {latent, dimension, 1, 1, 16, 64}, values);
    assertThat(forged.length).isBetween(950_000, 970_000);

    long before = THREADS.getCurrentThreadAllocatedBytes();
    assertThatThrownBy(() -> ModelCodec.decode(forged, 16))
        .isInstanceOf(ModelDimensionException.class)
        .hasMessage("model dimension 40000 differs from the expected dimension 16");
    long allocated = THREADS.getCurrentThreadAllocatedBytes() - before;
    assertThat(allocated).as("bytes allocated by the refusal").isLessThan(1_000_000);
  }

  @Test
  void shouldRefuseAnEnumerationAboveTheBudgetFromTheShapeHeader() {
    // 2^16·1025 log-odds is just above 2^26; the record holds none of its arrays.
    byte[] forged =
        ForgedRecords.record(KIND_BINARY_LATENT, 6, new int[] {16, 1025, 1, 1, 16, 64}, 0);
    assertThatThrownBy(() -> ModelCodec.decode(forged))
        .isInstanceOf(ModelFormatException.class)
        .hasMessage("model parameters are invalid: enumerating 2^16 codes over L = 1025 bits takes"
            + " 67174400 log-odds, more than 67108864: enumerationLimit must be below K = 16,"
            + " got 16");
    // Sampled instead of enumerated (limit 15), the same shape asks nothing of the kind.
    byte[] sampled =
        ForgedRecords.record(KIND_BINARY_LATENT, 6, new int[] {16, 1025, 1, 1, 15, 64}, 0);
    assertThatThrownBy(() -> ModelCodec.decode(sampled))
        .isInstanceOf(ModelFormatException.class)
        .hasMessage("model record is truncated: priorLogOdds needs 16 values, 0 remain");
  }

  @Test
  void shouldRefuseScoringSamplesAboveTheBoundFromTheShapeHeader() {
    byte[] vae = ModelCodec.encode(VaeCodecTest.handWritten());
    int vaeSamples = ForgedRecords.payloadAt(vae) + 4 * Integer.BYTES;
    assertThat(ByteBuffer.wrap(vae, vaeSamples, 4).getInt()).isEqualTo(8);
    assertThatThrownBy(() -> ModelCodec.decode(ForgedRecords.withInt(vae, vaeSamples, MAX_INT)))
        .isInstanceOf(ModelFormatException.class)
        .hasMessage("model parameters are invalid: scoringSamples must be in 1..4096, got "
            + MAX_INT);

    byte[] binaryLatent = ModelCodec.encode(BinaryLatentCodecTest.handWritten());
    int latentSamples = ForgedRecords.payloadAt(binaryLatent) + 5 * Integer.BYTES;
    assertThat(ByteBuffer.wrap(binaryLatent, latentSamples, 4).getInt()).isEqualTo(32);
    assertThatThrownBy(() -> ModelCodec.decode(
            ForgedRecords.withInt(binaryLatent, latentSamples, 4097)))
        .isInstanceOf(ModelFormatException.class)
        .hasMessage("model parameters are invalid: scoringSamples must be in 1..4096, got 4097");
  }

  @Test
  void shouldDecodeScoringSamplesAtTheBound() throws ModelFormatException {
    byte[] vae = ModelCodec.encode(VaeCodecTest.handWritten());
    int samples = ForgedRecords.payloadAt(vae) + 4 * Integer.BYTES;
    VaeModel decoded =
        (VaeModel) ModelCodec.decode(ForgedRecords.withInt(vae, samples, 4096)).model();
    assertThat(decoded.scoringSamples()).isEqualTo(ImportanceEstimate.MAX_SCORING_SAMPLES);
  }

  @Test
  void shouldRefuseNonFiniteThresholds() {
    byte[] record = ModelCodec.encode(ModelCodecTest.handWritten());
    assertThat(ByteBuffer.wrap(record, ForgedRecords.THRESHOLD_AT, 8).getDouble()).isEqualTo(-4.0);
    for (double threshold :
        new double[] {Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.NaN}) {
      assertThatThrownBy(() -> ModelCodec.decode(
              ForgedRecords.withDouble(record, ForgedRecords.THRESHOLD_AT, threshold)))
          .isInstanceOf(ModelFormatException.class)
          .hasMessage("model parameters are invalid: threshold must be finite, got " + threshold);
    }
  }

  @Test
  void shouldRefuseVersionsAboveTwoToTheFiftyThirdAndDecodeItExactly() throws Exception {
    byte[] record = ModelCodec.encode(ModelCodecTest.handWritten());
    int at = ForgedRecords.VERSION_AT;
    assertThat(ByteBuffer.wrap(record, at, 8).getLong()).isEqualTo(3);
    for (long version : new long[] {Long.MAX_VALUE, (1L << 53) + 1, 0, -1}) {
      assertThatThrownBy(() -> ModelCodec.decode(ForgedRecords.withLong(record, at, version)))
          .isInstanceOf(ModelFormatException.class)
          .hasMessage("model parameters are invalid: version must be in 1..9007199254740992"
              + " (2^53), got " + version);
    }
    assertThat(ModelCodec.decode(ForgedRecords.withLong(record, at, 1L << 53)).version())
        .isEqualTo(PublishedModel.MAX_VERSION);
  }

  @Test
  void shouldRefuseNegativeTrainedAtWindowSizeAndHoldoutSize() {
    byte[] record = ModelCodec.encode(ModelCodecTest.handWritten());
    assertThatThrownBy(() -> ModelCodec.decode(
            ForgedRecords.withLong(record, ForgedRecords.TRAINED_AT_AT, -1)))
        .isInstanceOf(ModelFormatException.class)
        .hasMessage("model parameters are invalid: trainedAt must be >= 0 (epoch milliseconds),"
            + " got -1");
    assertThatThrownBy(() -> ModelCodec.decode(
            ForgedRecords.withInt(record, ForgedRecords.WINDOW_SIZE_AT, -1)))
        .isInstanceOf(ModelFormatException.class)
        .hasMessage("model parameters are invalid: windowSize must be >= 0, got -1");
    assertThatThrownBy(() -> ModelCodec.decode(
            ForgedRecords.withInt(record, ForgedRecords.HOLDOUT_SIZE_AT, -1)))
        .isInstanceOf(ModelFormatException.class)
        .hasMessage("model parameters are invalid: holdoutSize must be >= 1, got -1");
  }

  @Test
  void shouldRefuseANegativeQuantileCount() {
    byte[] record = ModelCodec.encode(ModelCodecTest.handWritten());
    assertThatThrownBy(() -> ModelCodec.decode(
            ForgedRecords.withInt(record, ForgedRecords.QUANTILE_COUNT_AT, -1)))
        .isInstanceOf(ModelFormatException.class)
        .hasMessage("holdoutQuantiles must hold >= 0 values, got -1");
  }

  @Test
  void shouldDecodeEachKindOfTheExpectedDimensionAndRefuseAnother() throws Exception {
    PublishedModel[] models = {
      ModelCodecTest.handWritten(), BinaryLatentCodecTest.handWritten(), VaeCodecTest.handWritten()
    };
    for (PublishedModel model : models) {
      byte[] record = ModelCodec.encode(model);
      int dimension = model.model().dimension();
      assertThat(ModelCodec.encode(ModelCodec.decode(record, dimension))).isEqualTo(record);
      assertThatThrownBy(() -> ModelCodec.decode(record, dimension + 1))
          .isInstanceOf(ModelDimensionException.class)
          .hasMessage("model dimension " + dimension + " differs from the expected dimension "
              + (dimension + 1));
    }
  }
}
