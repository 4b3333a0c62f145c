package io.surprisal.metrics;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.surprisal.event.Alert;
import io.surprisal.event.RegimeShift;
import io.surprisal.model.PublishedModel;
import io.surprisal.model.ThresholdMethod;
import io.surprisal.stream.DetectorObserver;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/**
 * The detector's meters, fed by the topology through {@link DetectorObserver}. Names are under
 * {@code surprisal.}; tags are low-cardinality (an outcome, a reason class, a training result).
 *
 * <p>Counts live in {@link LongAdder}s owned here and are exposed as function counters, so the
 * observer works from construction on; the timers and the distribution summary exist once {@link
 * #bindTo} has run, which must happen before the topology starts (the Streams client's start is the
 * happens-before edge) and at most once. The scoring path costs an add, the summary record, two
 * volatile writes for the running mean, and on one event in {@link DetectorObserver#TIME_EVERY}
 * two clock reads and a timer record: no allocation, no locks. Measured on the 2-core build
 * machine: 105-130 ns per scored event in all, most of it Micrometer's summary record; timing
 * every event instead cost about 430 ns (a clock read is 30-50 ns there, the timer record, with
 * the client-side percentiles it then kept, about 260 ns; with buckets only, as now, a timer record
 * takes about half as long as with both).
 *
 * <p>The counts are what this instance processed: under exactly-once, a transaction aborted and
 * retried is processed, and counted, twice; the topics themselves hold each result once.
 */
public final class DetectorMetrics implements MeterBinder, DetectorObserver {
  /**
   * Upper bounds (nats) of the surprisal histogram's buckets. Surprisal, −log p(x), rather than
   * log p(x): Micrometer's summaries drop negative values, and the Prometheus buckets are upper
   * bounds, so "le" reads as "at most this surprising". Dense where binary vectors of tens to
   * hundreds of bits usually score, sparse out to 1,000 nats. Whole numbers only: Micrometer's
   * fixed-boundary histogram rounds a value up to an integer before bucketing, which is exact
   * ("at most b") only for integer bounds b.
   */
  static final double[] SURPRISAL_BUCKETS = {
    1, 2, 3, 5, 8, 10, 12, 15, 18, 20, 25, 30, 35, 40, 50, 60, 75, 100, 150, 200, 300, 500, 1000
  };

  /**
   * Weight of each new event in the running mean behind {@code surprisal.drift}: about the last
   * 1,000 scored events. Early on the weight is 1/n, so the mean is exact until then.
   */
  static final double DRIFT_WEIGHT = 1e-3;

  /**
   * Scoring latency buckets: a K·nnz(x) loop takes from a few hundred nanoseconds to tens of
   * microseconds. A dozen explicit bounds rather than Micrometer's ~90-bucket percentile histogram
   * keep the series count small; histogram_quantile across instances still works on them. No
   * client-side percentiles: they cannot be aggregated across instances, and histogram_quantile
   * over the buckets answers the same question for one instance or all.
   */
  static final Duration[] LATENCY_BUCKETS = {
    Duration.ofNanos(250), Duration.ofNanos(500), Duration.ofNanos(1_000), Duration.ofNanos(2_000),
    Duration.ofNanos(5_000), Duration.ofNanos(10_000), Duration.ofNanos(20_000),
    Duration.ofNanos(50_000), Duration.ofNanos(100_000), Duration.ofNanos(1_000_000),
    Duration.ofNanos(10_000_000)
  };

  /**
   * Upper bounds of the scoring-samples histogram's buckets: the sizes an adaptive score stops at
   * (8, then doubling) up to the largest cap a model may have, and 1 to 4 for caps below 8.
   */
  static final double[] SAMPLES_BUCKETS = {
    1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096
  };

