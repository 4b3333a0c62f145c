package io.surprisal.stream;

import static io.surprisal.stream.DetectorConfigParser.properties;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.kafka.common.config.provider.EnvVarConfigProvider;
import org.apache.kafka.common.config.provider.FileConfigProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The detector's settings resolve Kafka config-provider references ({@code ${env:NAME}},
 * {@code ${file:path:key}}) as Kafka's own settings do, so a secret or a per-deployment value
 * need not be written into the properties file.
 */
class ConfigProvidersTest {
  private static final String BOOTSTRAP = "bootstrap.servers=localhost:9092";

  @TempDir Path directory;

  @Test
  void shouldResolveFileReferencesInDetectorSettingsIncludingTheSigningKey() throws Exception {
    Path secrets = directory.resolve("detector-secrets.properties");
    String secret = "a-signing-key-of-forty-characters-length";
    Files.writeString(secrets, "dimension=784\nsigning-key=" + secret + "\n");
    String file = secrets.toString();

    DetectorConfig config = DetectorConfigParser.parse(properties(BOOTSTRAP,
        "config.providers=file",
        "config.providers.file.class=" + FileConfigProvider.class.getName(),
        "surprisal.feature.dimension=${file:" + file + ":dimension}",
        "surprisal.model.signing-key=${file:" + file + ":signing-key}"));

    assertThat(config.dimension()).isEqualTo(784);
    byte[] model = {1, 2, 3};
    assertThat(ModelSignature.withSecret(secret).verify(config.modelSignature().sign(model)))
        .containsExactly(model);
  }

  @Test
  void shouldSizeTheOutputsByAMaxRequestSizeThatAConfigProviderResolves() throws Exception {
    Path limits = directory.resolve("producer.properties");
    Files.writeString(limits, "max-request-size=2000000\n");

    DetectorConfig config = DetectorConfigParser.parse(properties(BOOTSTRAP,
        "surprisal.feature.dimension=16", "config.providers=file",
        "config.providers.file.class=" + FileConfigProvider.class.getName(),
        "producer.max.request.size=${file:" + limits + ":max-request-size}"));

    assertThat(config.outputLimits().maxRecordBytes())
        .isEqualTo(2_000_000 - OutputLimits.FRAMING_BYTES);
    // Kafka's producer resolves the same reference itself.
    assertThat(config.kafka().getProperty("producer.max.request.size")).startsWith("${file:");
  }

  @Test
  void shouldRefuseASigningKeyWhoseReferenceDidNotResolveRatherThanSignWithItsText()
      throws Exception {
    Path secrets = directory.resolve("detector-secrets.properties");
    Files.writeString(secrets, "another-key=x\n");
    String reference = "${file:" + secrets + ":signing-key}";

    assertThatThrownBy(() -> DetectorConfigParser.parse(properties(BOOTSTRAP,
        "surprisal.feature.dimension=16", "config.providers=file",
        "config.providers.file.class=" + FileConfigProvider.class.getName(),
        "surprisal.model.signing-key=" + reference)))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageStartingWith("surprisal.model.signing-key refers to " + reference + ", which no"
            + " config provider resolved");
  }

  @Test
  void shouldResolveEnvironmentReferencesInDetectorSettingsAndLeaveKafkaSettingsToKafka() {
    // PATH is set in every JVM Maven starts; any variable would do.
    String path = System.getenv("PATH");
    String env = "config.providers.env.class=" + EnvVarConfigProvider.class.getName();

    DetectorConfig config = DetectorConfigParser.parse(properties(BOOTSTRAP,
        "surprisal.feature.dimension=16", "config.providers=env", env,
        "surprisal.metrics.bind=${env:PATH}", "sasl.jaas.config=${env:KAFKA_JAAS}"));

    assertThat(config.metricsEndpoint().bind()).isEqualTo(path);
    // Kafka Streams resolves its own settings with the same providers.
    assertThat(config.kafka().getProperty("sasl.jaas.config")).isEqualTo("${env:KAFKA_JAAS}");
    assertThat(config.kafka().getProperty("config.providers")).isEqualTo("env");
    assertThatThrownBy(() -> DetectorConfigParser.parse(properties(BOOTSTRAP,
        "config.providers=env", env,
        "surprisal.feature.dimension=${env:SURPRISAL_NO_SUCH_VARIABLE}")))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessage("surprisal.feature.dimension refers to ${env:SURPRISAL_NO_SUCH_VARIABLE},"
            + " which no config provider resolved: check config.providers and that the provider"
            + " has that key");
  }

  @Test
  void shouldUseTheResolvedApplicationIdInInternalTopicNames() throws Exception {
    Path file = directory.resolve("app.properties");
    Files.writeString(file, "id=fraud\n");

    DetectorConfig config = DetectorConfigParser.parse(properties(BOOTSTRAP,
        "surprisal.feature.dimension=16",
        "config.providers=file",
        "config.providers.file.class=" + FileConfigProvider.class.getName(),
        "application.id=${file:" + file + ":id}"));

    assertThat(config.topics().samples()).isEqualTo("fraud-samples");
  }
}
