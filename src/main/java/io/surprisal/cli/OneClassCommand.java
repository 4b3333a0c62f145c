package io.surprisal.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.surprisal.dataset.Dataset;
import io.surprisal.dataset.IdxImages;
import io.surprisal.dataset.LabelledRow;
import io.surprisal.evaluation.Backtest;
import io.surprisal.event.MessageJson;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The one-class protocol on an image set in IDX files (Fashion-MNIST, MNIST): for each class c, fit
 * on the training images of class c and test on every test image, anomaly meaning another class.
 * Prints one JSON object: the evaluate report of each class and the mean ROC-AUC.
 */
@Command(name = "one-class", mixinStandardHelpOptions = true,
    description = "Per-class one-class backtest on IDX image files (Fashion-MNIST): train on class "
        + "c, test on all test images with anomaly = another class; print one JSON object.")
final class OneClassCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin TrainingOptions training;

  @Option(names = "--images-dir", defaultValue = "/usr/share/datasets/fashion-mnist",
      description = "Directory with train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz, "
          + "t10k-images-idx3-ubyte.gz and t10k-labels-idx1-ubyte.gz (default: ${DEFAULT-VALUE}, "
          + "from Debian's dataset-fashion-mnist).")
  Path directory;

  @Option(names = "--classes", split = ",", defaultValue = "0,1,2,3,4,5,6,7,8,9",
      description = "The classes to take in turn as normal (default: ${DEFAULT-VALUE}).")
  List<Integer> classes;

  @Option(names = "--pixel-cut", defaultValue = "128",
      description = "Pixels at or above this value are 1 (default: ${DEFAULT-VALUE}).")
  int pixelCut;

  @Override
  public Integer call() throws IOException {
    PrintWriter err = spec.commandLine().getErr();
    training.trainer(); // an unknown --model fails before the images are read
    IdxImages.Labelled train = IdxImages.read(directory.resolve("train-images-idx3-ubyte.gz"),
        directory.resolve("train-labels-idx1-ubyte.gz"), pixelCut);
    IdxImages.Labelled test = IdxImages.read(directory.resolve("t10k-images-idx3-ubyte.gz"),
        directory.resolve("t10k-labels-idx1-ubyte.gz"), pixelCut);
    err.printf("Read %,d training and %,d test images of %d pixels from %s%n",
        train.images().size(), test.images().size(), train.dimension(), directory);

    ArrayNode perClass = JsonNodeFactory.instance.arrayNode();
    double aucSum = 0;
    double logLikelihoodAucSum = 0;
    for (int c : classes) {
      err.printf("Class %d: fitting on its training images%n", c);
      Dataset normal = ofClass(train, c);
      if (normal.size() == 0) {
        throw new IllegalArgumentException("--classes names class " + c + ", which has no images");
      }
      Backtest.Result result =
          Backtest.run(training.model, training.pipeline(), normal, labelledAgainst(test, c));
      ObjectNode report = JsonNodeFactory.instance.objectNode().put("class", c);
      report.setAll((ObjectNode) MessageJson.read(MessageJson.write(result.report()), JsonNode.class));
      perClass.add(report);
      aucSum += result.report().rocAuc();
      logLikelihoodAucSum += result.report().logLikelihoodRocAuc();
      err.printf(Locale.ROOT, "Class %d: ROC-AUC %.4f%n", c, result.report().rocAuc());
    }
    ObjectNode summary = JsonNodeFactory.instance.objectNode();
    summary.put("model", training.model);
    summary.put("dimension", train.dimension());
    summary.put("pixelCut", pixelCut);
    summary.put("score", training.score);
    summary.put("meanRocAuc", aucSum / classes.size());
    summary.put("meanLogLikelihoodRocAuc", logLikelihoodAucSum / classes.size());
    summary.set("classes", perClass);
    PrintWriter out = spec.commandLine().getOut();
    out.println(new String(MessageJson.write(summary), StandardCharsets.UTF_8));
    out.flush();
    return 0;
  }

  private static Dataset ofClass(IdxImages.Labelled images, int c) {
    List<LabelledRow> rows = new ArrayList<>();
    for (int i = 0; i < images.classes().length; i++) {
      if (images.classes()[i] == c) rows.add(new LabelledRow(null, images.images().get(i), null));
    }
    return new Dataset("class " + c + " training images", images.dimension(), rows);
  }

  private static Dataset labelledAgainst(IdxImages.Labelled images, int c) {
    List<LabelledRow> rows = new ArrayList<>(images.classes().length);
    for (int i = 0; i < images.classes().length; i++) {
      rows.add(new LabelledRow(null, images.images().get(i), images.classes()[i] != c));
    }
    return new Dataset("test images", images.dimension(), rows);
  }
}
