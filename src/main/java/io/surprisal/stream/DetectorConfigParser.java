package io.surprisal.stream;

import static io.surprisal.stream.DetectorConfigDef.TOPIC_RULE;
import static io.surprisal.stream.DetectorConfigDef.isTopicName;

import io.surprisal.train.BernoulliMixtureTrainer;
import io.surprisal.train.BinaryLatentTrainer;
import io.surprisal.train.Calibrator;
import io.surprisal.train.DetectionScore;
import io.surprisal.train.VaeTrainer;
import java.net.URI;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.streams.StreamsConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a {@link DetectorConfig} from properties. Keys under {@code surprisal.} are the detector's
 * own, defined in {@link DetectorConfigDef} and parsed by Kafka's {@code AbstractConfig}
 * ({@link DetectorSettings}), so {@code ${env:NAME}} and {@code ${file:path:key}} references
 * resolve in them as in Kafka's own settings; an unknown one is an error so a typo never passes
 * silently. Every other key is a Kafka setting and passes through unchanged. A bad value fails
 * here, at start, with a message that names the key, the rule and the value; rules between two
 * settings are checked here after parsing.
 */
public final class DetectorConfigParser {
  private static final Logger log = LoggerFactory.getLogger(DetectorConfigParser.class);

  public static final String PREFIX = "surprisal.";


  /**
   * Stands for the Kafka application.id in a topic name: the internal topics are the
   * application's own by default, so that two deployments on one cluster (different application
   * ids) never read each other's samples or go live with each other's models.
   */
  public static final String APPLICATION_ID = "<application.id>";

  /**
   * Every detector key with its default as written in a properties file; null means required,
   * {@link #APPLICATION_ID} is replaced by the application id. Taken from {@link DetectorConfigDef},
   * as is docs/configuration.md's table.
   */
  public static final Map<String, String> DEFAULTS = defaults();

  /** Kafka settings the detector chooses unless the properties say otherwise. */
  private static final Map<String, String> KAFKA_DEFAULTS =
      Map.of(
          "application.id", "surprisal",
          "processing.guarantee", "exactly_once_v2",
          "processing.exception.handler.global.enabled", "true");

  /** Each top feature costs an alert about 60 bytes; this keeps them a small part of a record. */
  static final int MAX_EXPLAIN_FEATURES = 1000;

  private DetectorConfigParser() {}

  private static Map<String, String> defaults() {
    Map<String, String> d = new LinkedHashMap<>();
    DetectorConfigDef.INSTANCE.configKeys().values()
        .forEach(key -> d.put(key.name, DetectorConfigDef.writtenDefault(key)));
    return Collections.unmodifiableMap(d);
  }

  public static DetectorConfig parse(Properties properties) {
    return read(properties).config();
  }

  /** As {@link #parse}, and logs the settings in effect once, on one line, secrets hidden. */
  public static DetectorConfig parseAtStart(Properties properties) {
    Parsed parsed = read(properties);
    log.info("Settings in effect: {}", parsed.effective());
    return parsed.config();
  }

  /**
   * The surprisal.* settings in effect, sorted, on one line: defaults filled in, references
   * resolved, topic names with the application id, the signing key as [hidden].
   */
  static String effectiveSettings(Properties properties) {
    return read(properties).effective();
  }

  private record Parsed(DetectorConfig config, String effective) {}

  private static Parsed read(Properties properties) {
    Set<String> unknown = new TreeSet<>();
    Map<String, String> all = new TreeMap<>();
    Properties kafka = new Properties();
    KAFKA_DEFAULTS.forEach(kafka::setProperty);
    for (String key : properties.stringPropertyNames()) {
      all.put(key, properties.getProperty(key));
      if (key.startsWith(PREFIX)) {
        if (!DEFAULTS.containsKey(key)) unknown.add(key);
      } else {
        kafka.setProperty(key, properties.getProperty(key));
      }
    }
    if (!unknown.isEmpty()) {
      throw new InvalidConfigException(
          "unknown setting" + (unknown.size() > 1 ? "s " : " ") + String.join(", ", unknown)
              + "; known surprisal.* keys: " + String.join(", ", DEFAULTS.keySet()));
    }
    if (kafka.getProperty("bootstrap.servers", "").isBlank()) {
      throw new InvalidConfigException("bootstrap.servers is missing: name at least one host:port");
    }
    DetectorSettings s;
    try {
      s = new DetectorSettings(all);
    } catch (ConfigException e) {
      throw new InvalidConfigException(e.getMessage(), e);
    }
    String applicationId = s.resolvedOriginal("application.id");
    if (applicationId == null) applicationId = kafka.getProperty("application.id");
    DetectorConfig config = config(s, applicationId, kafka);
    return new Parsed(config, s.effective(topicKeys(config.topics())));
  }

