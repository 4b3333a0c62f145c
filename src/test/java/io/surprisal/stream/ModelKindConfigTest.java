package io.surprisal.stream;

import static io.surprisal.stream.DetectorConfigParser.properties;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.surprisal.train.BernoulliMixtureTrainer;
import io.surprisal.train.BinaryLatentTrainer;
import org.junit.jupiter.api.Test;

class ModelKindConfigTest {
  private static final String BOOTSTRAP = "bootstrap.servers=localhost:9092";
  private static final String DIMENSION = "surprisal.feature.dimension=64";

  private static DetectorConfig parse(String... keyValues) {
    String[] all = new String[keyValues.length + 2];
    all[0] = BOOTSTRAP;
    all[1] = DIMENSION;
    System.arraycopy(keyValues, 0, all, 2, keyValues.length);
    return DetectorConfigParser.parse(properties(all));
  }

  @Test
  void shouldDefaultToMixtureKindAndDocumentedBinaryLatentSettings() {
    DetectorConfig config = parse();
    assertThat(config.modelKind()).isEqualTo("mixture");
    assertThat(config.binaryLatent()).isEqualTo(BinaryLatentTrainer.Settings.defaults());
    assertThat(DetectorTopology.trainer(config)).isInstanceOf(BernoulliMixtureTrainer.class);
  }

  @Test
  void shouldPickBinaryLatentTrainerWithItsSettingsAndTheCommonSeed() {
    DetectorConfig config =
        parse("surprisal.model.kind=binary-latent", "surprisal.binary-latent.latent-bits=6",
            "surprisal.binary-latent.hidden-width=0", "surprisal.binary-latent.learning-rate=0.003",
            "surprisal.binary-latent.max-epochs=20", "surprisal.binary-latent.batch-size=128",
            "surprisal.binary-latent.patience=3", "surprisal.binary-latent.enumeration-limit=10",
            "surprisal.binary-latent.scoring-samples=16", "surprisal.seed=7");
    assertThat(config.binaryLatent())
        .isEqualTo(new BinaryLatentTrainer.Settings(6, 0, 1, 0.003, 20, 128, 3, 0.1, 10, 16, 7));
    assertThat(DetectorTopology.trainer(config)).isInstanceOf(BinaryLatentTrainer.class);
  }

  @Test
  void shouldRefuseUnknownModelKindNamingKeyAndValue() {
    assertThatThrownBy(() -> parse("surprisal.model.kind=gan"))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessage("surprisal.model.kind must be one of mixture, binary-latent, vae, got gan");
  }

  @Test
  void shouldAcceptLatentBitsAboveTheEnumerationLimitForSampledTraining() {
    DetectorConfig config = parse("surprisal.model.kind=binary-latent",
        "surprisal.binary-latent.latent-bits=14", "surprisal.binary-latent.enumeration-limit=12");
    assertThat(config.binaryLatent().latentBits()).isEqualTo(14);
  }

  @Test
  void shouldRefuseLatentBitsAboveItsBound() {
    // Sampled codes are read out as strings, so K is not bound to a long's 64 bits (the default
    // is 64); 1,024 bounds a setting that sizes every network.
    assertThat(parse("surprisal.binary-latent.latent-bits=1024").binaryLatent().latentBits())
        .isEqualTo(1024);
    assertThatThrownBy(() -> parse("surprisal.binary-latent.latent-bits=1025"))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessage("surprisal.binary-latent.latent-bits must be in 1..1024, got 1025");
  }

  @Test
  void shouldFailAtStartNamingKeyForScoringSamplesAboveWhatAModelMayHold() {
    assertThatThrownBy(() -> parse("surprisal.binary-latent.scoring-samples=4097"))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessage("surprisal.binary-latent.scoring-samples must be in 1..4096, got 4097");
    assertThat(parse("surprisal.binary-latent.scoring-samples=4096").binaryLatent()
        .scoringSamples()).isEqualTo(4096);
  }
}