  private final Clock clock;
  private final LongAdder scored = new LongAdder();
  /** Scored events whose log-likelihood was NaN or infinite: alerted (fail closed). */
  private final LongAdder nonFinite = new LongAdder();
  private final LongAdder unscored = new LongAdder();
  private final LongAdder[] invalid = adders(InvalidReason.values().length);
  private final LongAdder alerts = new LongAdder();
  private final LongAdder deadLetters = new LongAdder();
  private final LongAdder refused = new LongAdder();
  private final LongAdder refusedSamples = new LongAdder();
  private final LongAdder[] trainingRuns = adders(TrainingResult.values().length);
  private final AtomicReference<PublishedModel> live = new AtomicReference<>();
  private final LiveModelInfo liveInfo = new LiveModelInfo();
  private final RecentAlerts recentAlerts = new RecentAlerts(20);
  private final ModelTimeline timeline = new ModelTimeline(200);
  private volatile int lastWindowSize = -1;
  private final LatentOccupancy occupancy = new LatentOccupancy();
  private final LongAdder regimeShifts = new LongAdder();
  private volatile double regimeStatistic;
  private volatile double regimeThreshold = Double.NaN;
  // Written by stream threads without coordination: with several threads an update may be lost,
  // which only drops one event from a running mean.
  private volatile double recentMean = Double.NaN;
  private volatile long recentCount;

  private Timer scoringLatency;
  private DistributionSummary surprisal;
  private DistributionSummary scoringSamples;
  private Timer trainingDuration;

  public DetectorMetrics(Clock clock) {
    this.clock = clock;
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    if (scoringLatency != null) {
      throw new IllegalStateException("DetectorMetrics is already bound to a registry");
    }
    eventCounter(registry, "scored", "none", scored);
    eventCounter(registry, "scored", "non_finite", nonFinite);
    eventCounter(registry, "unscored", "none", unscored);
    for (InvalidReason reason : InvalidReason.values()) {
      eventCounter(registry, "invalid", reason.tag(), invalid[reason.ordinal()]);
    }
    FunctionCounter.builder("surprisal.alerts", alerts, LongAdder::sum)
        .description("Alerts written: events whose log-likelihood fell below the threshold")
        .baseUnit("alerts").register(registry);
    FunctionCounter.builder("surprisal.dead.letter.records", deadLetters, LongAdder::sum)
        .description("Records written to the dead-letter topic")
        .baseUnit("records").register(registry);
    FunctionCounter.builder("surprisal.model.refused.records", refused, LongAdder::sum)
        .description("Model records refused: corrupt, wrong dimension, or not newer than live")
        .baseUnit("records").register(registry);
    FunctionCounter.builder("surprisal.samples.refused", refusedSamples, LongAdder::sum)
        .description("Records on the samples topic the trainer refused (not an encoded vector of"
            + " the configured dimension); nothing of them is stored")
        .baseUnit("records").register(registry);
    for (TrainingResult result : TrainingResult.values()) {
      FunctionCounter.builder("surprisal.training.runs", trainingRuns[result.ordinal()],
              LongAdder::sum)
          .description("Training rounds finished on this instance, by result")
          .baseUnit("runs").tag("result", result.name().toLowerCase())
          .register(registry);
    }
    modelGauges(registry);
    liveInfo.bindTo(registry);
    regimeMeters(registry);
    Gauge.builder("surprisal.training.window.size", this, m -> m.lastWindowSize)
        .description("Samples in the window the latest training round used (-1 before one)")
        .baseUnit("events").register(registry);
    Gauge.builder("surprisal.drift", this, DetectorMetrics::drift)
        .description("Running mean log-likelihood of recent scored events minus the live model's "
            + "holdout mean; well below 0 means traffic has moved away from the model")
        .baseUnit("nats").register(registry);
    trainingDuration = Timer.builder("surprisal.training.duration")
        .description("Wall time of a training round: split, fit, calibration and gate")
        .register(registry);
    surprisal = DistributionSummary.builder("surprisal.event.surprisal")
        .description("Surprisal -log p(x) of scored events (the negated log-likelihood)")
        .baseUnit("nats").serviceLevelObjectives(SURPRISAL_BUCKETS).register(registry);
    scoringSamples = DistributionSummary.builder("surprisal.scoring.samples")
        .description("Importance samples drawn to score one event, for models that sample"
            + " (binary-latent above its enumeration limit, VAE): fewer where the alert decision"
            + " is clear, up to the model's scoring-samples")
        .baseUnit("samples").serviceLevelObjectives(SAMPLES_BUCKETS).register(registry);
    scoringLatency = Timer.builder("surprisal.scoring.latency")
        .description("Time in the model's log-likelihood call for one event, measured on one "
            + "scored event in " + TIME_EVERY)
        .serviceLevelObjectives(LATENCY_BUCKETS).register(registry);
  }

