package io.surprisal.generate;

import io.surprisal.event.RegimeShift;
import io.surprisal.generate.EventGenerator.GeneratedEvent;
import io.surprisal.stream.DetectorConfig;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Properties;

/**
 * `demo --scenario market`: instruments' up/down bits from hidden regimes that switch at random
 * times. Reads the regime-shifts topic, prints every true switch and every detection as they
 * happen, and matches them in the summary ({@link SwitchDetections}).
 */
public final class MarketScenario implements DemoScenario {
  /**
   * The trainer task sees an event only after the scoring path sampled it to the samples topic; a
   * detection of the last events commits a little after their scores.
   */
  private static final Duration LAST_DETECTIONS_GRACE = Duration.ofSeconds(2);

  private final MarketGenerator.Settings settings;
  private final MarketGenerator generator;
  private final DetectionTally tally;
  private final PrintStream log;
  private final List<Long> detections = Collections.synchronizedList(new ArrayList<>());
  private JsonTopicReader<RegimeShift> reader;
  private Thread readerThread;

  /**
   * @param expectedEvents about how many events the run will send: the synthetic clock starts that
   *     many ms before now, so event times stay in the past (brokers refuse records more than an
   *     hour ahead of their clock) and inside any retention
   */
  public MarketScenario(MarketGenerator.Settings settings, long seed, long expectedEvents,
      DetectionTally tally, PrintStream log) {
    this.settings = settings;
    this.tally = tally;
    this.log = log;
    long clockStart = (System.currentTimeMillis() - expectedEvents) / 1000 * 1000;
    this.generator = new MarketGenerator(settings, seed, clockStart, "mkt-", this::printSwitch);
    log.printf("Market: %d instruments, first regime %s, mean dwell %,.0f events, "
            + "event i has timestamp %d + i%n", settings.instruments(),
        generator.currentRegime().name(), settings.meanDwellEvents(), clockStart);
  }

  @Override
  public int dimension() {
    return settings.instruments();
  }

  /**
   * Every event sampled (the change detector sees each one, and delays count in events); a
   * training window of a quarter of the mean dwell, so a refit after a switch learns the new
   * regime from its own events; the early refit after a detected shift waits for as many
   * post-change samples as the first fit needed, 40% of them held out so that the shortest dwell's
   * holdout (200 events) can still calibrate q. The shift detector's false-alarm run length and
   * shift size stay at their defaults: a regime switch moves log-likelihoods by many standard
   * deviations, far more than the default shift it is tuned for.
   */
  @Override
  public List<String> detectorSettings() {
    long window = (long) settings.meanDwellEvents() / 4;
    return List.of(
        "surprisal.sample.rate=1.0",
        "surprisal.window.size=" + window,
        "surprisal.min.training.size=" + window / 2,
        "surprisal.holdout.fraction=0.4",
        "surprisal.regime.enabled=true",
        "surprisal.regime.refit-samples=" + window / 2);
  }

  @Override
  public EventSource events() {
    return generator;
  }

  @Override
  public void onSent(GeneratedEvent event) {
    // No per-event truth: the switch log is the truth, kept by the generator.
  }

  @Override
  public void start(Properties client, DetectorConfig config) {
    reader = new JsonTopicReader<>(
        client, config.topics().regimeShifts(), RegimeShift.class, this::recordDetection);
    readerThread = new Thread(reader, "demo-regime-shifts-reader");
    readerThread.start();
  }

  @Override
  public String status(DetectionTally.Summary s) {
    return String.format("alert rate %.5f, regime switches %d, detections %d",
        s.events() == 0 ? 0 : (double) s.alerts() / s.events(), generator.switches().size(),
        detections.size());
  }

  @Override
  public MarketSummary summary() throws InterruptedException {
    Thread.sleep(LAST_DETECTIONS_GRACE.toMillis());
    close();
    // Every switch of the run counts, also one before the first model: the shift detector runs
    // on the trainer's samples, which can reach a model before the scores path shows one live,
    // so "before the first scored event" would drop switches the detector did see.
    Long firstScored = tally.firstScoredTimestamp();
    return MarketSummary.of(tally.summary(),
        firstScored == null ? null : generator.indexAt(firstScored),
        SwitchDetections.match(generator.switches(), List.copyOf(detections), 0));
  }

  @Override
  public void close() {
    if (reader == null) return;
    reader.close();
    try {
      readerThread.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    reader = null;
  }

  private void printSwitch(RegimeSwitch s) {
    log.printf("[switch] event %,d: %s -> %s%s%n", s.index(), s.from(), s.to(),
        s.novel() ? " (never seen before)" : "");
  }

  private void recordDetection(RegimeShift shift) {
    long at = generator.indexAt(shift.detectedAt());
    detections.add(at);
    RegimeSwitch last = null;
    for (RegimeSwitch s : generator.switches()) if (s.index() <= at) last = s;
    log.printf("[detected] event %,d: regime shift under model v%d, change point at event %,d, "
            + "magnitude %.2f; %s%n", at, shift.modelVersion(),
        generator.indexAt(shift.changePointAt()), shift.magnitude(),
        last == null ? "no switch before it"
            : String.format("%,d events after the switch %s -> %s", at - last.index(),
                last.from(), last.to()));
  }
}
