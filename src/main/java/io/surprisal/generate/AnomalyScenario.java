package io.surprisal.generate;

import io.surprisal.generate.EventGenerator.GeneratedEvent;
import java.util.List;

/**
 * A scenario of normal traffic with injected anomalies, scored by recall and false-alert rate:
 * the default one (a known Bernoulli mixture, coin-flip anomalies) and the fraud one (card
 * transactions, fraud patterns).
 */
public final class AnomalyScenario implements DemoScenario {
  /** The default demo's detector settings, unchanged since the walking skeleton. */
  public static final List<String> SETTINGS = List.of(
      "surprisal.sample.rate=0.25",
      "surprisal.window.size=20000",
      "surprisal.min.training.size=5000",
      "surprisal.holdout.fraction=0.3");

  private final int dimension;
  private final EventSource events;
  private final DetectionTally tally;

  public AnomalyScenario(int dimension, EventSource events, DetectionTally tally) {
    this.dimension = dimension;
    this.events = events;
    this.tally = tally;
  }

  @Override
  public int dimension() {
    return dimension;
  }

  @Override
  public List<String> detectorSettings() {
    return SETTINGS;
  }

  @Override
  public EventSource events() {
    return events;
  }

  @Override
  public void onSent(GeneratedEvent event) {
    if (event.anomaly()) tally.recordAnomaly(event.id());
  }

  @Override
  public String status(DetectionTally.Summary s) {
    return String.format("recall %.3f, false-alert rate %.5f", s.recall(), s.falseAlertRate());
  }

  @Override
  public DetectionTally.Summary summary() {
    return tally.summary();
  }
}
