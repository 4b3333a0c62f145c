package io.surprisal.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.surprisal.event.BitVector;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

class VaeCodecTest {
  /** Saved format-version-1 record of {@link #handWritten()}, written by {@link #writeFile()}. */
  private static final String V1_RESOURCE = "/models/vae-format-v1.bin";

  /** L=3, an affine encoder (G=0) to D=1, a decoder with H=2: the content of the saved file. */
  static PublishedModel handWritten() {
    BinaryInputMlp encoder =
        BinaryInputMlp.of(3, 0, 2, new double[0], new double[0],
            new double[] {0.5, -0.25, -1.0, 0.0, 1.0, 0.5}, new double[] {0.0, -1.0});
    RealInputMlp decoder =
        RealInputMlp.of(1, 2, 3, new double[] {1.5, -1.0}, new double[] {0.0, 0.5},
            new double[] {2.0, -1.0, 0.5, -2.0, 1.0, 0.25}, new double[] {-0.5, 0.0, 0.5});
    VaeModel model = VaeModel.of(encoder, decoder, 8);
    Calibration calibration = new Calibration(-3.5, 0.01, 100, new double[] {-4.0, -2.5, -1.5});
    return new PublishedModel(3, 1_764_115_200_000L, 400, -2.25, calibration, model);
  }

  /** log p(x) of every x ∈ {0,1}^L by the model's own (seeded) estimate. */
  private static double[] allScores(DensityModel model) {
    double[] values = new double[1 << model.dimension()];
    for (int mask = 0; mask < values.length; mask++) {
      int[] bits = new int[model.dimension()];
      for (int d = 0; d < bits.length; d++) bits[d] = (mask >> d) & 1;
      values[mask] = model.logLikelihood(BitVector.ofDense(bits));
    }
    return values;
  }

  @Test
  void shouldRoundTripTrainedShapeBitExactly() throws Exception {
    VaeModel model = VaeFixtures.random(3, 6, 10, 1.2, 16, 5);
    PublishedModel original =
        new PublishedModel(2, 1L, 10, -6.5, new Calibration(-9, 0.001, 10, new double[] {-9}), model);
    byte[] encoded = ModelCodec.encode(original);
    PublishedModel decoded = ModelCodec.decode(encoded);

    assertThat(ModelCodec.encode(decoded)).isEqualTo(encoded);
    assertThat(decoded.model().kind()).isEqualTo("vae");
    VaeModel after = (VaeModel) decoded.model();
    assertThat(after.latentDimension()).isEqualTo(3);
    assertThat(after.scoringSamples()).isEqualTo(16);
    assertThat(after.decoder().w2()).containsExactly(model.decoder().w2());
    assertThat(after.encoder().w1()).containsExactly(model.encoder().w1());
    BitVector x = model.sample(new SplittableRandom(6));
    assertThat(after.logLikelihood(x)).isEqualTo(model.logLikelihood(x));
    assertThat(after.estimate(x, 32, new SplittableRandom(7)))
        .isEqualTo(model.estimate(x, 32, new SplittableRandom(7)));
  }

  @Test
  void shouldWriteKindCodeThreeAndRefuseEveryTruncation() {
    byte[] encoded = ModelCodec.encode(handWritten());
    assertThat(encoded[6]).isEqualTo((byte) 3);
    for (int length = 0; length < encoded.length; length++) {
      byte[] cut = Arrays.copyOf(encoded, length);
      assertThatThrownBy(() -> ModelCodec.decode(cut)).isInstanceOf(ModelFormatException.class);
    }
  }

  @Test
  void shouldStillLoadFormatVersion1VaeFile() throws Exception {
    byte[] saved = SavedModelFiles.read(V1_RESOURCE);
    assertThat(ByteBuffer.wrap(saved, 4, 2).getShort()).isEqualTo((short) 1);

    PublishedModel loaded = ModelCodec.decode(saved);

    assertThat(loaded.version()).isEqualTo(3);
    assertThat(loaded.calibration().holdoutQuantiles()).containsExactly(-4.0, -2.5, -1.5);
    VaeModel model = (VaeModel) loaded.model();
    assertThat(model.dimension()).isEqualTo(3);
    assertThat(model.latentDimension()).isEqualTo(1);
    assertThat(model.encoder().hidden()).isZero();
    assertThat(model.decoder().w1()).containsExactly(1.5, -1.0);
    assertThat(model.decoder().b2()).containsExactly(-0.5, 0.0, 0.5);
    assertThat(model.scoringSamples()).isEqualTo(8);
    assertThat(allScores(model)).isEqualTo(allScores(handWritten().model()));
  }

  @Test
  void shouldEncodeHandWrittenModelExactlyAsTheSavedFileWhileVersion1IsCurrent() throws Exception {
    assumeTrue(ModelCodec.FORMAT_VERSION == 1, "current format is not version 1");
    assertThat(ModelCodec.encode(handWritten())).isEqualTo(SavedModelFiles.read(V1_RESOURCE));
  }

  @Test
  void shouldRefuseEncoderWhoseOutputsAreNotTwiceTheLatentDimension() {
    BinaryInputMlp encoder = BinaryInputMlp.of(3, 0, 3, new double[0], new double[0],
        new double[9], new double[3]);
    RealInputMlp decoder = RealInputMlp.of(1, 1, 3, new double[1], new double[1], new double[3],
        new double[3]);
    assertThatThrownBy(() -> VaeModel.of(encoder, decoder, 4))
        .hasMessage("encoder outputs must be 2·D = 2 (means, log-variances), got 3");
  }

  /**
   * Generator of the saved file; disabled by default. Run once, then commit the file:
   * {@code mvn -o test -Dtest=VaeCodecTest -Dsurprisal.writeModelFiles=true}.
   */
  @Test
  @EnabledIfSystemProperty(named = "surprisal.writeModelFiles", matches = "true")
  void writeFile() throws IOException {
    assumeTrue(ModelCodec.FORMAT_VERSION == 1, "this build no longer writes format version 1");
    SavedModelFiles.write(V1_RESOURCE, handWritten());
  }
}
