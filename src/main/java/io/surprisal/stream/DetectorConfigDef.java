package io.surprisal.stream;

import static io.surprisal.stream.DetectorConfigParser.APPLICATION_ID;
import static io.surprisal.stream.DetectorConfigParser.MAX_EXPLAIN_FEATURES;
import static org.apache.kafka.common.config.ConfigDef.Importance.HIGH;
import static org.apache.kafka.common.config.ConfigDef.Importance.LOW;
import static org.apache.kafka.common.config.ConfigDef.Importance.MEDIUM;

import io.surprisal.model.BinaryLatentModel;
import io.surprisal.model.ImportanceEstimate;
import io.surprisal.train.BernoulliMixtureTrainer;
import io.surprisal.train.BinaryLatentTrainer;
import io.surprisal.train.Calibrator;
import io.surprisal.train.DetectionScore;
import io.surprisal.train.ModelTrainers;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.ConfigTransformer;
import org.apache.kafka.common.config.types.Password;

/**
 * Every {@code surprisal.*} setting: its type, default, rule, importance and meaning. The one
 * source for parsing ({@link DetectorSettings}), for the defaults and for the key table of
 * docs/configuration.md ({@link ConfigurationReference}). Rules that involve two settings
 * (min.training.size at most window.size, holdouts large enough for the alert rate) are checked
 * after parsing, by {@link DetectorConfigParser}.
 */
public final class DetectorConfigDef extends ConfigDef {
  static final DetectorConfigDef INSTANCE = new DetectorConfigDef();

  private static final String TOPIC_NAME = "[a-zA-Z0-9._-]{1,249}";
  static final String TOPIC_RULE = "a Kafka topic name (at most 249 letters, digits, '.', '_', '-')";

