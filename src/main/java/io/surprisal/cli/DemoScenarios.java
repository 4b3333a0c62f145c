package io.surprisal.cli;

import io.surprisal.generate.AnomalyScenario;
import io.surprisal.generate.DemoScenario;
import io.surprisal.generate.DetectionTally;
import io.surprisal.generate.FraudFeatures;
import io.surprisal.generate.FraudGenerator;
import io.surprisal.generate.MarketScenario;
import java.time.Duration;
import picocli.CommandLine.ParseResult;

/** Builds the scenario `demo --scenario NAME` runs, from the demo's options. */
final class DemoScenarios {
  private static final String[] MARKET_OPTIONS = {"--instruments", "--mean-dwell",
      "--novel-probability"};

  /**
   * The fraud scenario's fraud rate unless --anomaly-rate says otherwise: about card fraud's real
   * share, and well below the default alert rate of 0.001. Fraud recurs in patterns, so at 0.005
   * the training window holds enough of it for the mixture to learn each pattern as a component
   * and for the holdout's 0.1% tail to be fraud: the threshold then sits among the fraud.
   */
  static final double FRAUD_RATE = 0.0005;

  private DemoScenarios() {}

  /**
   * @param given what the user typed: an option of one scenario given to another is an error, not
   *     silently ignored
   */
  static DemoScenario create(String name, GenerateCommand.GeneratorOptions generator,
      MarketOptions market, Duration duration, ParseResult given, DetectionTally tally) {
    if (!(generator.rate > 0)) {
      throw new IllegalArgumentException("--rate must be > 0, got " + generator.rate);
    }
    switch (name) {
      case "default" -> {
        requireNotGiven(given, name, MARKET_OPTIONS);
        return new AnomalyScenario(generator.dimension, generator.create("demo-"), tally);
      }
      case "fraud" -> {
        requireNotGiven(given, name, "--dimension", "--components");
        requireNotGiven(given, name, MARKET_OPTIONS);
        double rate =
            given.hasMatchedOption("--anomaly-rate") ? generator.anomalyRate : FRAUD_RATE;
        // Seeded like the default scenario's traffic: the generator's seed + 1.
        return new AnomalyScenario(FraudFeatures.dimension(),
            new FraudGenerator(rate, generator.seed + 1, "tx-"), tally);
      }
      case "market" -> {
        requireNotGiven(given, name, "--dimension", "--components", "--anomaly-rate");
        long expectedEvents = (long) Math.ceil(generator.rate * duration.toMillis() / 1000.0);
        return new MarketScenario(
            market.settings(), generator.seed, expectedEvents, tally, System.err);
      }
      default -> throw new IllegalArgumentException(
          "--scenario must be one of default, market, fraud, got '" + name + "'");
    }
  }

  private static void requireNotGiven(ParseResult given, String scenario, String... options) {
    for (String option : options) {
      if (given.hasMatchedOption(option)) {
        throw new IllegalArgumentException(option + " does not apply to --scenario " + scenario);
      }
    }
  }
}
