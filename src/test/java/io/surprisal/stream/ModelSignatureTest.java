package io.surprisal.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.surprisal.generate.SyntheticMixtures;
import io.surprisal.model.ModelCodec;
import io.surprisal.model.ModelFormatException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ModelSignatureTest {
  private static final String SECRET = "0123456789abcdef0123456789abcdef";
  private final ModelSignature signature = ModelSignature.withSecret(SECRET);
  private final byte[] model = ModelRecords.encoded(1, SyntheticMixtures.separated(2, 8, 3));

  @Test
  void shouldWrapTheModelBetweenAHeaderAndAnHmacAndVerifyItBack() throws Exception {
    byte[] signed = signature.sign(model);
    assertThat(signed).hasSize(5 + model.length + 32);
    assertThat(new String(signed, 0, 4, StandardCharsets.US_ASCII)).isEqualTo("SRPS");
    assertThat(signed[4]).isEqualTo((byte) 1);
    assertThat(Arrays.copyOfRange(signed, 5, 5 + model.length)).isEqualTo(model);
    assertThat(ModelSignature.isSigned(signed)).isTrue();
    assertThat(ModelSignature.isSigned(model)).isFalse();
    assertThat(signature.verify(signed)).isEqualTo(model);
    assertThat(ModelCodec.decode(signature.verify(signed)).version()).isEqualTo(1);
  }

  @Test
  void shouldRefuseEverySingleBitFlipOfASignedRecord() {
    byte[] signed = signature.sign(model);
    for (int i = 0; i < signed.length; i++) {
      byte[] altered = signed.clone();
      altered[i] ^= 0x01;
      int at = i;
      assertThatThrownBy(() -> signature.verify(altered)).as("bit 0 of byte %d", at)
          .isInstanceOf(ModelFormatException.class);
    }
  }

  @Test
  void shouldRefuseUnsignedRecordWhenASecretIsSet() {
    assertThatThrownBy(() -> signature.verify(model))
        .isInstanceOf(ModelFormatException.class)
        .hasMessage("model record is not signed, and surprisal.model.signing-key is set: only"
            + " models signed with the shared secret are accepted");
    assertThatThrownBy(() -> signature.verify(null))
        .isInstanceOf(ModelFormatException.class)
        .hasMessageStartingWith("model record is not signed");
  }

  @Test
  void shouldRefuseRecordSignedWithAnotherSecret() {
    byte[] signed = ModelSignature.withSecret(SECRET.replace('0', 'x')).sign(model);
    assertThatThrownBy(() -> signature.verify(signed))
        .isInstanceOf(ModelFormatException.class)
        .hasMessage("model signature does not verify: the record was signed with another secret"
            + " or altered after signing");
  }

  @Test
  void shouldRefuseTruncatedSignedRecordAndUnknownSignatureVersion() {
    byte[] signed = signature.sign(model);
    assertThatThrownBy(() -> signature.verify(Arrays.copyOf(signed, 20)))
        .isInstanceOf(ModelFormatException.class)
        .hasMessage("signed model record is truncated: 20 bytes, a signature alone takes 37");
    byte[] future = signed.clone();
    future[4] = 2;
    assertThatThrownBy(() -> signature.verify(future))
        .isInstanceOf(ModelFormatException.class)
        .hasMessage("unknown model signature version 2, this build supports 1");
  }

  @Test
  void shouldPassRecordsThroughWhenUnsigned() throws Exception {
    assertThat(ModelSignature.UNSIGNED.isEnabled()).isFalse();
    assertThat(ModelSignature.UNSIGNED.sign(model)).isSameAs(model);
    assertThat(ModelSignature.UNSIGNED.verify(model)).isSameAs(model);
    assertThat(ModelSignature.UNSIGNED.verify(signature.sign(model))).isEqualTo(model);
  }

  @Test
  void shouldRefuseShortSecretNamingItsLengthAndNeverShowTheSecret() {
    assertThatThrownBy(() -> ModelSignature.withSecret("short"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("the model signing secret must have at least 32 characters, got 5");
    assertThat(signature.toString()).doesNotContain(SECRET).contains("secret hidden");
  }
}
