package io.surprisal.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** surprisal.training.timeout and surprisal.model.signing-key, as DetectorConfigParser reads them. */
class ReliabilitySettingsTest {
  private static DetectorConfig parse(String... extra) {
    String[] all = new String[extra.length + 2];
    all[0] = "bootstrap.servers=unused:9092";
    all[1] = "surprisal.feature.dimension=8";
    System.arraycopy(extra, 0, all, 2, extra.length);
    return DetectorConfigParser.parse(DetectorConfigParser.properties(all));
  }

  @Test
  void shouldDefaultToA30MinuteTimeoutAndUnsignedModels() {
    DetectorConfig config = parse();
    assertThat(config.trainingTimeout()).isEqualTo(Duration.ofMinutes(30));
    assertThat(config.modelSignature()).isSameAs(ModelSignature.UNSIGNED);
  }

  @Test
  void shouldReadTrainingTimeout() {
    assertThat(parse("surprisal.training.timeout=90s").trainingTimeout())
        .isEqualTo(Duration.ofSeconds(90));
  }

  @Test
  void shouldRefuseZeroTrainingTimeoutNamingTheKey() {
    assertThatThrownBy(() -> parse("surprisal.training.timeout=0s"))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessage("surprisal.training.timeout must be > 0, got 0s");
  }

  @Test
  void shouldSignWithAKeyOfAtLeast32Characters() {
    DetectorConfig config =
        parse("surprisal.model.signing-key=  0123456789abcdef0123456789abcdef  ");
    assertThat(config.modelSignature().isEnabled()).isTrue();
    assertThat(config.toString()).doesNotContain("0123456789abcdef");
  }

  @Test
  void shouldRefuseAShortKeyNamingTheKeyAndLengthButNotTheSecret() {
    assertThatThrownBy(() -> parse("surprisal.model.signing-key=hunter2"))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessage("surprisal.model.signing-key must be empty (models unsigned) or a secret of at"
            + " least 32 characters, got 7 characters")
        .message().doesNotContain("hunter2");
  }
}
