package io.surprisal.stream;

import static io.surprisal.stream.DetectorConfigParser.properties;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.surprisal.train.VaeTrainer;
import org.junit.jupiter.api.Test;

class VaeConfigTest {
  private static final String BOOTSTRAP = "bootstrap.servers=localhost:9092";
  private static final String DIMENSION = "surprisal.feature.dimension=784";

  private static DetectorConfig parse(String... keyValues) {
    return DetectorConfigParser.parse(properties(keyValues));
  }

  @Test
  void shouldReadEveryVaeKeyIntoTheTrainerSettings() {
    DetectorConfig config = parse(BOOTSTRAP, DIMENSION, "surprisal.model.kind=vae",
        "surprisal.vae.latent-dimension=16", "surprisal.vae.hidden-width=200",
        "surprisal.vae.iwae-samples=50", "surprisal.vae.scoring-samples=4",
        "surprisal.vae.learning-rate=0.001", "surprisal.vae.max-epochs=7",
        "surprisal.vae.batch-size=32", "surprisal.vae.patience=2", "surprisal.seed=9");
    assertThat(config.modelKind()).isEqualTo("vae");
    assertThat(config.vae()).isEqualTo(
        new VaeTrainer.Settings(16, 200, 50, 4, 0.001, 7, 32, 2, 0.1, 9));
    assertThat(DetectorTopology.trainer(config)).isInstanceOf(VaeTrainer.class);
  }

  @Test
  void shouldDefaultToTheTrainersDocumentedDefaults() {
    assertThat(parse(BOOTSTRAP, DIMENSION).vae()).isEqualTo(VaeTrainer.Settings.defaults());
  }

  @Test
  void shouldFailNamingKeyRuleAndValueForZeroIwaeSamples() {
    assertThatThrownBy(() -> parse(BOOTSTRAP, DIMENSION, "surprisal.vae.iwae-samples=0"))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessage("surprisal.vae.iwae-samples must be >= 1, got 0");
  }

  @Test
  void shouldFailAtStartNamingKeyForScoringSamplesAboveWhatAModelMayHold() {
    assertThatThrownBy(() -> parse(BOOTSTRAP, DIMENSION, "surprisal.vae.scoring-samples=4097"))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessage("surprisal.vae.scoring-samples must be in 1..4096, got 4097");
    assertThat(parse(BOOTSTRAP, DIMENSION, "surprisal.vae.scoring-samples=4096").vae()
        .scoringSamples()).isEqualTo(4096);
  }
}
