package io.surprisal.cli;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.surprisal.dataset.Dataset;
import io.surprisal.event.MessageJson;
import io.surprisal.model.ModelCodec;
import io.surprisal.model.EnsembleModel;
import io.surprisal.model.PublishedModel;
import io.surprisal.model.RateInterval;
import io.surprisal.train.TrainingPipeline;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Fits a model on a file with the stream's training round (fit, calibration, gate) and writes it
 * in the models topic's binary form; prints the model's info as one JSON line.
 */
@Command(name = "train", mixinStandardHelpOptions = true,
    description = "Fit a model on a CSV or JSONL file and write it to a model file.")
final class TrainCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin TrainingOptions training;

  @Option(names = "--input", required = true, paramLabel = "FILE",
      description = "Training rows: CSV with a header, or JSONL events; .gz read transparently.")
  Path input;

  @Option(names = "--model-out", required = true, paramLabel = "FILE",
      description = "Where to write the fitted model.")
  Path modelOut;

  @Option(names = "--label-column", paramLabel = "NAME",
      description = "A label column (CSV) or field (JSONL) to leave out of the features.")
  String labelColumn;

  @Option(names = "--dimension", paramLabel = "L",
      description = "Bits per JSONL event when the first event is sparse (active indices).")
  Integer dimension;

  @Override
  public Integer call() throws IOException {
    PrintWriter err = spec.commandLine().getErr();
    TrainingPipeline pipeline = training.pipeline();
    Dataset rows = Inputs.read("--input", input, labelColumn, dimension, err);
    TrainingPipeline.TrainingOutcome outcome = pipeline.run(rows.vectors(), null, 1);
    if (!outcome.accepted()) {
      throw new IllegalArgumentException(
          "the acceptance gate refused the fitted model: " + outcome.decision().reason());
    }
    PublishedModel published = outcome.published();
    Files.write(modelOut, ModelCodec.encode(published));
    err.printf("Wrote %s to %s%n", published.model(), modelOut);
    spec.commandLine().getOut().println(
        new String(MessageJson.write(info(published)), StandardCharsets.UTF_8));
    return 0;
  }

  private static ObjectNode info(PublishedModel published) {
    ObjectNode info = JsonNodeFactory.instance.objectNode();
    info.put("version", published.version());
    info.put("kind", published.model().kind());
    info.put("score", published.model() instanceof EnsembleModel ? "ensemble" : "likelihood");
    info.put("dimension", published.model().dimension());
    info.put("trainedAt", published.trainedAt());
    info.put("windowSize", published.windowSize());
    info.put("holdoutMeanLogLikelihood", published.holdoutMeanLogLikelihood());
    info.put("threshold", published.calibration().threshold());
    info.put("targetAlertRate", published.calibration().targetAlertRate());
    info.put("thresholdMethod", published.calibration().method().label());
    RateInterval rate = published.calibration().alertRate();
    if (rate.known()) {
      info.putObject("alertRateInterval").put("low", rate.low()).put("high", rate.high());
    } else {
      info.putNull("alertRateInterval");
    }
    info.put("model", published.model().toString());
    return info;
  }
}