  private DetectorConfigDef() {
    define("surprisal.feature.dimension", Type.INT, NO_DEFAULT_VALUE,
        SettingRule.of(Integer.class, "> 0", v -> v > 0), HIGH,
        "L, the number of bits in every event");
    topics();
    define("surprisal.scores.enabled", Type.BOOLEAN, true, bool(), MEDIUM,
        "write a score record for every valid event");
    define("surprisal.format", Type.STRING, DetectorConfig.WireFormat.JSON,
        SettingRule.of(String.class, "one of json, avro", List.of("json", "avro")::contains), HIGH,
        "wire format of events in and of scores and alerts out: `json` (schemas/*.schema.json)"
            + " or `avro` (schemas/*.avsc in the schema-registry framing: byte 0, the schema's"
            + " registry id in 4 bytes, the Avro binary; needs `schema.registry.url`). Dead letters"
            + " stay the input record as it came; see [wire-formats.md](wire-formats.md#avro)");
    define("surprisal.schema.registry.url", Type.STRING, "",
        SettingRule.of(String.class, "empty or an http:// or https:// URL",
            v -> v.isEmpty() || isHttpUrl(v)), MEDIUM,
        "API root of a Confluent-compatible schema registry (Apicurio's is"
            + " `http://host:8080/apis/ccompat/v7`), used by `format=avro`: at start the detector"
            + " registers score.avsc and alert.avsc under `<topic>-value`, and it looks each"
            + " event's writer schema up by the id in its frame");
    define("surprisal.alert.rate", Type.DOUBLE, 0.001,
        SettingRule.of(Double.class, "inside (0, 1)", v -> v > 0 && v < 1), HIGH,
        "q: the target alert rate on normal traffic");
    define("surprisal.explain.features", Type.INT, 5,
        SettingRule.of(Integer.class, "in 0.." + MAX_EXPLAIN_FEATURES
            + " (at most surprisal.feature.dimension)", v -> v >= 0 && v <= MAX_EXPLAIN_FEATURES),
        LOW, "top features carried by each alert");
    define("surprisal.sample.rate", Type.DOUBLE, 0.1,
        SettingRule.of(Double.class, "inside (0, 1]", v -> v > 0 && v <= 1), MEDIUM,
        "share of valid events copied to the training window");
    define("surprisal.window.size", Type.INT, 50000, atLeast(20), MEDIUM,
        "samples the training window keeps (most recent)");
    define("surprisal.min.training.size", Type.INT, 5000,
        SettingRule.of(Integer.class, "in 20..surprisal.window.size", v -> v >= 20), MEDIUM,
        "samples needed before the first fit");
    define("surprisal.retrain.interval", Type.STRING, "10m", positiveDuration(), MEDIUM,
        "time between fits once a model is live");
    define("surprisal.holdout.fraction", Type.DOUBLE, 0.2,
        SettingRule.of(Double.class, "inside (0, 1)", v -> v > 0 && v < 1), MEDIUM,
        "share of the window held out for calibration and the acceptance gate;"
            + " `min.training.size` and `regime.refit-samples` (when regime detection is on) times"
            + " this must give a holdout of at least " + Calibrator.TAIL_FIT_HOLDOUT + ", or 1/q − 1"
            + " if that is smaller, else `run` refuses the settings (see"
            + " [Calibration](models.md))");
    define("surprisal.calibration.max-contamination", Type.DOUBLE,
        Calibrator.DEFAULT_MAX_CONTAMINATION,
        SettingRule.of(Double.class, "in 0.." + Calibrator.MAX_CONTAMINATION
            + " (a share of the holdout; 0 keeps all)",
            v -> v >= 0 && v <= Calibrator.MAX_CONTAMINATION), LOW,
        "the largest share of a holdout that calibration may leave out as far-out contamination:"
            + " values beyond where the holdout's own fitted lower tail expects 0.01 of them, and"
            + " far from the rest of it; `0` keeps all. Replaces `outlier-fence` (robust standard"
            + " deviations below the median), which cut into the long left tail of skewed normal"
            + " traffic");
    define("surprisal.acceptance.margin", Type.DOUBLE, 1.0,
        SettingRule.of(Double.class, "a finite value >= 0", v -> v >= 0 && Double.isFinite(v)),
        LOW, "nats per event a refit may trail the live model on the same holdout and still be"
            + " published");
    mixture();
    define("surprisal.model.kind", Type.STRING, "mixture",
        SettingRule.of(String.class, "one of " + String.join(", ", ModelTrainers.KINDS),
            ModelTrainers.KINDS::contains), HIGH,
        "the model family fitted: `mixture` (Bernoulli mixture, EM), `binary-latent` (sigmoid"
            + " belief network with an MLP decoder) or `vae` (Gaussian latent, Bernoulli MLP"
            + " decoder, IWAE training)");
    define("surprisal.score", Type.STRING, DetectionScore.DEFAULT.label(),
        SettingRule.of(String.class, "one of " + String.join(", ", DetectionScore.labels()),
            DetectionScore.labels()::contains), HIGH,
        "what the threshold and percentiles are computed on: `likelihood` (the model's log p(x))"
            + " or `ensemble` (the model's log p(x) corrected for how simple x is, an"
            + " independent-bits model and a dependency tree, each turned into its p-value against"
            + " the holdout and combined by Fisher's method);"
            + " every score still carries log p(x). Evidence: [quality.md](quality.md)");
    binaryLatent();
    vae();
    define("surprisal.training.threads", Type.INT, 1, atLeast(1), LOW,
        "threads ND4J may use for fitting (it shares the machine with the stream threads)");
    define("surprisal.seed", Type.LONG, 42L, SettingRule.any(Long.class, "an integer"), LOW,
        "seeds sampling, data splits and EM starts");
    define("surprisal.trainer.check-interval", Type.STRING, "1s",
        SettingRule.duration(">= 10ms", v -> v.compareTo(Duration.ofMillis(10)) >= 0), LOW,
        "how often the trainer checks for a due or finished fit");
    define("surprisal.training.timeout", Type.STRING, "30m", positiveDuration(), LOW,
        "a fit still running after this is abandoned and counted as failed (see"
            + " [reliability.md](reliability.md#refused-models-and-failed-fits))");
    define("surprisal.model.signing-key", Type.PASSWORD, "",
        SettingRule.of(Password.class, "empty (models unsigned) or a secret of at least "
            + ModelSignature.MIN_SECRET_LENGTH + " characters",
            v -> v.value().isEmpty() || v.value().length() >= ModelSignature.MIN_SECRET_LENGTH),
        HIGH, "shared secret to sign published models with HMAC-SHA256 and accept only models"
            + " signed with it; empty: models are unsigned (see"
            + " [reliability.md](reliability.md#signing-published-models)). A password: logs and"
            + " error messages never show it; `${file:...}` or `${env:...}` keep it out of the"
            + " properties file");
    regime();
    define("surprisal.metrics.bind", Type.STRING, "127.0.0.1",
        SettingRule.of(String.class, "an IP address or host name", v -> !v.isEmpty()), MEDIUM,
        "address the HTTP endpoint (`/metrics`, `/health`, `/ready`, status page) binds;"
            + " loopback by default because the status page shows alert keys and attributes;"
            + " `0.0.0.0` in containers (`--metrics-bind`)");
    define("surprisal.metrics.port", Type.INT, 9464,
        SettingRule.of(Integer.class, "in 0..65535 (0 picks a free port)",
            v -> v >= 0 && v <= 65535), MEDIUM,
        "its port; `0` picks a free one (`--metrics-port`)");
  }