  private static DetectorConfig config(DetectorSettings s, String applicationId, Properties kafka) {
    int dimension = s.getInt("surprisal.feature.dimension");
    int windowSize = s.getInt("surprisal.window.size");
    int minTraining = s.getInt("surprisal.min.training.size");
    require(minTraining <= windowSize, "surprisal.min.training.size",
        "in 20..surprisal.window.size (" + windowSize + ")", minTraining);
    long seed = s.getLong("surprisal.seed");
    BernoulliMixtureTrainer.Settings mixture =
        new BernoulliMixtureTrainer.Settings(
            s.getIntegers("surprisal.mixture.components"),
            s.getInt("surprisal.mixture.restarts"),
            s.getInt("surprisal.mixture.max-iterations"),
            BernoulliMixtureTrainer.Settings.defaults().tolerance(),
            s.getDouble("surprisal.mixture.prior"),
            BernoulliMixtureTrainer.Settings.defaults().validationFraction(),
            seed,
            s.getDouble("surprisal.mixture.trim"));
    double sampleRate = s.getDouble("surprisal.sample.rate");
    DetectorConfig.Topics topics = new DetectorConfig.Topics(
        topic(s, "surprisal.topic.events", applicationId),
        topic(s, "surprisal.topic.alerts", applicationId),
        topic(s, "surprisal.topic.scores", applicationId),
        topic(s, "surprisal.topic.dead-letters", applicationId),
        topic(s, "surprisal.topic.samples", applicationId),
        topic(s, "surprisal.topic.models", applicationId),
        topic(s, "surprisal.topic.regime-shifts", applicationId));
    // A write the broker refuses is dropped with a count and the stream goes on (at-least-once;
    // see OutputFailureHandler) unless the properties name another handler.
    kafka.putIfAbsent(StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG,
        OutputFailureHandler.class.getName());
    // Fails here, at start, when max.request.size leaves no room; read as the producer will read
    // it, its ${...} references resolved.
    OutputLimits outputLimits = OutputLimits.from(s::resolvedOriginal);
    double alertRate = s.getDouble("surprisal.alert.rate");
    double holdoutFraction = s.getDouble("surprisal.holdout.fraction");
    DetectorConfig.RegimeDetection regime = regime(s, windowSize, sampleRate);
    requireCalibratableHoldout("surprisal.min.training.size", minTraining, holdoutFraction,
        alertRate);
    if (regime.enabled()) {
      requireCalibratableHoldout("surprisal.regime.refit-samples", regime.refitSamples(),
          holdoutFraction, alertRate);
    }
    int explainFeatures = s.getInt("surprisal.explain.features");
    int maxExplained = Math.min(dimension, MAX_EXPLAIN_FEATURES);
    require(explainFeatures <= maxExplained, "surprisal.explain.features",
        "in 0.." + maxExplained + " (at most surprisal.feature.dimension and "
            + MAX_EXPLAIN_FEATURES + ")", explainFeatures);
    String secret = s.getPassword("surprisal.model.signing-key").value();
    return new DetectorConfig(
        dimension,
        topics,
        s.getBoolean("surprisal.scores.enabled"),
        alertRate,
        explainFeatures,
        sampleRate,
        windowSize,
        minTraining,
        s.getDuration("surprisal.retrain.interval"),
        holdoutFraction,
        s.getDouble("surprisal.calibration.max-contamination"),
        s.getDouble("surprisal.acceptance.margin"),
        mixture,
        s.getString("surprisal.model.kind"),
        DetectionScore.ofLabel(s.getString("surprisal.score")),
        binaryLatent(s, seed),
        vae(s, seed),
        s.getInt("surprisal.training.threads"),
        s.getDuration("surprisal.trainer.check-interval"),
        s.getDuration("surprisal.training.timeout"),
        secret.isEmpty() ? ModelSignature.UNSIGNED : ModelSignature.withSecret(secret),
        new DetectorConfig.MetricsEndpoint(
            s.getString("surprisal.metrics.bind"), s.getInt("surprisal.metrics.port")),
        regime,
        outputLimits,
        wireFormat(s),
        kafka);
  }

  private static DetectorConfig.WireFormat wireFormat(DetectorSettings s) {
    String format = s.getString("surprisal.format");
    String url = s.getString("surprisal.schema.registry.url");
    if (!format.equals(DetectorConfig.WireFormat.AVRO)) return DetectorConfig.WireFormat.DEFAULT;
    require(!url.isEmpty(), "surprisal.schema.registry.url",
        "an http:// or https:// URL when surprisal.format=avro", "\"\"");
    return new DetectorConfig.WireFormat(format, URI.create(url));
  }

  /** A rule between two settings, checked after each has met its own. */
  private static void require(boolean holds, String key, String rule, Object value) {
    if (!holds) {
      throw new InvalidConfigException(
          key + " must be " + rule + ", got " + SettingRule.shown(value));
    }
  }

