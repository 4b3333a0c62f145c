package io.surprisal.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.surprisal.dataset.Dataset;
import io.surprisal.evaluation.Backtest;
import io.surprisal.evaluation.EvaluationPlots;
import io.surprisal.evaluation.EvaluationReport;
import io.surprisal.event.MessageJson;
import io.surprisal.train.TrainingPipeline;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Backtests a detector on labelled files: fits on TRAIN with the stream's training round, scores
 * TEST, and prints the detection figures (one JSON object on stdout, or a table). Without
 * {@code --test}, {@code --split-fraction f} splits the one file itself: a seeded shuffle, the
 * first f of the rows to train, the rest to test. {@code --plots DIR} also draws the ROC curve and
 * the log-likelihood histograms.
 */
@Command(name = "evaluate", mixinStandardHelpOptions = true,
    description = "Fit on labelled training rows, score labelled test rows, print ROC-AUC, PR-AUC, "
        + "alert rate and recall at the calibrated threshold, and timings.")
final class EvaluateCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin TrainingOptions training;

  @Option(names = "--train", required = true, paramLabel = "TRAIN",
      description = "Training rows (labels ignored): CSV with a header, or JSONL; .gz read "
          + "transparently.")
  Path trainFile;

  @Option(names = "--test", paramLabel = "TEST",
      description = "Test rows, label 1 = anomaly, 0 = normal.")
  Path testFile;

  @Option(names = "--split-fraction", paramLabel = "F",
      description = "Without --test: train on a seeded random share F of TRAIN, test on the rest.")
  Double splitFraction;

  @Option(names = "--label-column", required = true, paramLabel = "NAME",
      description = "The label column (CSV) or field (JSONL), in both files.")
  String labelColumn;

  @Option(names = "--dimension", paramLabel = "L",
      description = "Bits per JSONL event when the first event is sparse (active indices).")
  Integer dimension;

  @Option(names = "--format", paramLabel = "json|table", defaultValue = "json",
      description = "json (one object on stdout) or table (default: ${DEFAULT-VALUE}).")
  String format;

  @Option(names = "--plots", paramLabel = "DIR",
      description = "Also draw roc.png and log-likelihood.png (normal vs anomalous, threshold "
          + "marked) into DIR.")
  Path plotsDirectory;

  @Override
  public Integer call() throws IOException {
    if (!format.equals("json") && !format.equals("table")) {
      throw new IllegalArgumentException("--format must be json or table, got '" + format + "'");
    }
    if ((testFile == null) == (splitFraction == null)) {
      throw new IllegalArgumentException(
          "give exactly one of --test FILE and --split-fraction F, got "
              + (testFile == null ? "neither" : "both"));
    }
    PrintWriter err = spec.commandLine().getErr();
    TrainingPipeline pipeline = training.pipeline();
    Dataset train = Inputs.read("--train", trainFile, labelColumn, dimension, err);
    Dataset test;
    if (testFile != null) {
      test = Inputs.read("--test", testFile, labelColumn, train.dimension(), err);
    } else {
      Dataset.Split split = train.split(splitFraction, training.seed);
      train = split.train();
      test = split.test();
      err.printf("Split with seed %d: %,d rows to train, %,d to test%n", training.seed,
          train.size(), test.size());
    }
    if (plotsDirectory != null && (test.anomalies() == 0 || test.anomalies() == test.size())) {
      // Checked before the fit, which can take minutes: a ROC curve needs both classes.
      throw new IllegalArgumentException("--plots needs anomalous and normal test rows, got "
          + test.anomalies() + " anomalous of " + test.size());
    }
    Backtest.Result result = Backtest.run(training.model, pipeline, train, test);
    if (plotsDirectory != null) {
      for (Path plot : EvaluationPlots.write(result, plotsDirectory)) err.printf("Wrote %s%n", plot);
    }
    print(result.report(), spec.commandLine().getOut());
    return 0;
  }

  private void print(EvaluationReport report, PrintWriter out) {
    byte[] json = MessageJson.write(report);
    if (format.equals("json")) {
      out.println(new String(json, StandardCharsets.UTF_8));
    } else {
      JsonNode fields = MessageJson.read(json, JsonNode.class);
      for (Iterator<Map.Entry<String, JsonNode>> it = fields.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> field = it.next();
        out.printf("%-22s %s%n", field.getKey(), field.getValue().asText());
      }
    }
    out.flush();
  }
}
