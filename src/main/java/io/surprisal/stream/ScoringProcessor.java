package io.surprisal.stream;

import io.surprisal.event.Alert;
import io.surprisal.event.Event;
import io.surprisal.event.Latent;
import io.surprisal.event.OutputWriter;
import io.surprisal.event.Score;
import io.surprisal.model.Calibration;
import io.surprisal.model.LatentSummary;
import io.surprisal.model.PublishedModel;
import io.surprisal.model.Scored;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Scores each valid event with the instance's live model: an alert when log p(x) falls below the
 * model's threshold, a score record (when enabled), and a sampled copy for the trainer. Before the
 * first model, events are reported as unscored rather than dropped. The model is told the live
 * threshold, so a model that samples draws only as many samples as the decision needs.
 */
final class ScoringProcessor implements Processor<byte[], Event, byte[], byte[]> {

  /** Names of this processor's children. */
  record Outputs(String alerts, String scores, String samples) {}

  private final ModelRegistry registry;
  private final Outputs outputs;
  private final int explainFeatures;
  private final EventSampler sampler;
  private final OutputLimits limits;
  private final OutputWriter writer;
  private final DetectorObserver observer;
  private ProcessorContext<byte[], byte[]> context;
  private int untilTimed;

  /**
   * @param outputs child names; {@code scores} is null when scores are disabled
   * @param writer the wire format of scores and alerts (surprisal.format)
   * @param observer told of every scored, unscored and alerted event, on the stream thread
   */
  ScoringProcessor(
      ModelRegistry registry,
      Outputs outputs,
      int explainFeatures,
      EventSampler sampler,
      OutputLimits limits,
      OutputWriter writer,
      DetectorObserver observer) {
    this.registry = registry;
    this.limits = limits;
    this.writer = writer;
    this.outputs = outputs;
    this.explainFeatures = explainFeatures;
    this.sampler = sampler;
    this.observer = observer;
  }

  @Override
  public void init(ProcessorContext<byte[], byte[]> context) {
    this.context = context;
  }

  @Override
  public void process(Record<byte[], Event> record) {
    Event event = record.value();
    String key = record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8);
    long timestamp = event.timestamp() != null ? event.timestamp() : record.timestamp();
    PublishedModel live = registry.current();
    boolean alert = false;
    Score score;
    if (live == null) {
      score = Score.unscored(event.id(), key, timestamp);
      observer.eventUnscored();
    } else {
      Calibration calibration = live.calibration();
      Scored scored;
      long scoringNanos = DetectorObserver.NOT_TIMED;
      if (--untilTimed <= 0) {
        // Timed around the model call alone: the cost of scoring, not of JSON or forwarding.
        untilTimed = DetectorObserver.TIME_EVERY;
        long started = System.nanoTime();
        scored = live.model().score(event.features(), calibration.threshold());
        scoringNanos = System.nanoTime() - started;
      } else {
        scored = live.model().score(event.features(), calibration.threshold());
      }
      double logLikelihood = scored.logLikelihood();
      Latent latent = latent(scored.latent());
      observer.eventScored(logLikelihood, scoringNanos);
      Integer samples = null;
      if (scored.samples() > 0) {
        samples = scored.samples();
        observer.eventSamples(scored.samples());
      }
      // A VAE's readout is a posterior mean, not a state to count.
      if (latent != null && latent.state() != null) observer.eventLatent(latent.state());
      // Fail closed: a score that is not a number (or −∞) alerts, with percentile 0.
      double percentile = calibration.percentile(scored.score());
      alert = calibration.isAlert(scored.score());
      score = new Score(event.id(), key, timestamp, true, logLikelihood, scored.score(),
          calibration.threshold(), percentile, alert, live.version(), latent, samples);
      if (alert) {
        Alert message = new Alert(event.id(), key, timestamp, logLikelihood, scored.score(),
            calibration.threshold(), percentile, live.version(),
            live.model().explain(event.features(), explainFeatures), event.attributes(), latent);
        context.forward(record.withValue(alertBytes(record, message)), outputs.alerts());
        observer.alert(message);
      }
    }
    if (outputs.scores() != null) {
      context.forward(record.withValue(writer.score().apply(score)), outputs.scores());
    }
    if (sampler.accepts(event.id())) {
      // Alerted events are sampled too: leaving them out would thin the holdout's lower tail by the
      // false alerts and push the next threshold up (calibration's fence handles real anomalies).
      // One partition, no key: the single trainer task sees every sample. The record's own
      // timestamp, which the broker has accepted, not the event's: a producer's clock an hour fast
      // or an event from before 1970 would make the broker refuse the sample.
      context.forward(new Record<>(null, BitVectorCodec.encode(event.features()),
          record.timestamp()), outputs.samples());
    }
  }

  /**
   * The alert's bytes. Its one field of unbounded size is the caller's attributes: when the alert
   * would not fit in a record (see {@link OutputLimits}), they are replaced by their size and hash.
   */
  private byte[] alertBytes(Record<byte[], Event> record, Alert alert) {
    byte[] bytes = writer.alert().apply(alert);
    if (limits.fits(record.key(), bytes, record.headers())) return bytes;
    return writer.alert().apply(alert.withAttributes(AttributesDigest.of(alert.attributes())));
  }

  /** The wire form of a model's latent readout: a discrete state, or a posterior mean (VAE). */
  private static Latent latent(LatentSummary summary) {
    if (summary == null) return null;
    if (summary.mean() == null) return new Latent(summary.state(), summary.probability(), null);
    return new Latent(null, null, Arrays.stream(summary.mean()).boxed().toList());
  }

}
