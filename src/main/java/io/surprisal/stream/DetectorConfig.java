package io.surprisal.stream;

import io.surprisal.train.BernoulliMixtureTrainer;
import io.surprisal.train.BinaryLatentTrainer;
import io.surprisal.train.DetectionScore;
import io.surprisal.train.VaeTrainer;
import java.net.URI;
import java.time.Duration;
import java.util.Properties;

/**
 * The detector's settings, validated. Built by {@link DetectorConfigParser} from properties whose
 * keys start with {@code surprisal.}; every other property is a Kafka client setting and passes
 * through untouched in {@link #kafka()}.
 *
 * @param dimension L, the bits in every event
 * @param scoresEnabled whether every valid event's score is written to the scores topic
 * @param alertRate q, the target alert rate on normal traffic
 * @param explainFeatures how many top features an alert carries
 * @param sampleRate share of valid events copied to the training samples
 * @param windowSize most recent sampled events the trainer keeps
 * @param minTrainingSize samples needed before the first fit
 * @param retrainInterval time between fits once a model is live
 * @param holdoutFraction share of the window held out for calibration and the acceptance gate
 * @param maxContamination the largest share of a holdout left out of calibration as far-out
 *     contamination (0: keep all)
 * @param acceptanceMargin nats per event a refit may trail the live model on the holdout
 * @param mixture the mixture trainer's hyperparameters
 * @param modelKind the model family the trainer fits: "mixture", "binary-latent" or "vae"
 * @param score what the threshold and percentiles are computed on (surprisal.score)
 * @param binaryLatent the binary-latent trainer's hyperparameters
 * @param vae the VAE trainer's hyperparameters
 * @param trainingThreads threads ND4J may use for fitting (it shares the machine with the stream
 *     threads)
 * @param trainerCheckInterval how often the trainer checks for due and finished fits
 * @param trainingTimeout how long a fit may run before it is abandoned and counted as failed
 * @param modelSignature signs published models and verifies received ones
 *     (surprisal.model.signing-key), or {@link ModelSignature#UNSIGNED}; never shows the secret
 * @param metricsEndpoint where the HTTP endpoint (metrics, health, status page) listens
 * @param regime the regime-shift detector's settings
 * @param outputLimits the size limits the detector's records must fit
 * @param wireFormat how events are read and scores and alerts written (surprisal.format)
 * @param kafka Kafka Streams and client properties, passed through
 */
public record DetectorConfig(
    int dimension,
    Topics topics,
    boolean scoresEnabled,
    double alertRate,
    int explainFeatures,
    double sampleRate,
    int windowSize,
    int minTrainingSize,
    Duration retrainInterval,
    double holdoutFraction,
    double maxContamination,
    double acceptanceMargin,
    BernoulliMixtureTrainer.Settings mixture,
    String modelKind,
    DetectionScore score,
    BinaryLatentTrainer.Settings binaryLatent,
    VaeTrainer.Settings vae,
    int trainingThreads,
    Duration trainerCheckInterval,
    Duration trainingTimeout,
    ModelSignature modelSignature,
    MetricsEndpoint metricsEndpoint,
    RegimeDetection regime,
    OutputLimits outputLimits,
    WireFormat wireFormat,
    Properties kafka) {

  /**
   * The wire format of events, scores and alerts.
   *
   * @param name "json" or "avro"
   * @param schemaRegistry the schema registry's API root for Avro; null for JSON
   */
  public record WireFormat(String name, URI schemaRegistry) {
    public static final String JSON = "json";
    public static final String AVRO = "avro";
    public static final WireFormat DEFAULT = new WireFormat(JSON, null);

    public WireFormat {
      if (!name.equals(JSON) && !name.equals(AVRO)) {
        throw new IllegalArgumentException(
            "surprisal.format must be one of json, avro, got " + name);
      }
      if (name.equals(AVRO) && schemaRegistry == null) {
        throw new IllegalArgumentException(
            "surprisal.schema.registry.url must be set when surprisal.format=avro");
      }
    }

    public boolean avro() {
      return name.equals(AVRO);
    }
  }

  /**
   * The regime-shift detector in the trainer task (see regime/).
   *
   * @param enabled whether sampled events are watched for regime shifts
   * @param meanRunLength mean number of events between false alarms on unchanged traffic
   * @param shift the log-likelihood shift, in holdout standard deviations, detected fastest
   * @param refitSamples post-change samples the early refit waits for
   */
  public record RegimeDetection(
      boolean enabled, double meanRunLength, double shift, int refitSamples) {}

  /**
   * The topics the detector reads and writes. By default samples, models and regime-shifts carry
   * the application id (DetectorConfigParser.DEFAULTS): they hold one application's state.
   */
  public record Topics(
      String events, String alerts, String scores, String deadLetters, String samples,
      String models, String regimeShifts) {}

  /**
   * Where the metrics, health and status-page endpoint listens.
   *
   * @param bind the local address to bind: an IP literal or a host name
   * @param port the TCP port; 0 picks a free one
   */
  public record MetricsEndpoint(String bind, int port) {
    public MetricsEndpoint {
      if (bind == null || bind.isBlank()) {
        throw new IllegalArgumentException("surprisal.metrics.bind must not be blank");
      }
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException(
            "surprisal.metrics.port must be in 0..65535, got " + port);
      }
    }
  }

  public DetectorConfig {
    Properties copy = new Properties();
    copy.putAll(kafka);
    kafka = copy;
  }

  @Override
  public Properties kafka() {
    Properties copy = new Properties();
    copy.putAll(kafka);
    return copy;
  }
}
