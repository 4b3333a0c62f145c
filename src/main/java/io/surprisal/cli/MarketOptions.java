package io.surprisal.cli;

import io.surprisal.generate.MarketGenerator;
import picocli.CommandLine.Option;

/** The market scenario's settings (`demo --scenario market`). */
final class MarketOptions {
  /** Below this the training window (a quarter of the dwell) is too short to calibrate on. */
  static final long MIN_MEAN_DWELL = 4000;

  @Option(names = "--instruments", defaultValue = "32",
      description = "Market scenario: instruments, one up/down bit each per event "
          + "(default: ${DEFAULT-VALUE}).")
  int instruments;

  @Option(names = "--mean-dwell", defaultValue = "30000",
      description = "Market scenario: mean events between regime switches (geometric); the "
          + "detector's training window is a quarter of it (default: ${DEFAULT-VALUE}).")
  long meanDwell;

  @Option(names = "--novel-probability", defaultValue = "0.25",
      description = "Market scenario: chance that a switch goes to a regime never seen before "
          + "(default: ${DEFAULT-VALUE}).")
  double novelProbability;

  MarketGenerator.Settings settings() {
    if (meanDwell < MIN_MEAN_DWELL) {
      throw new IllegalArgumentException(
          "--mean-dwell must be >= " + MIN_MEAN_DWELL + " events, got " + meanDwell);
    }
    return new MarketGenerator.Settings(instruments, meanDwell, novelProbability);
  }
}
