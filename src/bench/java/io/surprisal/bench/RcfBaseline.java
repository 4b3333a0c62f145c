package io.surprisal.bench;

import com.amazon.randomcutforest.RandomCutForest;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.surprisal.event.BitVector;
import io.surprisal.event.MessageJson;
import io.surprisal.evaluation.DetectionMetrics;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * AWS Random Cut Forest on the same data and splits as {@code evaluate} and {@code one-class}, for
 * side-by-side figures. Built only with {@code -Pbenchmarks} (RCF is a benchmark-only dependency).
 *
 * <p>The forest is fed every training row ({@code update}), then frozen and asked for each test
 * row's anomaly score: the ROC-AUC of the same protocol as our model's. A second pass over the test
 * rows scores then updates each one, as RCF runs on a stream, and times it: the score+update rate on
 * one core (parallel execution off).
 */
@Command(name = "rcf-baseline", mixinStandardHelpOptions = true,
    description = "Random Cut Forest on a labelled file (seeded split) or on Fashion-MNIST one-class.")
public final class RcfBaseline implements Callable<Integer> {
  @Mixin
  BenchData data;

  @Option(names = "--trees", defaultValue = "50")
  int trees;

  @Option(names = "--sample-size", defaultValue = "256")
  int sampleSize;

  public static void main(String[] args) {
    System.exit(new CommandLine(new RcfBaseline()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    ObjectNode result;
    if (data.oneClass()) {
      result = oneClass();
    } else {
      BenchData.Task task = data.split();
      result = run(task.train(), task.test(), task.anomalous());
      result.put("data", data.dataName());
    }
    System.out.println(new String(MessageJson.write(result), StandardCharsets.UTF_8));
    return 0;
  }

  private ObjectNode oneClass() throws Exception {
    ArrayNode perClass = JsonNodeFactory.instance.arrayNode();
    double sum = 0;
    List<BenchData.ClassTask> tasks = data.classTasks();
    for (BenchData.ClassTask classTask : tasks) {
      BenchData.Task task = classTask.task();
      ObjectNode report =
          run(task.train(), task.test(), task.anomalous()).put("class", classTask.label());
      System.err.printf(Locale.ROOT, "class %d: ROC-AUC %.4f%n", classTask.label(),
          report.get("rocAuc").asDouble());
      sum += report.get("rocAuc").asDouble();
      perClass.add(report);
    }
    ObjectNode summary = JsonNodeFactory.instance.objectNode();
    summary.put("model", "rcf").put("meanRocAuc", sum / tasks.size());
    summary.set("classes", perClass);
    return summary;
  }

  private ObjectNode run(List<BitVector> train, List<BitVector> test, boolean[] anomalous) {
    int dimension = train.get(0).dimension();
    RandomCutForest forest = RandomCutForest.builder().dimensions(dimension).numberOfTrees(trees)
        .sampleSize(sampleSize).randomSeed(data.seed).parallelExecutionEnabled(false).build();
    long started = System.nanoTime();
    for (BitVector x : train) forest.update(dense(x));
    double fitSeconds = (System.nanoTime() - started) / 1e9;

    double[] frozen = new double[test.size()];
    started = System.nanoTime();
    for (int i = 0; i < frozen.length; i++) frozen[i] = forest.getAnomalyScore(dense(test.get(i)));
    double scoreMicros = (System.nanoTime() - started) / 1e3 / frozen.length;

    double[] streaming = new double[test.size()];
    started = System.nanoTime();
    for (int i = 0; i < streaming.length; i++) {
      float[] point = dense(test.get(i));
      streaming[i] = forest.getAnomalyScore(point);
      forest.update(point);
    }
    double scoreUpdateSeconds = (System.nanoTime() - started) / 1e9;

    ObjectNode report = JsonNodeFactory.instance.objectNode();
    report.put("model", "rcf");
    report.put("dimension", dimension);
    report.put("trainRows", train.size());
    report.put("testRows", test.size());
    report.put("rocAuc", DetectionMetrics.rocAuc(frozen, anomalous));
    report.put("prAuc", DetectionMetrics.averagePrecision(frozen, anomalous));
    report.put("rocAucScoreThenUpdate", DetectionMetrics.rocAuc(streaming, anomalous));
    report.put("fitSeconds", fitSeconds);
    report.put("scoreMicrosPerEvent", scoreMicros);
    report.put("scoreUpdateEventsPerSecond", test.size() / scoreUpdateSeconds);
    report.put("trees", trees);
    report.put("sampleSize", sampleSize);
    return report;
  }

  private static float[] dense(BitVector x) {
    float[] point = new float[x.dimension()];
    for (int i = 0; i < x.activeCount(); i++) point[x.activeIndex(i)] = 1f;
    return point;
  }
}
