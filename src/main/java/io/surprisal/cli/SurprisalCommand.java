package io.surprisal.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point: {@code java -jar target/surprisal.jar COMMAND}. */
@Command(
    name = "surprisal",
    mixinStandardHelpOptions = true,
    version = "surprisal 0.1.0",
    description = "Streaming anomaly detection for binary event vectors on Kafka Streams.",
    subcommands = {
      DemoCommand.class,
      RunCommand.class,
      GenerateCommand.class,
      TrainCommand.class,
      ScoreCommand.class,
      EvaluateCommand.class,
      OneClassCommand.class,
      FashionLikelihoodCommand.class,
      BenchThroughputCommand.class,
      BenchEmCommand.class,
      CommandLine.HelpCommand.class
    })
public final class SurprisalCommand implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    // JavaCPP otherwise reads /proc on every allocation to enforce a physical-memory cap, which
    // made a single ND4J op several times slower (NOTES-dependencies.md). Must precede any ND4J use.
    System.setProperty("org.bytedeco.javacpp.maxPhysicalBytes", "0");
    System.exit(commandLine().execute(args));
  }

  /** The configured command line, shared by main and the tests. */
  static CommandLine commandLine() {
    CommandLine commandLine = new CommandLine(new SurprisalCommand());
    commandLine.registerConverter(java.time.Duration.class, io.surprisal.stream.Durations::parse);
    commandLine.setExecutionExceptionHandler((e, cmd, parsed) -> {
      // A bad setting is the user's to fix: print its message, not a stack trace.
      if (e instanceof io.surprisal.stream.InvalidConfigException
          || e instanceof IllegalArgumentException) {
        cmd.getErr().println("surprisal: " + e.getMessage());
        return 2;
      }
      // So is an installation without the demo's broker (the image ships lib/ only): say where
      // its libraries belong, without a stack trace.
      if (e instanceof io.surprisal.kafka.BrokerLibrariesMissingException) {
        cmd.getErr().println("surprisal: " + e.getMessage());
        return 1;
      }
      // So is a cluster that refuses the credentials or the trust store (KafkaFailures).
      var kafkaFailure = KafkaFailures.describe(e);
      if (kafkaFailure.isPresent()) {
        cmd.getErr().println("surprisal: " + kafkaFailure.get());
        return 2;
      }
      throw e;
    });
    return commandLine;
  }

  @Override
  public void run() {
    spec.commandLine().usage(System.err);
  }
}
