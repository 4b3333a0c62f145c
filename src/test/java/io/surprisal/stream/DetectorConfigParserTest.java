package io.surprisal.stream;

import static io.surprisal.stream.DetectorConfigParser.properties;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.surprisal.train.BernoulliMixtureTrainer;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class DetectorConfigParserTest {
  private static final String BOOTSTRAP = "bootstrap.servers=localhost:9092";
  private static final String DIMENSION = "surprisal.feature.dimension=784";

  private static DetectorConfig parse(String... keyValues) {
    return DetectorConfigParser.parse(properties(keyValues));
  }

  @Test
  void shouldApplyDefaultsWhenOnlyRequiredKeysAreGiven() {
    DetectorConfig config = parse(BOOTSTRAP, DIMENSION);

    assertThat(config.dimension()).isEqualTo(784);
    assertThat(config.topics()).isEqualTo(new DetectorConfig.Topics("events", "alerts", "scores",
        "dead-letters", "surprisal-samples", "surprisal-models", "surprisal-regime-shifts"));
    assertThat(config.scoresEnabled()).isTrue();
    assertThat(config.alertRate()).isEqualTo(0.001);
    assertThat(config.explainFeatures()).isEqualTo(5);
    assertThat(config.sampleRate()).isEqualTo(0.1);
    assertThat(config.windowSize()).isEqualTo(50_000);
    assertThat(config.minTrainingSize()).isEqualTo(5_000);
    assertThat(config.retrainInterval()).isEqualTo(Duration.ofMinutes(10));
    assertThat(config.holdoutFraction()).isEqualTo(0.2);
    assertThat(config.maxContamination()).isEqualTo(0.02);
    assertThat(config.acceptanceMargin()).isEqualTo(1.0);
    assertThat(config.mixture()).isEqualTo(BernoulliMixtureTrainer.Settings.defaults());
    assertThat(config.trainingThreads()).isEqualTo(1);
    assertThat(config.trainerCheckInterval()).isEqualTo(Duration.ofSeconds(1));
  }

  @Test
  void shouldPassKafkaKeysThroughAndDefaultToExactlyOnceV2() {
    DetectorConfig config = parse(BOOTSTRAP, DIMENSION, "num.stream.threads=4", "linger.ms=5");
    Properties kafka = config.kafka();

    assertThat(kafka.getProperty("bootstrap.servers")).isEqualTo("localhost:9092");
    assertThat(kafka.getProperty("num.stream.threads")).isEqualTo("4");
    assertThat(kafka.getProperty("linger.ms")).isEqualTo("5");
    assertThat(kafka.getProperty("processing.guarantee")).isEqualTo("exactly_once_v2");
    assertThat(kafka.getProperty("application.id")).isEqualTo("surprisal");
    // The detector's own keys stay out of the Kafka properties.
    assertThat(kafka.stringPropertyNames()).noneMatch(key -> key.startsWith("surprisal."));
  }

  @Test
  void shouldLetPropertiesOverrideKafkaDefaults() {
    DetectorConfig config =
        parse(BOOTSTRAP, DIMENSION, "processing.guarantee=at_least_once", "application.id=fraud");
    assertThat(config.kafka().getProperty("processing.guarantee")).isEqualTo("at_least_once");
    assertThat(config.kafka().getProperty("application.id")).isEqualTo("fraud");
  }

  @Test
  void shouldGiveTwoApplicationIdsDisjointInternalTopicsAndShareTheUserFacingOnes() {
    DetectorConfig.Topics fraud = parse(BOOTSTRAP, DIMENSION, "application.id=fraud").topics();
    DetectorConfig.Topics market = parse(BOOTSTRAP, DIMENSION, "application.id=market").topics();

    assertThat(List.of(fraud.samples(), fraud.models(), fraud.regimeShifts()))
        .containsExactly("fraud-samples", "fraud-models", "fraud-regime-shifts");
    assertThat(List.of(market.samples(), market.models(), market.regimeShifts()))
        .containsExactly("market-samples", "market-models", "market-regime-shifts");
    assertThat(List.of(fraud.events(), fraud.alerts(), fraud.scores(), fraud.deadLetters()))
        .containsExactly(market.events(), market.alerts(), market.scores(), market.deadLetters());
  }

  @Test
  void shouldPreferAnExplicitInternalTopicToTheApplicationIdDefault() {
    DetectorConfig.Topics topics = parse(BOOTSTRAP, DIMENSION, "application.id=fraud",
        "surprisal.topic.samples=shared-samples", "surprisal.topic.models=shared-models",
        "surprisal.topic.regime-shifts=shifts").topics();

    assertThat(List.of(topics.samples(), topics.models(), topics.regimeShifts()))
        .containsExactly("shared-samples", "shared-models", "shifts");
  }

  @Test
  void shouldListTheInternalTopicDefaultsAsTakenFromTheApplicationId() {
    assertThat(DetectorConfigParser.DEFAULTS)
        .containsEntry("surprisal.topic.samples", "<application.id>-samples")
        .containsEntry("surprisal.topic.models", "<application.id>-models")
        .containsEntry("surprisal.topic.regime-shifts", "<application.id>-regime-shifts")
        .containsEntry("surprisal.topic.events", "events");
  }

  @Test
  void shouldFailNamingTheTopicKeyAndApplicationIdWhenTheDerivedNameIsInvalid() {
    assertThatThrownBy(() -> parse(BOOTSTRAP, DIMENSION, "application.id=fraud detector"))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessage("surprisal.topic.samples must be a Kafka topic name (at most 249 letters,"
            + " digits, '.', '_', '-') (the default <application.id>-samples; set"
            + " surprisal.topic.samples or change application.id), got fraud detector-samples");
  }

  @Test
  void shouldFailNamingMissingFeatureDimension() {
    assertThatThrownBy(() -> parse(BOOTSTRAP))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessage("surprisal.feature.dimension is missing and has no default");
  }

  @Test
  void shouldInstallTheOutputFailureHandlerUnlessAnotherIsNamed() {
    assertThat(parse(BOOTSTRAP, DIMENSION).kafka().getProperty("production.exception.handler"))
        .isEqualTo(OutputFailureHandler.class.getName());
    assertThat(parse(BOOTSTRAP, DIMENSION, "production.exception.handler=com.example.Mine")
        .kafka().getProperty("production.exception.handler")).isEqualTo("com.example.Mine");
  }

  @Test
  void shouldFailNamingTheProducerSettingWhenItLeavesNoRoomForTheOutputs() {
    assertThatThrownBy(() -> parse(BOOTSTRAP, DIMENSION, "producer.max.request.size=2048"))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessage("producer.max.request.size must be in 131584..2147483647 bytes: the"
            + " detector's scores and alerts need that room, got 2048");
    assertThat(parse(BOOTSTRAP, DIMENSION, "max.request.size=2000000").outputLimits()
        .maxRecordBytes()).isEqualTo(2_000_000 - OutputLimits.FRAMING_BYTES);
  }

  @Test
  void shouldFailNamingKeyRuleAndValueForAlertRateAboveOne() {
    assertThatThrownBy(() -> parse(BOOTSTRAP, DIMENSION, "surprisal.alert.rate=2"))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessage("surprisal.alert.rate must be inside (0, 1), got 2");
  }

  @Test
  void shouldFailNamingKeyForNegativeRetrainInterval() {
    assertThatThrownBy(() -> parse(BOOTSTRAP, DIMENSION, "surprisal.retrain.interval=-5s"))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessage("surprisal.retrain.interval must be > 0, got -5s");
    assertThatThrownBy(() -> parse(BOOTSTRAP, DIMENSION, "surprisal.retrain.interval=PT-5S"))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessage("surprisal.retrain.interval must be > 0, got PT-5S");
    assertThatThrownBy(() -> parse(BOOTSTRAP, DIMENSION, "surprisal.retrain.interval=0s"))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessage("surprisal.retrain.interval must be > 0, got 0s");
  }

  @Test
  void shouldFailNamingKeyAndAcceptedFormsForUnparseableRetrainInterval() {
    assertThatThrownBy(() -> parse(BOOTSTRAP, DIMENSION, "surprisal.retrain.interval=soon"))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessage(
            "surprisal.retrain.interval: expected a duration such as"
                + " 500ms, 30s, 10m, 2h, 1d or PT10M, got \"soon\"");
  }

  @Test
  void shouldFailNamingUnknownSurprisalKey() {
    assertThatThrownBy(() -> parse(BOOTSTRAP, DIMENSION, "surprisal.foo=1"))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageStartingWith("unknown setting surprisal.foo; known surprisal.* keys: ")
        .hasMessageContaining("surprisal.feature.dimension");
  }

  @Test
  void shouldFailNamingMissingBootstrapServers() {
    assertThatThrownBy(() -> parse(DIMENSION))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessage("bootstrap.servers is missing: name at least one host:port");
    assertThatThrownBy(() -> parse(DIMENSION, "bootstrap.servers= "))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessage("bootstrap.servers is missing: name at least one host:port");
  }

  @Test
  void shouldParseMillisecondMinuteAndIsoDurations() {
    DetectorConfig config =
        parse(
            BOOTSTRAP, DIMENSION,
            "surprisal.trainer.check-interval=500ms",
            "surprisal.retrain.interval=PT1H");
    assertThat(config.trainerCheckInterval()).isEqualTo(Duration.ofMillis(500));
    assertThat(config.retrainInterval()).isEqualTo(Duration.ofHours(1));
    assertThat(parse(BOOTSTRAP, DIMENSION, "surprisal.retrain.interval=10m").retrainInterval())
        .isEqualTo(Duration.ofMinutes(10));

    assertThat(Durations.parse("500ms")).isEqualTo(Duration.ofMillis(500));
    assertThat(Durations.parse("10m")).isEqualTo(Duration.ofMinutes(10));
    assertThat(Durations.parse("PT1H")).isEqualTo(Duration.ofHours(1));
    assertThat(Durations.parse("30s")).isEqualTo(Duration.ofSeconds(30));
    assertThat(Durations.parse("2h")).isEqualTo(Duration.ofHours(2));
    assertThat(Durations.parse("1d")).isEqualTo(Duration.ofDays(1));
  }

  @Test
  void shouldFailNamingKeyRuleAndValueForCheckIntervalBelowTenMilliseconds() {
    assertThatThrownBy(() -> parse(BOOTSTRAP, DIMENSION, "surprisal.trainer.check-interval=5ms"))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessage("surprisal.trainer.check-interval must be >= 10ms, got 5ms");
  }

  @Test
  void shouldFailNamingKeyForNonNumericDimension() {
    assertThatThrownBy(() -> parse(BOOTSTRAP, "surprisal.feature.dimension=wide"))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageStartingWith("surprisal.feature.dimension must be > 0, got \"wide\"");
    assertThatThrownBy(() -> parse(BOOTSTRAP, "surprisal.feature.dimension=0"))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessage("surprisal.feature.dimension must be > 0, got 0");
  }

  @Test
  void shouldFailNamingCrossKeyRuleForMinTrainingSizeAboveWindow() {
    assertThatThrownBy(
            () -> parse(BOOTSTRAP, DIMENSION, "surprisal.window.size=1000",
                "surprisal.min.training.size=2000"))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessage(
            "surprisal.min.training.size must be in 20..surprisal.window.size (1000), got 2000");
  }

  @Test
  void shouldRefuseFirstHoldoutTooSmallForTheAlertRateNamingTheKeysAndValues() {
    // 500 × 0.2 = 100 holdout events: no conformal rank for q = 0.001 (needs 999), no tail fit.
    assertThatThrownBy(() -> parse(BOOTSTRAP, DIMENSION, "surprisal.min.training.size=500"))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessage("surprisal.min.training.size (500) × surprisal.holdout.fraction (0.2) leaves a"
            + " holdout of 100 events; calibrating surprisal.alert.rate 0.001 needs 200 (200 for a"
            + " tail fit, or 1/q − 1 for a conformal rank), else the threshold is the holdout's"
            + " minimum and about 1/101 of normal traffic alerts. Raise"
            + " surprisal.min.training.size to at least 1000 or surprisal.holdout.fraction");
  }

  @Test
  void shouldRefuseRefitHoldoutTooSmallOnlyWhileRegimeDetectionIsOn() {
    assertThatThrownBy(() -> parse(BOOTSTRAP, DIMENSION, "surprisal.regime.refit-samples=600"))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageStartingWith("surprisal.regime.refit-samples (600) × surprisal.holdout.fraction"
            + " (0.2) leaves a holdout of 120 events;");
    assertThat(parse(BOOTSTRAP, DIMENSION, "surprisal.regime.refit-samples=600",
        "surprisal.regime.enabled=false").regime().refitSamples()).isEqualTo(600);
  }

  @Test
  void shouldAcceptSmallHoldoutWhenItsConformalRankReachesTheAlertRate() {
    // 100 × 0.2 = 20 events: k = ⌊0.05 · 21⌋ = 1, a conformal threshold without a tail fit.
    DetectorConfig config = parse(BOOTSTRAP, DIMENSION, "surprisal.alert.rate=0.05",
        "surprisal.min.training.size=100", "surprisal.regime.refit-samples=100");
    assertThat(config.minTrainingSize()).isEqualTo(100);
  }

  @Test
  void shouldRefuseMaxContaminationOutsideItsRange() {
    assertThatThrownBy(
            () -> parse(BOOTSTRAP, DIMENSION, "surprisal.calibration.max-contamination=0.1"))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessage("surprisal.calibration.max-contamination must be in 0..0.05 (a share of the"
            + " holdout; 0 keeps all), got 0.1");
    assertThat(parse(BOOTSTRAP, DIMENSION, "surprisal.calibration.max-contamination=0")
        .maxContamination()).isZero();
  }

  @Test
  void shouldRefuseTheRetiredOutlierFenceKeyAsUnknown() {
    assertThatThrownBy(() -> parse(BOOTSTRAP, DIMENSION, "surprisal.calibration.outlier-fence=6"))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageStartingWith("unknown setting surprisal.calibration.outlier-fence;");
  }

  @Test
  void shouldReadAPlainNumberInADurationSettingAsMillisecondsAsKafkaDoes() {
    DetectorConfig config = parse(BOOTSTRAP, DIMENSION, "surprisal.trainer.check-interval=250",
        "surprisal.retrain.interval=600000");
    assertThat(config.trainerCheckInterval()).isEqualTo(Duration.ofMillis(250));
    assertThat(config.retrainInterval()).isEqualTo(Duration.ofMinutes(10));
    assertThatThrownBy(() -> parse(BOOTSTRAP, DIMENSION, "surprisal.trainer.check-interval=5"))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessage("surprisal.trainer.check-interval must be >= 10ms, got 5");
    // A bare number is milliseconds only in settings; "--duration 30" is refused, not 30 ms.
    assertThatThrownBy(() -> Durations.parse("30"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void shouldNameKeyRuleAndValueWhenABooleanIsNeither() {
    assertThatThrownBy(() -> parse(BOOTSTRAP, DIMENSION, "surprisal.scores.enabled=yes"))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessage("surprisal.scores.enabled must be true or false, got \"yes\"");
  }

  @Test
  void shouldShowTheSettingsInEffectOnOneLineWithTheSigningKeyHidden() {
    String secret = "s3cret-s3cret-s3cret-s3cret-s3cret-42";
    Properties properties = properties(BOOTSTRAP, DIMENSION, "application.id=fraud",
        "surprisal.model.signing-key=" + secret, "surprisal.alert.rate=0.01");

    String effective = DetectorConfigParser.effectiveSettings(properties);

    assertThat(effective)
        .startsWith("surprisal.acceptance.margin=1, surprisal.alert.rate=0.01, ")
        .contains("surprisal.feature.dimension=784, ")
        .contains("surprisal.mixture.components=1,2,4,8,16,32, ")
        .contains("surprisal.model.signing-key=[hidden], ")
        .contains("surprisal.topic.samples=fraud-samples, ")
        .doesNotContain(secret)
        .doesNotContain("\n");
    assertThat(effective.split(", ")).hasSize(DetectorConfigParser.DEFAULTS.size());
  }

  @Test
  void shouldReadJsonUnlessAvroIsChosen() {
    assertThat(parse(BOOTSTRAP, DIMENSION).wireFormat()).isEqualTo(DetectorConfig.WireFormat.DEFAULT);
    assertThat(parse(BOOTSTRAP, DIMENSION, "surprisal.format=avro",
        "surprisal.schema.registry.url=http://registry:8081/apis/ccompat/v7").wireFormat())
        .isEqualTo(new DetectorConfig.WireFormat("avro",
            java.net.URI.create("http://registry:8081/apis/ccompat/v7")));
  }

  @Test
  void shouldFailNamingTheRegistrySettingWhenAvroHasNoRegistry() {
    assertThatThrownBy(() -> parse(BOOTSTRAP, DIMENSION, "surprisal.format=avro"))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessage("surprisal.schema.registry.url must be an http:// or https:// URL when"
            + " surprisal.format=avro, got \"\"");
  }

  @Test
  void shouldFailNamingKeyRuleAndValueForAnUnknownFormatOrARegistryThatIsNotAnHttpUrl() {
    assertThatThrownBy(() -> parse(BOOTSTRAP, DIMENSION, "surprisal.format=protobuf"))
        .hasMessage("surprisal.format must be one of json, avro, got protobuf");
    assertThatThrownBy(() -> parse(BOOTSTRAP, DIMENSION, "surprisal.format=avro",
        "surprisal.schema.registry.url=registry:8081"))
        .hasMessage("surprisal.schema.registry.url must be empty or an http:// or https:// URL,"
            + " got registry:8081");
  }
}