  private void modelGauges(MeterRegistry registry) {
    Gauge.builder("surprisal.model.version", live, r -> r.get() == null ? 0 : r.get().version())
        .description("Version of the live model (0 before the first)").register(registry);
    Gauge.builder("surprisal.model.threshold", live,
            r -> r.get() == null ? Double.NaN : r.get().calibration().threshold())
        .description("Alert threshold of the live model: alert when log p(x) is below it")
        .baseUnit("nats").register(registry);
    Gauge.builder("surprisal.model.target.alert.rate", live,
            r -> r.get() == null ? Double.NaN : r.get().calibration().targetAlertRate())
        .description("Alert rate on normal traffic the live model's threshold was calibrated for")
        .baseUnit("ratio").register(registry);
    for (ThresholdMethod method : ThresholdMethod.values()) {
      Gauge.builder("surprisal.model.threshold.method", live,
              r -> r.get() != null && r.get().calibration().method() == method ? 1 : 0)
          .tag("method", method.label())
          .description("1 for how the live model's threshold was set (conformal: a holdout rank;"
              + " tail-fit: extrapolated below a holdout smaller than 1/q; holdout-minimum: neither"
              + " was possible, alerts at about 1/(holdout+1)), 0 for the others")
          .register(registry);
    }
    Gauge.builder("surprisal.model.alert.rate.low", live,
            r -> r.get() == null ? Double.NaN : r.get().calibration().alertRate().low())
        .description("Lower end of a 90% interval for the alert rate the live model's threshold"
            + " realizes on normal traffic (NaN when unknown)")
        .baseUnit("ratio").register(registry);
    Gauge.builder("surprisal.model.alert.rate.high", live,
            r -> r.get() == null ? Double.NaN : r.get().calibration().alertRate().high())
        .description("Upper end of a 90% interval for the alert rate the live model's threshold"
            + " realizes on normal traffic (NaN when unknown)")
        .baseUnit("ratio").register(registry);
    Gauge.builder("surprisal.model.holdout.log.likelihood", live,
            r -> r.get() == null ? Double.NaN : r.get().holdoutMeanLogLikelihood())
        .description("Mean log-likelihood of the live model on its holdout")
        .baseUnit("nats").register(registry);
    Gauge.builder("surprisal.model.age", this, DetectorMetrics::modelAgeSeconds)
        .description("Time since the live model's fit finished").baseUnit("seconds")
        .register(registry);
  }

  private void regimeMeters(MeterRegistry registry) {
    occupancy.bindTo(registry);
    FunctionCounter.builder("surprisal.regime.shifts", regimeShifts, LongAdder::sum)
        .description("Regime shifts detected by the trainer task on this instance")
        .baseUnit("shifts").register(registry);
    Gauge.builder("surprisal.regime.statistic", this, m -> m.regimeStatistic)
        .description("The regime-shift detector's CUSUM statistic (0 in control; a shift is"
            + " reported when it passes surprisal_regime_threshold); only on the trainer's instance")
        .register(registry);
    Gauge.builder("surprisal.regime.threshold", this, m -> m.regimeThreshold)
        .description("The CUSUM statistic's alarm threshold, set from"
            + " surprisal.regime.mean-run-length (NaN until the trainer task has seen a sample)")
        .register(registry);
  }