  private void topics() {
    topic("surprisal.topic.events", "events", HIGH, "input topic");
    topic("surprisal.topic.alerts", "alerts", HIGH, "alert topic");
    topic("surprisal.topic.scores", "scores", MEDIUM, "score topic");
    topic("surprisal.topic.dead-letters", "dead-letters", MEDIUM,
        "refused events, replayable, with the reason in headers");
    topic("surprisal.topic.samples", APPLICATION_ID + "-samples", LOW,
        "sampled events for the trainer; must have 1 partition");
    topic("surprisal.topic.models", APPLICATION_ID + "-models", LOW,
        "published models; compacted, 1 partition");
    topic("surprisal.topic.regime-shifts", APPLICATION_ID + "-regime-shifts", LOW,
        "detected regime shifts (schemas/regime-shift.schema.json); 1 partition");
  }

  private void topic(String key, String defaultName, Importance importance, String doc) {
    // The application id is known only with the Kafka settings: the placeholder is checked here as
    // a valid stand-in, the name it becomes by DetectorConfigParser.
    define(key, Type.STRING, defaultName,
        SettingRule.of(String.class, TOPIC_RULE,
            v -> isTopicName(v.replace(APPLICATION_ID, "a"))),
        importance, doc);
  }

  static boolean isHttpUrl(String text) {
    try {
      URI uri = new URI(text);
      return ("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
          && uri.getHost() != null && uri.getQuery() == null && uri.getFragment() == null;
    } catch (URISyntaxException e) {
      return false;
    }
  }

  static boolean isTopicName(String name) {
    return name.matches(TOPIC_NAME);
  }

  private void mixture() {
    define("surprisal.mixture.components", Type.LIST, "1,2,4,8,16,32",
        SettingRule.integers("an ascending list of integers >= 1",
            DetectorConfigDef::isAscendingPositive), LOW,
        "candidate K, tried in ascending order until validation stops improving; a K after the first"
            + " is tried only with at least " + BernoulliMixtureTrainer.MIN_ROWS_PER_COMPONENT
            + " training rows per component");
    define("surprisal.mixture.restarts", Type.INT, 3, atLeast(1), LOW, "EM runs per K");
    define("surprisal.mixture.max-iterations", Type.INT, 200, atLeast(1), LOW,
        "EM iterations per run at most");
    define("surprisal.mixture.prior", Type.DOUBLE, 1.0,
        SettingRule.of(Double.class, "> 0", v -> v > 0), LOW,
        "α of the Beta(1+α, 1+α) smoothing of every θ");
    define("surprisal.mixture.trim", Type.DOUBLE, BernoulliMixtureTrainer.Settings.DEFAULT_TRIM,
        SettingRule.of(Double.class, "in 0.." + BernoulliMixtureTrainer.Settings.MAX_TRIM,
            v -> v >= 0 && v <= BernoulliMixtureTrainer.Settings.MAX_TRIM), LOW,
        "share of the training rows each EM step leaves out, the ones the model finds least"
            + " likely (trimmed likelihood; the validation that chooses K leaves out the same"
            + " share): anomalies in the window then cannot pull a component of their own into"
            + " being; `0` fits every row");
  }

  private void binaryLatent() {
    define("surprisal.binary-latent.latent-bits", Type.INT, 64,
        range(1, 1024), MEDIUM,
        "K, bits of the latent code z; up to the enumeration limit trained with the exact"
            + " posterior, above it by reweighted wake-sleep");
    define("surprisal.binary-latent.hidden-width", Type.INT, 128, atLeast(0), LOW,
        "H of the decoder's (and the inference network's) tanh layers; `0` makes the decoder"
            + " linear, σ(W·z + b)");
    define("surprisal.binary-latent.hidden-layers", Type.INT, 1,
        range(1, BinaryLatentTrainer.MAX_HIDDEN_LAYERS), LOW,
        "tanh layers of width H in the decoder and in the inference network");
    define("surprisal.binary-latent.learning-rate", Type.DOUBLE, 0.01, finitePositive(), LOW,
        "Adam's step size");
    define("surprisal.binary-latent.max-epochs", Type.INT, 100, atLeast(1), LOW,
        "passes over the training rows at most");
    define("surprisal.binary-latent.batch-size", Type.INT, 256, atLeast(1), LOW,
        "rows per gradient step");
    define("surprisal.binary-latent.patience", Type.INT, 5, atLeast(1), LOW,
        "stop after this many epochs without a better validation log-likelihood");
    define("surprisal.binary-latent.enumeration-limit", Type.INT, 12,
        range(0, BinaryLatentModel.MAX_ENUMERATION_LIMIT), LOW,
        "score exactly by summing over all 2^K codes when K is at most this; above it, by"
            + " importance sampling");
    define("surprisal.binary-latent.scoring-samples", Type.INT, 64,
        range(1, ImportanceEstimate.MAX_SCORING_SAMPLES), LOW,
        "S, the most importance samples per score when K is above the enumeration limit: the"
            + " stream draws them in rounds of 8, 16, 32, ... and stops once log p(x) is clearly"
            + " above the threshold ([models.md](models.md#adaptive-sampling)); training and the"
            + " offline commands draw all S");
  }

  private void vae() {
    define("surprisal.vae.latent-dimension", Type.INT, 8, atLeast(1), MEDIUM,
        "D, dimension of the VAE's Gaussian latent z");
    define("surprisal.vae.hidden-width", Type.INT, 64, atLeast(1), LOW,
        "H of the encoder's and the decoder's tanh layer");
    define("surprisal.vae.iwae-samples", Type.INT, 5, atLeast(1), LOW,
        "k, importance samples per row in the IWAE training bound; `1` is the plain ELBO");
    define("surprisal.vae.scoring-samples", Type.INT, 16,
        range(1, ImportanceEstimate.MAX_SCORING_SAMPLES), LOW,
        "S, the most importance samples per score (and all of them for the validation that stops"
            + " training): the stream draws them in rounds of 8, 16, 32, ... and stops once"
            + " log p(x) is clearly above the threshold ([models.md](models.md#adaptive-sampling));"
            + " its scoring cost: [models.md](models.md#model-kinds)");
    define("surprisal.vae.learning-rate", Type.DOUBLE, 0.003, finitePositive(), LOW,
        "Adam's step size");
    define("surprisal.vae.max-epochs", Type.INT, 100, atLeast(1), LOW,
        "passes over the training rows at most");
    define("surprisal.vae.batch-size", Type.INT, 128, atLeast(1), LOW, "rows per gradient step");
    define("surprisal.vae.patience", Type.INT, 5, atLeast(1), LOW,
        "stop after this many epochs without a better validation log-likelihood");
  }

  private void regime() {
    define("surprisal.regime.enabled", Type.BOOLEAN, true, bool(), MEDIUM,
        "watch sampled events for regime shifts (see [models.md](models.md#regime-shifts))");
    // At least ten samples between false alarms: 10 / surprisal.sample.rate events, checked with
    // the sample rate by DetectorConfigParser; the rate is at most 1, so 10 holds for every one.
    define("surprisal.regime.mean-run-length", Type.DOUBLE, 1_000_000.0,
        SettingRule.of(Double.class, "in 10..1e12 events (ten samples at surprisal.sample.rate)",
            v -> v >= 10 && v <= 1e12), LOW,
        "mean events between false alarms on unchanged traffic");
    define("surprisal.regime.shift", Type.DOUBLE, 1.0,
        SettingRule.of(Double.class, "inside (0, 10] standard deviations", v -> v > 0 && v <= 10),
        LOW, "the log-likelihood shift, in holdout standard deviations, the detector finds"
            + " fastest (its reference value is half of it)");
    define("surprisal.regime.refit-samples", Type.INT, 1000,
        SettingRule.of(Integer.class, "in 20..surprisal.window.size", v -> v >= 20), LOW,
        "samples since the change point the early refit waits for, then fits on alone");
  }

  /**
   * Parses as Kafka does, with the detector's messages where Kafka's would name a type rather
   * than the rule ("Not a number of type INT") or show the value as parsed rather than as written
   * ("2.0" for "2"): each key is checked here first, then Kafka parses and validates them again.
   */
  @Override
  public Map<String, Object> parse(Map<?, ?> props) {
    for (ConfigKey key : configKeys().values()) {
      Object value;
      String written;
      if (props.containsKey(key.name)) {
        Object raw = props.get(key.name);
        requireResolved(key.name, raw);
        try {
          value = parseType(key.name, raw, key.type);
        } catch (ConfigException e) {
          throw new ConfigException(
              key.name + " must be " + key.validator + ", got \"" + raw + "\"");
        }
        written = key.type == Type.PASSWORD || !(raw instanceof String text)
            ? SettingRule.shown(value) : text.trim();
      } else if (!key.hasDefault()) {
        throw new ConfigException(key.name + " is missing and has no default");
      } else {
        value = key.defaultValue;
        written = SettingRule.shown(value);
      }
      if (key.validator instanceof SettingRule<?> rule) rule.check(key.name, value, written);
    }
    return super.parse(props);
  }

  /**
   * Kafka leaves a reference as it was when its provider is not configured or lacks the key. In a
   * detector setting that is always a mistake, and for the signing key a dangerous one: the
   * reference text itself, long enough, would become the secret.
   */
  private static void requireResolved(String key, Object raw) {
    if (!(raw instanceof String text)) return;
    Matcher reference = ConfigTransformer.DEFAULT_PATTERN.matcher(text);
    if (reference.find()) {
      throw new ConfigException(key + " refers to " + reference.group() + ", which no config"
          + " provider resolved: check config.providers and that the provider has that key");
    }
  }

  /**
   * A key's default as it would be written in a properties file ("1,2,4" for a list, "" for an
   * empty password), or null when the key is required.
   */
  static String writtenDefault(ConfigKey key) {
    if (!key.hasDefault()) return null;
    if (key.defaultValue instanceof Password secret) return secret.value();
    return SettingRule.shown(key.defaultValue);
  }

  /** The rule of a key, to read its value as the rule does (durations, integer lists). */
  SettingRule<?> rule(String key) {
    return (SettingRule<?>) configKeys().get(key).validator;
  }

  private static SettingRule<Integer> atLeast(int minimum) {
    return SettingRule.of(Integer.class, ">= " + minimum, v -> v >= minimum);
  }

  private static SettingRule<Integer> range(int min, int max) {
    return SettingRule.of(Integer.class, "in " + min + ".." + max, v -> v >= min && v <= max);
  }

  private static SettingRule<Double> finitePositive() {
    return SettingRule.of(Double.class, "a finite value > 0", v -> v > 0 && Double.isFinite(v));
  }

  private static SettingRule<Boolean> bool() {
    return SettingRule.any(Boolean.class, "true or false");
  }

  private static SettingRule<Duration> positiveDuration() {
    return SettingRule.duration("> 0", v -> !v.isNegative() && !v.isZero());
  }

  private static boolean isAscendingPositive(List<Integer> values) {
    int previous = 0;
    for (int v : values) {
      if (v <= previous) return false;
      previous = v;
    }
    return !values.isEmpty();
  }
}