  /**
   * Refuses a fit size whose holdout can calibrate q neither by a conformal rank nor by a tail fit:
   * its threshold would be the holdout's minimum, and normal traffic would alert at about
   * 1/(holdout + 1), many times q. Refused at start rather than found in the alert rate.
   */
  private static void requireCalibratableHoldout(
      String sizeKey, int size, double holdoutFraction, double alertRate) {
    int holdout = (int) Math.round(size * holdoutFraction); // as TrainingPipeline splits
    int needed = Calibrator.minimumHoldout(alertRate);
    if (holdout >= needed) return;
    throw new InvalidConfigException(sizeKey + " (" + size + ") × surprisal.holdout.fraction ("
        + holdoutFraction + ") leaves a holdout of " + holdout + " events; calibrating"
        + " surprisal.alert.rate " + alertRate + " needs " + needed + " ("
        + Calibrator.TAIL_FIT_HOLDOUT + " for a tail fit, or 1/q − 1 for a conformal rank), else"
        + " the threshold is the holdout's"
        + " minimum and about 1/" + (holdout + 1) + " of normal traffic alerts. Raise " + sizeKey
        + " to at least " + (int) Math.ceil(needed / holdoutFraction)
        + " or surprisal.holdout.fraction");
  }

  private static DetectorConfig.RegimeDetection regime(
      DetectorSettings s, int windowSize, double sampleRate) {
    // The detector sees samples, so its run length in samples is the events' times the rate;
    // below ten samples between false alarms it would fire on noise alone.
    double minimum = Math.ceil(10 / sampleRate);
    double meanRunLength = s.getDouble("surprisal.regime.mean-run-length");
    require(meanRunLength >= minimum, "surprisal.regime.mean-run-length",
        "in " + (long) minimum + "..1e12 events (ten samples at surprisal.sample.rate)",
        meanRunLength);
    int refitSamples = s.getInt("surprisal.regime.refit-samples");
    require(refitSamples <= windowSize, "surprisal.regime.refit-samples",
        "in 20..surprisal.window.size (" + windowSize + ")", refitSamples);
    return new DetectorConfig.RegimeDetection(
        s.getBoolean("surprisal.regime.enabled"), meanRunLength,
        s.getDouble("surprisal.regime.shift"), refitSamples);
  }

  private static BinaryLatentTrainer.Settings binaryLatent(DetectorSettings s, long seed) {
    return new BinaryLatentTrainer.Settings(
        s.getInt("surprisal.binary-latent.latent-bits"),
        s.getInt("surprisal.binary-latent.hidden-width"),
        s.getInt("surprisal.binary-latent.hidden-layers"),
        s.getDouble("surprisal.binary-latent.learning-rate"),
        s.getInt("surprisal.binary-latent.max-epochs"),
        s.getInt("surprisal.binary-latent.batch-size"),
        s.getInt("surprisal.binary-latent.patience"),
        BinaryLatentTrainer.Settings.defaults().validationFraction(),
        s.getInt("surprisal.binary-latent.enumeration-limit"),
        s.getInt("surprisal.binary-latent.scoring-samples"),
        seed);
  }

  private static VaeTrainer.Settings vae(DetectorSettings s, long seed) {
    return new VaeTrainer.Settings(
        s.getInt("surprisal.vae.latent-dimension"),
        s.getInt("surprisal.vae.hidden-width"),
        s.getInt("surprisal.vae.iwae-samples"),
        s.getInt("surprisal.vae.scoring-samples"),
        s.getDouble("surprisal.vae.learning-rate"),
        s.getInt("surprisal.vae.max-epochs"),
        s.getInt("surprisal.vae.batch-size"),
        s.getInt("surprisal.vae.patience"),
        VaeTrainer.Settings.defaults().validationFraction(),
        seed);
  }

  /** A topic setting with {@link #APPLICATION_ID} replaced, checked once more as a name. */
  private static String topic(DetectorSettings s, String key, String applicationId) {
    String value = s.getString(key);
    String name = value.replace(APPLICATION_ID, applicationId);
    if (isTopicName(name)) return name;
    String rule = TOPIC_RULE;
    if (value.contains(APPLICATION_ID)) {
      // The bad part is then application.id, which the user may not connect with this key.
      rule += s.originals().containsKey(key)
          ? " (" + value + "; change application.id)"
          : " (the default " + value + "; set " + key + " or change application.id)";
    }
    throw new InvalidConfigException(key + " must be " + rule + ", got " + name);
  }

  /** The topic keys with the names they resolved to, as the settings in effect show them. */
  private static Map<String, String> topicKeys(DetectorConfig.Topics topics) {
    return Map.of(
        "surprisal.topic.events", topics.events(),
        "surprisal.topic.alerts", topics.alerts(),
        "surprisal.topic.scores", topics.scores(),
        "surprisal.topic.dead-letters", topics.deadLetters(),
        "surprisal.topic.samples", topics.samples(),
        "surprisal.topic.models", topics.models(),
        "surprisal.topic.regime-shifts", topics.regimeShifts());
  }

  /** Properties from "key=value" pairs, for tests and the demo. */
  public static Properties properties(String... keyValues) {
    Properties p = new Properties();
    Arrays.stream(keyValues).forEach(kv -> {
      int eq = kv.indexOf('=');
      p.setProperty(kv.substring(0, eq), kv.substring(eq + 1));
    });
    return p;
  }
}
