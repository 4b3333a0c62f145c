package io.surprisal.stream;

import io.surprisal.model.BinaryLatentModel;
import io.surprisal.model.ImportanceEstimate;
import io.surprisal.train.BernoulliMixtureTrainer;
import io.surprisal.train.BinaryLatentTrainer;
import io.surprisal.train.Calibrator;
import io.surprisal.train.DetectionScore;
import io.surprisal.train.ModelTrainers;
import io.surprisal.train.VaeTrainer;
import java.time.Duration;
import org.apache.kafka.streams.StreamsConfig;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Reads a {@link DetectorConfig} from properties. Keys under {@code surprisal.} are the detector's
 * own (all listed in {@link #DEFAULTS}, an unknown one is an error so a typo never passes silently);
 * every other key is a Kafka client setting and passes through. A bad value fails here, at start,
 * with a message that names the key, the rule and the value.
 */
public final class DetectorConfigParser {
  public static final String PREFIX = "surprisal.";

  /** What the threshold is set on unless surprisal.score says otherwise (docs/quality.md). */
  public static final DetectionScore DEFAULT_SCORE = DetectionScore.LIKELIHOOD;

  /**
   * Stands for the Kafka application.id in a default: the internal topics are the application's
   * own, so that two deployments on one cluster (different application ids) never read each
   * other's samples or go live with each other's models.
   */
  public static final String APPLICATION_ID = "<application.id>";

  /**
   * Every detector key with its default; null means required, {@link #APPLICATION_ID} is replaced
   * by the application id. docs/configuration.md lists the same keys.
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
    d.put("surprisal.feature.dimension", null);
    d.put("surprisal.topic.events", "events");
    d.put("surprisal.topic.alerts", "alerts");
    d.put("surprisal.topic.scores", "scores");
    d.put("surprisal.topic.dead-letters", "dead-letters");
    d.put("surprisal.topic.samples", APPLICATION_ID + "-samples");
    d.put("surprisal.topic.models", APPLICATION_ID + "-models");
    d.put("surprisal.topic.regime-shifts", APPLICATION_ID + "-regime-shifts");
    d.put("surprisal.scores.enabled", "true");
    d.put("surprisal.alert.rate", "0.001");
    d.put("surprisal.explain.features", "5");
    d.put("surprisal.sample.rate", "0.1");
    d.put("surprisal.window.size", "50000");
    d.put("surprisal.min.training.size", "5000");
    d.put("surprisal.retrain.interval", "10m");
    d.put("surprisal.holdout.fraction", "0.2");
    d.put("surprisal.calibration.max-contamination",
        String.valueOf(Calibrator.DEFAULT_MAX_CONTAMINATION));
    d.put("surprisal.acceptance.margin", "1.0");
    d.put("surprisal.mixture.components", "1,2,4,8,16,32");
    d.put("surprisal.mixture.restarts", "3");
    d.put("surprisal.mixture.max-iterations", "200");
    d.put("surprisal.mixture.prior", "1.0");
    d.put("surprisal.model.kind", "mixture");
    d.put("surprisal.score", DEFAULT_SCORE.label());
    d.put("surprisal.binary-latent.latent-bits", "8");
    d.put("surprisal.binary-latent.hidden-width", "32");
    d.put("surprisal.binary-latent.learning-rate", "0.01");
    d.put("surprisal.binary-latent.max-epochs", "100");
    d.put("surprisal.binary-latent.batch-size", "256");
    d.put("surprisal.binary-latent.patience", "5");
    d.put("surprisal.binary-latent.enumeration-limit", "12");
    d.put("surprisal.binary-latent.scoring-samples", "64");
    d.put("surprisal.vae.latent-dimension", "8");
    d.put("surprisal.vae.hidden-width", "64");
    d.put("surprisal.vae.iwae-samples", "5");
    d.put("surprisal.vae.scoring-samples", "16");
    d.put("surprisal.vae.learning-rate", "0.003");
    d.put("surprisal.vae.max-epochs", "100");
    d.put("surprisal.vae.batch-size", "128");
    d.put("surprisal.vae.patience", "5");
    d.put("surprisal.training.threads", "1");
    d.put("surprisal.seed", "42");
    d.put("surprisal.trainer.check-interval", "1s");
    d.put("surprisal.training.timeout", "30m");
    d.put("surprisal.model.signing-key", "");
    d.put("surprisal.regime.enabled", "true");
    d.put("surprisal.regime.mean-run-length", "1000000");
    d.put("surprisal.regime.shift", "1.0");
    d.put("surprisal.regime.refit-samples", "1000");
    d.put("surprisal.metrics.bind", "127.0.0.1");
    d.put("surprisal.metrics.port", "9464");
    return java.util.Collections.unmodifiableMap(d);
  }

  public static DetectorConfig parse(Properties properties) {
    Set<String> unknown = new TreeSet<>();
    Properties kafka = new Properties();
    KAFKA_DEFAULTS.forEach(kafka::setProperty);
    for (String key : properties.stringPropertyNames()) {
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
    Reader r = new Reader(properties, kafka.getProperty("application.id"));
    int dimension = r.get("surprisal.feature.dimension", Integer::parseInt, v -> v > 0, "be > 0");
    int windowSize = r.get("surprisal.window.size", Integer::parseInt, v -> v >= 20, "be >= 20");
    int minTraining =
        r.get("surprisal.min.training.size", Integer::parseInt, v -> v >= 20 && v <= windowSize,
            "be in 20..surprisal.window.size (" + windowSize + ")");
    long seed = r.get("surprisal.seed", Long::parseLong, v -> true, "be an integer");
    BernoulliMixtureTrainer.Settings mixture =
        new BernoulliMixtureTrainer.Settings(
            r.get("surprisal.mixture.components", DetectorConfigParser::intList,
                DetectorConfigParser::isAscendingPositive, "be an ascending list of integers >= 1"),
            r.get("surprisal.mixture.restarts", Integer::parseInt, v -> v >= 1, "be >= 1"),
            r.get("surprisal.mixture.max-iterations", Integer::parseInt, v -> v >= 1, "be >= 1"),
            BernoulliMixtureTrainer.Settings.defaults().tolerance(),
            r.get("surprisal.mixture.prior", Double::parseDouble, v -> v > 0, "be > 0"),
            BernoulliMixtureTrainer.Settings.defaults().validationFraction(),
            seed);
    String modelKind =
        r.get("surprisal.model.kind", String::trim, ModelTrainers.KINDS::contains,
            "be one of " + String.join(", ", ModelTrainers.KINDS));
    double sampleRate =
        r.get("surprisal.sample.rate", Double::parseDouble, v -> v > 0 && v <= 1, "be inside (0, 1]");
    BinaryLatentTrainer.Settings binaryLatent = binaryLatent(r, seed);
    VaeTrainer.Settings vae = vae(r, seed);
    DetectorConfig.Topics topics = new DetectorConfig.Topics(
        r.topic("surprisal.topic.events"), r.topic("surprisal.topic.alerts"),
        r.topic("surprisal.topic.scores"), r.topic("surprisal.topic.dead-letters"),
        r.topic("surprisal.topic.samples"), r.topic("surprisal.topic.models"),
        r.topic("surprisal.topic.regime-shifts"));
    // A write the broker refuses is dropped with a count and the stream goes on (at-least-once;
    // see OutputFailureHandler) unless the properties name another handler.
    kafka.putIfAbsent(StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG,
        OutputFailureHandler.class.getName());
    OutputLimits.from(kafka); // fails here, at start, when max.request.size leaves no room
    double alertRate =
        r.get("surprisal.alert.rate", Double::parseDouble, v -> v > 0 && v < 1, "be inside (0, 1)");
    double holdoutFraction =
        r.get("surprisal.holdout.fraction", Double::parseDouble, v -> v > 0 && v < 1,
            "be inside (0, 1)");
    DetectorConfig.RegimeDetection regime = regime(r, windowSize, sampleRate);
    requireCalibratableHoldout("surprisal.min.training.size", minTraining, holdoutFraction,
        alertRate);
    if (regime.enabled()) {
      requireCalibratableHoldout("surprisal.regime.refit-samples", regime.refitSamples(),
          holdoutFraction, alertRate);
    }
    return new DetectorConfig(
        dimension,
        topics,
        r.get("surprisal.scores.enabled", DetectorConfigParser::bool, v -> true, "be true or false"),
        alertRate,
        r.get("surprisal.explain.features", Integer::parseInt,
            v -> v >= 0 && v <= Math.min(dimension, MAX_EXPLAIN_FEATURES),
            "be in 0.." + Math.min(dimension, MAX_EXPLAIN_FEATURES)
                + " (at most surprisal.feature.dimension and " + MAX_EXPLAIN_FEATURES + ")"),
        sampleRate,
        windowSize,
        minTraining,
        r.get("surprisal.retrain.interval", Durations::parse, v -> !v.isNegative() && !v.isZero(),
            "be > 0"),
        holdoutFraction,
        r.get("surprisal.calibration.max-contamination", Double::parseDouble,
            v -> v >= 0 && v <= Calibrator.MAX_CONTAMINATION,
            "be in 0.." + Calibrator.MAX_CONTAMINATION + " (a share of the holdout; 0 keeps all)"),
        r.get("surprisal.acceptance.margin", Double::parseDouble, v -> v >= 0 && Double.isFinite(v),
            "be a finite value >= 0"),
        mixture,
        modelKind,
        r.get("surprisal.score", v -> DetectionScore.ofLabel(v.trim()), v -> true,
            "be one of " + String.join(", ", DetectionScore.labels())),
        binaryLatent,
        vae,
        r.get("surprisal.training.threads", Integer::parseInt, v -> v >= 1, "be >= 1"),
        r.get("surprisal.trainer.check-interval", Durations::parse,
            v -> v.compareTo(Duration.ofMillis(10)) >= 0, "be >= 10ms"),
        r.get("surprisal.training.timeout", Durations::parse, v -> !v.isNegative() && !v.isZero(),
            "be > 0"),
        r.signature("surprisal.model.signing-key"),
        new DetectorConfig.MetricsEndpoint(
            r.get("surprisal.metrics.bind", String::trim, v -> !v.isEmpty(),
                "be an IP address or host name"),
            r.get("surprisal.metrics.port", Integer::parseInt, v -> v >= 0 && v <= 65535,
                "be in 0..65535 (0 picks a free port)")),
        regime,
        kafka);
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

  private static DetectorConfig.RegimeDetection regime(Reader r, int windowSize, double sampleRate) {
    // The detector sees samples, so its run length in samples is the events' times the rate;
    // below ten samples between false alarms it would fire on noise alone.
    double minimum = Math.ceil(10 / sampleRate);
    return new DetectorConfig.RegimeDetection(
        r.get("surprisal.regime.enabled", DetectorConfigParser::bool, v -> true, "be true or false"),
        r.get("surprisal.regime.mean-run-length", Double::parseDouble,
            v -> v >= minimum && v <= 1e12,
            "be in " + (long) minimum + "..1e12 events (ten samples at surprisal.sample.rate)"),
        r.get("surprisal.regime.shift", Double::parseDouble, v -> v > 0 && v <= 10,
            "be inside (0, 10] standard deviations"),
        r.get("surprisal.regime.refit-samples", Integer::parseInt,
            v -> v >= 20 && v <= windowSize,
            "be in 20..surprisal.window.size (" + windowSize + ")"));
  }

  private static BinaryLatentTrainer.Settings binaryLatent(Reader r, long seed) {
    int limit =
        r.get("surprisal.binary-latent.enumeration-limit", Integer::parseInt,
            v -> v >= 0 && v <= BinaryLatentModel.MAX_ENUMERATION_LIMIT,
            "be in 0.." + BinaryLatentModel.MAX_ENUMERATION_LIMIT);
    return new BinaryLatentTrainer.Settings(
        r.get("surprisal.binary-latent.latent-bits", Integer::parseInt, v -> v >= 1 && v <= 62,
            "be in 1..62"),
        r.get("surprisal.binary-latent.hidden-width", Integer::parseInt, v -> v >= 0, "be >= 0"),
        r.get("surprisal.binary-latent.learning-rate", Double::parseDouble,
            v -> v > 0 && Double.isFinite(v), "be a finite value > 0"),
        r.get("surprisal.binary-latent.max-epochs", Integer::parseInt, v -> v >= 1, "be >= 1"),
        r.get("surprisal.binary-latent.batch-size", Integer::parseInt, v -> v >= 1, "be >= 1"),
        r.get("surprisal.binary-latent.patience", Integer::parseInt, v -> v >= 1, "be >= 1"),
        BinaryLatentTrainer.Settings.defaults().validationFraction(),
        limit,
        r.get("surprisal.binary-latent.scoring-samples", Integer::parseInt,
            v -> v >= 1 && v <= ImportanceEstimate.MAX_SCORING_SAMPLES,
            "be in 1.." + ImportanceEstimate.MAX_SCORING_SAMPLES),
        seed);
  }

  private static VaeTrainer.Settings vae(Reader r, long seed) {
    return new VaeTrainer.Settings(
        r.get("surprisal.vae.latent-dimension", Integer::parseInt, v -> v >= 1, "be >= 1"),
        r.get("surprisal.vae.hidden-width", Integer::parseInt, v -> v >= 1, "be >= 1"),
        r.get("surprisal.vae.iwae-samples", Integer::parseInt, v -> v >= 1, "be >= 1"),
        r.get("surprisal.vae.scoring-samples", Integer::parseInt,
            v -> v >= 1 && v <= ImportanceEstimate.MAX_SCORING_SAMPLES,
            "be in 1.." + ImportanceEstimate.MAX_SCORING_SAMPLES),
        r.get("surprisal.vae.learning-rate", Double::parseDouble,
            v -> v > 0 && Double.isFinite(v), "be a finite value > 0"),
        r.get("surprisal.vae.max-epochs", Integer::parseInt, v -> v >= 1, "be >= 1"),
        r.get("surprisal.vae.batch-size", Integer::parseInt, v -> v >= 1, "be >= 1"),
        r.get("surprisal.vae.patience", Integer::parseInt, v -> v >= 1, "be >= 1"),
        VaeTrainer.Settings.defaults().validationFraction(),
        seed);
  }

  /** Reads one key: its value or default, parsed and checked, or an error naming it. */
  private record Reader(Properties properties, String applicationId) {
    <T> T get(String key, Function<String, T> parse, java.util.function.Predicate<T> rule, String ruleText) {
      String raw = properties.getProperty(key, defaultOf(key));
      if (raw == null) {
        throw new InvalidConfigException(key + " is missing and has no default");
      }
      T value;
      try {
        value = parse.apply(raw.trim());
      } catch (NumberFormatException e) {
        throw new InvalidConfigException(key + " must " + ruleText + ", got \"" + raw + "\"");
      } catch (RuntimeException e) {
        // Our own parsers (durations, booleans, lists) say which forms they accept.
        throw new InvalidConfigException(key + ": " + e.getMessage());
      }
      if (!rule.test(value)) {
        throw new InvalidConfigException(key + " must " + ruleText + ", got " + raw.trim());
      }
      return value;
    }

    /** A secret: empty means unsigned; a message about it names its length, never its value. */
    ModelSignature signature(String key) {
      String secret = properties.getProperty(key, DEFAULTS.get(key)).trim();
      if (secret.isEmpty()) return ModelSignature.UNSIGNED;
      if (secret.length() < ModelSignature.MIN_SECRET_LENGTH) {
        throw new InvalidConfigException(key + " must be empty (models unsigned) or a secret of at"
            + " least " + ModelSignature.MIN_SECRET_LENGTH + " characters, got "
            + secret.length() + " characters");
      }
      return ModelSignature.withSecret(secret);
    }

    String topic(String key) {
      String rule = "be a Kafka topic name (at most 249 letters, digits, '.', '_', '-')";
      if (properties.getProperty(key) == null && DEFAULTS.get(key).contains(APPLICATION_ID)) {
        // The bad part is then application.id, which the user may not connect with this key.
        rule += " (the default " + DEFAULTS.get(key) + "; set " + key + " or change"
            + " application.id)";
      }
      return get(key, s -> s, s -> s.matches("[a-zA-Z0-9._-]{1,249}"), rule);
    }

    private String defaultOf(String key) {
      String value = DEFAULTS.get(key);
      return value == null ? null : value.replace(APPLICATION_ID, applicationId);
    }
  }

  private static boolean bool(String text) {
    if (text.equalsIgnoreCase("true")) return true;
    if (text.equalsIgnoreCase("false")) return false;
    throw new IllegalArgumentException("expected true or false, got \"" + text + "\"");
  }

  private static List<Integer> intList(String text) {
    List<Integer> values = new ArrayList<>();
    for (String part : text.split(",")) values.add(Integer.parseInt(part.trim()));
    return values;
  }

  private static boolean isAscendingPositive(List<Integer> values) {
    int previous = 0;
    for (int v : values) {
      if (v <= previous) return false;
      previous = v;
    }
    return !values.isEmpty();
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
