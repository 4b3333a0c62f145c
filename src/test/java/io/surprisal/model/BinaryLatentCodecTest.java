package io.surprisal.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.surprisal.event.BitVector;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

class BinaryLatentCodecTest {
  /** Saved format-version-1 record of {@link #handWritten()}, written by {@link #writeFile()}. */
  private static final String V1_RESOURCE = "/models/binary-latent-format-v1.bin";

  /** K=2, H=1, L=3 with round weights, and an affine encoder: the content of the saved file. */
  static PublishedModel handWritten() {
    BinaryInputMlp decoder =
        BinaryInputMlp.of(2, 1, 3, new double[] {1.0, -1.0}, new double[] {0.5},
            new double[] {2.0, -2.0, 0.25}, new double[] {-1.0, 0.0, 1.0});
    BinaryInputMlp encoder =
        BinaryInputMlp.of(3, 0, 2, new double[0], new double[0],
            new double[] {0.5, -0.5, 1.0, 0.0, -1.0, 0.5}, new double[] {0.0, 0.25});
    BinaryLatentModel model =
        BinaryLatentModel.of(new double[] {-0.5, 0.5}, decoder, encoder, 12, 32);
    Calibration calibration = new Calibration(-3.0, 0.01, 100, new double[] {-4.0, -2.0, -1.0});
    return new PublishedModel(5, 1_714_564_800_000L, 500, -2.0, calibration, model);
  }

  private static double[] allLogLikelihoods(DensityModel model) {
    double[] values = new double[1 << model.dimension()];
    for (int mask = 0; mask < values.length; mask++) {
      int[] bits = new int[model.dimension()];
      for (int d = 0; d < bits.length; d++) bits[d] = (mask >> d) & 1;
      values[mask] = model.logLikelihood(BitVector.ofDense(bits));
    }
    return values;
  }

  @Test
  void shouldRoundTripRandomTanhModelBitExactly() throws Exception {
    BinaryLatentModel model = BinaryLatentFixtures.random(4, 5, 9, 1.7, 12, 91);
    PublishedModel original =
        new PublishedModel(7, 1L, 10, -5.5, new Calibration(-9, 0.001, 10, new double[] {-9}), model);
    byte[] encoded = ModelCodec.encode(original);
    PublishedModel decoded = ModelCodec.decode(encoded);

    assertThat(ModelCodec.encode(decoded)).isEqualTo(encoded);
    assertThat(decoded.model().kind()).isEqualTo("binary-latent");
    BinaryLatentModel after = (BinaryLatentModel) decoded.model();
    assertThat(after.decoder().w1()).containsExactly(model.decoder().w1());
    assertThat(after.encoder().w2()).containsExactly(model.encoder().w2());
    assertThat(allLogLikelihoods(after)).isEqualTo(allLogLikelihoods(model));
    BitVector x = model.sample(new SplittableRandom(92));
    assertThat(after.estimate(x, 16, new SplittableRandom(3)))
        .isEqualTo(model.estimate(x, 16, new SplittableRandom(3)));
  }

  @Test
  void shouldRoundTripDeepModelBitExactlyAsKindSeven() throws Exception {
    BinaryLatentModel model = BinaryLatentFixtures.deep(4, 5, 3, 9, 1.5, 12, 93);
    PublishedModel original =
        new PublishedModel(8, 1L, 10, -5.5, new Calibration(-9, 0.001, 10, new double[] {-9}), model);
    byte[] encoded = ModelCodec.encode(original);
    assertThat(encoded[6]).isEqualTo((byte) 7);

    PublishedModel decoded = ModelCodec.decode(encoded);

    assertThat(ModelCodec.encode(decoded)).isEqualTo(encoded);
    BinaryLatentModel after = (BinaryLatentModel) decoded.model();
    assertThat(after.decoder().hiddenLayers()).isEqualTo(3);
    assertThat(after.encoder().middleWeights(1)).containsExactly(model.encoder().middleWeights(1));
    assertThat(allLogLikelihoods(after)).isEqualTo(allLogLikelihoods(model));
    BitVector x = model.sample(new SplittableRandom(94));
    assertThat(after.estimate(x, 16, new SplittableRandom(3)))
        .isEqualTo(model.estimate(x, 16, new SplittableRandom(3)));
    for (int length = 0; length < encoded.length; length++) {
      byte[] cut = Arrays.copyOf(encoded, length);
      assertThatThrownBy(() -> ModelCodec.decode(cut)).isInstanceOf(ModelFormatException.class);
    }
  }

