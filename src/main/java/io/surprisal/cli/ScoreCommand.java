package io.surprisal.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.surprisal.dataset.Dataset;
import io.surprisal.dataset.LabelledRow;
import io.surprisal.event.FeatureContribution;
import io.surprisal.event.MessageJson;
import io.surprisal.model.Calibration;
import io.surprisal.model.DensityModel;
import io.surprisal.model.ModelCodec;
import io.surprisal.model.ModelFormatException;
import io.surprisal.model.PublishedModel;
import io.surprisal.model.Scored;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Scores a file with a saved model: one JSON object per input row, in input order, with the row's
 * id (JSONL) or 1-based row number (CSV), log p(x), percentile, alert and the top features.
 */
@Command(name = "score", mixinStandardHelpOptions = true,
    description = "Score every row of a CSV or JSONL file with a saved model; write JSON lines.")
final class ScoreCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--model", required = true, paramLabel = "FILE",
      description = "A model file written by train.")
  Path modelFile;

  @Option(names = "--input", required = true, paramLabel = "FILE",
      description = "Rows to score: CSV with a header, or JSONL events; .gz read transparently.")
  Path input;

  @Option(names = "--output", required = true, paramLabel = "FILE",
      description = "Where to write the scores, one JSON object per line.")
  Path output;

  @Option(names = "--label-column", paramLabel = "NAME",
      description = "A label column (CSV) or field (JSONL) to leave out of the features; "
          + "copied to each score as \"label\".")
  String labelColumn;

  @Option(names = "--explain-features", defaultValue = "5",
      description = "Top features per score (default: ${DEFAULT-VALUE}).")
  int explainFeatures;

  @Override
  public Integer call() throws IOException {
    if (explainFeatures < 0) {
      throw new IllegalArgumentException("--explain-features must be >= 0, got " + explainFeatures);
    }
    PrintWriter err = spec.commandLine().getErr();
    PublishedModel published = readModel();
    DensityModel model = published.model();
    Dataset rows = Inputs.read("--input", input, labelColumn, model.dimension(), err);
    if (rows.dimension() != model.dimension()) {
      throw new IllegalArgumentException("--input " + input + " has " + rows.dimension()
          + " features, the model expects " + model.dimension());
    }
    Calibration calibration = published.calibration();
    long alerts = 0;
    try (BufferedWriter out = Files.newBufferedWriter(output, StandardCharsets.UTF_8)) {
      for (int i = 0; i < rows.size(); i++) {
        LabelledRow row = rows.rows().get(i);
        Scored scored = model.score(row.features());
        boolean alert = calibration.isAlert(scored.score());
        if (alert) alerts++;
        ObjectNode score = JsonNodeFactory.instance.objectNode();
        if (row.id() != null) score.put("id", row.id());
        else score.put("row", i + 1);
        score.put("logLikelihood", scored.logLikelihood());
        score.put("score", scored.score());
        score.put("percentile", calibration.percentile(scored.score()));
        score.put("alert", alert);
        ArrayNode top = score.putArray("topFeatures");
        for (FeatureContribution c : model.explain(row.features(), explainFeatures)) {
          top.addObject().put("index", c.index()).put("value", c.value()).put("logProb", c.logProb());
        }
        if (row.anomalous() != null) score.put("label", row.anomalous() ? 1 : 0);
        out.write(new String(MessageJson.write(score), StandardCharsets.UTF_8));
        out.newLine();
      }
    }
    err.printf("Scored %,d rows with model v%d: %,d alerts; wrote %s%n", rows.size(),
        published.version(), alerts, output);
    return 0;
  }

  private PublishedModel readModel() throws IOException {
    if (!Files.isRegularFile(modelFile)) {
      throw new IllegalArgumentException("--model " + modelFile + " is not a readable file");
    }
    try {
      return ModelCodec.decode(Files.readAllBytes(modelFile));
    } catch (ModelFormatException e) {
      throw new IllegalArgumentException("--model " + modelFile + ": " + e.getMessage());
    }
  }
}