  private static void eventCounter(
      MeterRegistry registry, String outcome, String reason, LongAdder count) {
    FunctionCounter.builder("surprisal.events", count, LongAdder::sum)
        .description("Events read from the events topic, by outcome and, if invalid, reason class")
        .baseUnit("events").tag("outcome", outcome).tag("reason", reason).register(registry);
  }

  @Override
  public void eventScored(double logLikelihood, long scoringNanos) {
    if (scoringNanos != NOT_TIMED) scoringLatency.record(scoringNanos, TimeUnit.NANOSECONDS);
    if (!Double.isFinite(logLikelihood)) {
      // Counted apart: one NaN or infinity would stay in the histogram's sum and the drift mean.
      nonFinite.increment();
      return;
    }
    scored.increment();
    surprisal.record(-logLikelihood);
    long n = recentCount + 1;
    recentCount = n;
    double mean = recentMean;
    recentMean = Double.isNaN(mean) ? logLikelihood
        : mean + Math.max(DRIFT_WEIGHT, 1.0 / n) * (logLikelihood - mean);
  }

  @Override
  public void eventSamples(int samples) {
    scoringSamples.record(samples);
  }

  @Override
  public void eventLatent(String state) {
    occupancy.record(state);
  }

  @Override
  public void regimeShift(RegimeShift shift) {
    regimeShifts.increment();
  }

  @Override
  public void regimeStatistic(double statistic, double threshold) {
    regimeStatistic = statistic;
    regimeThreshold = threshold;
  }

  @Override
  public void sampleRefused(String reason) {
    refusedSamples.increment();
  }

  @Override
  public void eventUnscored() {
    unscored.increment();
  }

  @Override
  public void eventInvalid(String reason) {
    invalid[InvalidReason.classify(reason).ordinal()].increment();
    deadLetters.increment();
  }

  @Override
  public void alert(Alert alert) {
    alerts.increment();
    recentAlerts.add(alert);
  }

  @Override
  public void modelLive(PublishedModel model) {
    live.set(model);
    liveInfo.show(model);
    timeline.add(model, clock.millis());
    // Drift compares traffic with this model: start the running mean afresh; so do the latent
    // shares, whose state labels name this model's components.
    occupancy.clear();
    recentCount = 0;
    recentMean = Double.NaN;
  }

  @Override
  public void modelRefused(String reason) {
    refused.increment();
  }

  @Override
  public void trainingFinished(TrainingResult result, long durationMillis, int windowSize) {
    trainingRuns[result.ordinal()].increment();
    lastWindowSize = windowSize;
    if (trainingDuration != null) trainingDuration.record(durationMillis, TimeUnit.MILLISECONDS);
  }

  /** Running mean log-likelihood minus the live holdout mean; NaN without model or traffic. */
  double drift() {
    PublishedModel model = live.get();
    return model == null ? Double.NaN : recentMean - model.holdoutMeanLogLikelihood();
  }

  double modelAgeSeconds() {
    PublishedModel model = live.get();
    return model == null ? Double.NaN : (clock.millis() - model.trainedAt()) / 1000.0;
  }

  /** The live model as this instance last saw it, or null. */
  PublishedModel liveModel() {
    return live.get();
  }

  long scoredCount() {
    return scored.sum();
  }

  long unscoredCount() {
    return unscored.sum();
  }

  long invalidCount() {
    return deadLetters.sum();
  }

  long alertCount() {
    return alerts.sum();
  }

  RecentAlerts recentAlerts() {
    return recentAlerts;
  }

  ModelTimeline timeline() {
    return timeline;
  }

  /** The surprisal summary, for the status page's histogram; null before {@link #bindTo}. */
  DistributionSummary surprisalSummary() {
    return surprisal;
  }

  private static LongAdder[] adders(int n) {
    LongAdder[] adders = new LongAdder[n];
    for (int i = 0; i < n; i++) adders[i] = new LongAdder();
    return adders;
  }
}