  @Test
  void shouldRefuseDeepRecordDeclaringTooManyLayersBeforeReadingArrays() {
    byte[] encoded = ModelCodec.encode(new PublishedModel(8, 1L, 10, -5.5,
        new Calibration(-9, 0.001, 10, new double[] {-9}),
        BinaryLatentFixtures.deep(3, 4, 2, 6, 1.0, 12, 95)));
    // The payload's fifth int is the decoder's layer count; 1,000 layers would need far more
    // bytes than the record holds, so only the shape check can refuse it with this message.
    byte[] forged = ForgedRecords.withInt(encoded, ForgedRecords.payloadAt(encoded) + 16, 1_000);

    assertThatThrownBy(() -> ModelCodec.decode(forged))
        .isInstanceOf(ModelFormatException.class)
        .hasMessageContaining("1..4 layers per network")
        .hasMessageContaining("layers 1000 and 2");
  }

  @Test
  void shouldWriteKindCodeTwoAndRefuseEveryTruncation() {
    byte[] encoded = ModelCodec.encode(handWritten());
    assertThat(encoded[6]).isEqualTo((byte) 2);
    for (int length = 0; length < encoded.length; length++) {
      byte[] cut = Arrays.copyOf(encoded, length);
      assertThatThrownBy(() -> ModelCodec.decode(cut)).isInstanceOf(ModelFormatException.class);
    }
  }

  @Test
  void shouldStillLoadFormatVersion1BinaryLatentFile() throws Exception {
    byte[] saved = SavedModelFiles.read(V1_RESOURCE);
    assertThat(ByteBuffer.wrap(saved, 4, 2).getShort()).isEqualTo((short) 1);

    PublishedModel loaded = ModelCodec.decode(saved);

    assertThat(loaded.version()).isEqualTo(5);
    assertThat(loaded.calibration().holdoutQuantiles()).containsExactly(-4.0, -2.0, -1.0);
    BinaryLatentModel model = (BinaryLatentModel) loaded.model();
    assertThat(model.latent()).isEqualTo(2);
    assertThat(model.dimension()).isEqualTo(3);
    assertThat(model.decoder().w2()).containsExactly(2.0, -2.0, 0.25);
    assertThat(model.encoder().b2()).containsExactly(0.0, 0.25);
    assertThat(model.scoringSamples()).isEqualTo(32);
    // Σ_x p(x) over the 8 vectors is 1, and each matches the hand-written model's value.
    double total = 0;
    for (double v : allLogLikelihoods(model)) total += Math.exp(v);
    assertThat(total).isCloseTo(1.0, within(1e-12));
    assertThat(allLogLikelihoods(model)).isEqualTo(allLogLikelihoods(handWritten().model()));
  }

  @Test
  void shouldEncodeHandWrittenModelExactlyAsTheSavedFileWhileVersion1IsCurrent() throws Exception {
    assumeTrue(ModelCodec.FORMAT_VERSION == 1, "current format is not version 1");
    assertThat(ModelCodec.encode(handWritten())).isEqualTo(SavedModelFiles.read(V1_RESOURCE));
  }

  /**
   * Generator of the saved file; disabled by default. Run once, then commit the file:
   * {@code mvn -o test -Dtest=BinaryLatentCodecTest -Dsurprisal.writeModelFiles=true}.
   */
  @Test
  @EnabledIfSystemProperty(named = "surprisal.writeModelFiles", matches = "true")
  void writeFile() throws IOException {
    assumeTrue(ModelCodec.FORMAT_VERSION == 1, "this build no longer writes format version 1");
    SavedModelFiles.write(V1_RESOURCE, handWritten());
  }

}
