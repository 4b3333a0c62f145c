package io.surprisal.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import io.surprisal.event.BitVector;
import io.surprisal.event.MessageJson;
import io.surprisal.generate.SyntheticMixtures;
import io.surprisal.model.BernoulliMixture;
import io.surprisal.model.ModelCodec;
import io.surprisal.model.PublishedModel;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.zip.GZIPOutputStream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/**
 * train, score and evaluate end to end through picocli, on labelled CSV files generated from a
 * known 4-component mixture over 32 bits with uniform-random anomalies (every bit a fair coin).
 */
class OfflineCommandsTest {
  private static final BernoulliMixture TRUTH = SyntheticMixtures.separated(4, 32, 0.02, 0.1, 7);
  private static final String[] FAST_FIT = {"--components", "1,2,4,8", "--restarts", "2"};

  @TempDir static Path dir;
  private static Path trainFile;
  private static Path testFile;
  private static List<BitVector> testRows;
  private static List<Boolean> testLabels;

  private final StringWriter err = new StringWriter();
  private final StringWriter out = new StringWriter();

  @BeforeAll
  static void writeFiles() throws IOException {
    SplittableRandom random = new SplittableRandom(8);
    trainFile = dir.resolve("train.csv.gz");
    writeCsv(trainFile, 3000, 0.01, random, new ArrayList<>(), new ArrayList<>());
    testFile = dir.resolve("test.csv.gz");
    testRows = new ArrayList<>();
    testLabels = new ArrayList<>();
    writeCsv(testFile, 1000, 0.05, random, testRows, testLabels);
  }

  private static void writeCsv(Path file, int rows, double anomalyRate, SplittableRandom random,
      List<BitVector> vectors, List<Boolean> labels) throws IOException {
    try (Writer w = new java.io.OutputStreamWriter(
        new GZIPOutputStream(Files.newOutputStream(file)), StandardCharsets.UTF_8)) {
      StringBuilder header = new StringBuilder("anomaly");
      for (int d = 0; d < 32; d++) header.append(",f").append(d);
      w.write(header.append('\n').toString());
      for (int r = 0; r < rows; r++) {
        boolean anomaly = random.nextDouble() < anomalyRate;
        BitVector x = anomaly ? coinFlips(random) : TRUTH.sample(random);
        StringBuilder line = new StringBuilder(anomaly ? "1" : "0");
        for (int d = 0; d < 32; d++) line.append(x.get(d) ? ",1" : ",0");
        w.write(line.append('\n').toString());
        vectors.add(x);
        labels.add(anomaly);
      }
    }
  }

  private static BitVector coinFlips(SplittableRandom random) {
    int[] bits = new int[32];
    for (int d = 0; d < 32; d++) bits[d] = random.nextBoolean() ? 1 : 0;
    return BitVector.ofDense(bits);
  }

  private int execute(String... args) {
    CommandLine commandLine = SurprisalCommand.commandLine();
    commandLine.setErr(new PrintWriter(err, true));
    commandLine.setOut(new PrintWriter(out, true));
    return commandLine.execute(args);
  }

  /** The command line with a quick fit's settings appended. */
  private static String[] withFastFit(String... args) {
    String[] all = java.util.Arrays.copyOf(args, args.length + FAST_FIT.length);
    System.arraycopy(FAST_FIT, 0, all, args.length, FAST_FIT.length);
    return all;
  }

  @Test
  void shouldPrintOneJsonObjectWithEveryFigureAndDetectTheInjectedAnomalies() {
    int code = execute(withFastFit("evaluate", "--train", trainFile.toString(), "--test",
        testFile.toString(), "--label-column", "anomaly", "--alert-rate", "0.01", "--seed", "3"));

    assertThat(code).as(err.toString()).isZero();
    String[] lines = out.toString().strip().split("\n");
    assertThat(lines).hasSize(1);
    JsonNode report = MessageJson.read(lines[0].getBytes(StandardCharsets.UTF_8), JsonNode.class);
    List<String> fields = new ArrayList<>();
    report.fieldNames().forEachRemaining(fields::add);
    assertThat(fields).startsWith("model", "dimension", "trainRows", "testRows",
        "meanLogLikelihood", "rocAuc", "prAuc", "threshold", "alertRateNormal",
        "recallAtThreshold", "fitSeconds", "scoreMicrosPerEvent");
    assertThat(report.get("model").asText()).isEqualTo("mixture");
    assertThat(report.get("dimension").asInt()).isEqualTo(32);
    assertThat(report.get("trainRows").asInt()).isEqualTo(3000);
    assertThat(report.get("testRows").asInt()).isEqualTo(1000);
    long anomalies = testLabels.stream().filter(a -> a).count();
    assertThat(report.get("testAnomalies").asLong()).isEqualTo(anomalies);
    // Coin flips over 32 bits sit tens of nats below this sharp mixture's normal events.
    assertThat(report.get("rocAuc").asDouble()).isGreaterThan(0.99);
    assertThat(report.get("prAuc").asDouble()).isGreaterThan(0.95);
    // At the default ensemble score; measured 0.889. The independent-bits model sees nothing odd
    // in a coin flip, and Fisher's sum dilutes the mixture's evidence with its unremarkable
    // p-value: the cost of the combination where only one member is informative.
    assertThat(report.get("recallAtThreshold").asDouble()).isGreaterThan(0.85);
    assertThat(report.get("alertRateNormal").asDouble()).isLessThan(0.03);
    assertThat(report.get("meanLogLikelihood").asDouble())
        .isCloseTo(meanTruthLogLikelihoodOfNormalTestRows(), within(0.3));
    assertThat(report.get("fitSeconds").asDouble()).isPositive();
    assertThat(report.get("scoreMicrosPerEvent").asDouble()).isPositive();
  }

  private static double meanTruthLogLikelihoodOfNormalTestRows() {
    double sum = 0;
    int n = 0;
    for (int i = 0; i < testRows.size(); i++) {
      if (!testLabels.get(i)) {
        sum += TRUTH.logLikelihood(testRows.get(i));
        n++;
      }
    }
    return sum / n;
  }

  @Test
  void shouldReportTheRocAucThatPairCountingGivesOnTheScoresOfTheSameFit() throws Exception {
    Path model = dir.resolve("model.bin");
    Path scores = dir.resolve("scores.jsonl");
    assertThat(execute(withFastFit("train", "--input", trainFile.toString(), "--model-out",
        model.toString(), "--label-column", "anomaly", "--seed", "3"))).as(err.toString()).isZero();
    PublishedModel published = ModelCodec.decode(Files.readAllBytes(model));
    assertThat(published.model().dimension()).isEqualTo(32);

    assertThat(execute("score", "--model", model.toString(), "--input", testFile.toString(),
        "--output", scores.toString(), "--label-column", "anomaly")).as(err.toString()).isZero();
    List<String> lines = Files.readAllLines(scores);
    assertThat(lines).hasSize(1000);
    double[] detectionScores = new double[lines.size()];
    for (int i = 0; i < lines.size(); i++) {
      JsonNode score = MessageJson.read(lines.get(i).getBytes(StandardCharsets.UTF_8), JsonNode.class);
      assertThat(score.get("row").asInt()).isEqualTo(i + 1);
      assertThat(score.get("label").asInt()).isEqualTo(testLabels.get(i) ? 1 : 0);
      assertThat(score.get("topFeatures")).hasSize(5);
      assertThat(score.get("logLikelihood").asDouble())
          .isCloseTo(published.model().logLikelihood(testRows.get(i)), within(1e-9));
      detectionScores[i] = score.get("score").asDouble();
      assertThat(detectionScores[i])
          .isCloseTo(published.model().score(testRows.get(i)).score(), within(1e-9));
      assertThat(score.get("alert").asBoolean())
          .isEqualTo(published.calibration().isAlert(detectionScores[i]));
    }
    double wins = 0;
    long pairs = 0;
    for (int a = 0; a < detectionScores.length; a++) {
      for (int b = 0; b < detectionScores.length; b++) {
        if (!testLabels.get(a) || testLabels.get(b)) continue;
        pairs++;
        wins += detectionScores[a] < detectionScores[b] ? 1
            : detectionScores[a] == detectionScores[b] ? 0.5 : 0;
      }
    }

    out.getBuffer().setLength(0);
    assertThat(execute(withFastFit("evaluate", "--train", trainFile.toString(), "--test",
        testFile.toString(), "--label-column", "anomaly", "--seed", "3"))).isZero();
    JsonNode report = MessageJson.read(out.toString().getBytes(StandardCharsets.UTF_8), JsonNode.class);
    assertThat(report.get("rocAuc").asDouble()).isCloseTo(wins / pairs, within(1e-12));
    assertThat(report.get("threshold").asDouble()).isEqualTo(published.calibration().threshold());
  }

  @Test
  void shouldScoreJsonLinesEventsByTheirIdsWithTheModelsDimension() throws Exception {
    Path model = dir.resolve("model-for-jsonl.bin");
    assertThat(execute(withFastFit("train", "--input", trainFile.toString(), "--model-out",
        model.toString(), "--label-column", "anomaly"))).as(err.toString()).isZero();
    // Sparse events: the dimension comes from the model, not from the file.
    Path events = Files.writeString(dir.resolve("events.jsonl"),
        "{\"id\":\"e-1\",\"active\":[0,5,31]}\n{\"id\":\"e-2\",\"active\":[]}\n");
    Path scores = dir.resolve("events-scores.jsonl");
    assertThat(execute("score", "--model", model.toString(), "--input", events.toString(),
        "--output", scores.toString(), "--explain-features", "2")).as(err.toString()).isZero();
    PublishedModel published = ModelCodec.decode(Files.readAllBytes(model));
    List<String> lines = Files.readAllLines(scores);
    assertThat(lines).hasSize(2);
    JsonNode first = MessageJson.read(lines.get(0).getBytes(StandardCharsets.UTF_8), JsonNode.class);
    assertThat(first.get("id").asText()).isEqualTo("e-1");
    assertThat(first.has("row")).isFalse();
    assertThat(first.get("logLikelihood").asDouble())
        .isEqualTo(published.model().logLikelihood(BitVector.ofActive(32, 0, 5, 31)));
    assertThat(first.get("percentile").asDouble()).isEqualTo(published.calibration()
        .percentile(published.model().score(BitVector.ofActive(32, 0, 5, 31)).score()));
    assertThat(first.get("topFeatures")).hasSize(2);
  }

  @Test
  void shouldDefaultEveryTrainingSettingToTheDetectorsDefault() {
    EvaluateCommand command = new EvaluateCommand();
    new CommandLine(command).parseArgs("--train", "t.csv", "--test", "u.csv", "--label-column", "y");
    TrainingOptions t = command.training;
    java.util.Map<String, String> d = io.surprisal.stream.DetectorConfigParser.DEFAULTS;
    assertThat(t.alertRate).isEqualTo(Double.parseDouble(d.get("surprisal.alert.rate")));
    assertThat(t.holdoutFraction).isEqualTo(Double.parseDouble(d.get("surprisal.holdout.fraction")));
    assertThat(t.maxContamination)
        .isEqualTo(Double.parseDouble(d.get("surprisal.calibration.max-contamination")));
    assertThat(t.components.stream().map(String::valueOf).toList())
        .containsExactly(d.get("surprisal.mixture.components").split(","));
    assertThat(t.restarts).isEqualTo(Integer.parseInt(d.get("surprisal.mixture.restarts")));
    assertThat(t.maxIterations).isEqualTo(Integer.parseInt(d.get("surprisal.mixture.max-iterations")));
    assertThat(t.prior).isEqualTo(Double.parseDouble(d.get("surprisal.mixture.prior")));
    assertThat(t.trainingThreads).isEqualTo(Integer.parseInt(d.get("surprisal.training.threads")));
    assertThat(t.seed).isEqualTo(Long.parseLong(d.get("surprisal.seed")));
    assertThat(t.model).isEqualTo("mixture");
    assertThat(t.score).isEqualTo(d.get("surprisal.score"));
  }

  @Test
  void shouldSplitOneFileItselfWhenTestIsOmittedAndDrawThePlots() throws Exception {
    Path plots = dir.resolve("plots");
    int code = execute(withFastFit("evaluate", "--train", testFile.toString(),
        "--split-fraction", "0.7", "--label-column", "anomaly", "--format", "table",
        "--plots", plots.toString()));
    assertThat(code).as(err.toString()).isZero();
    assertThat(out.toString()).containsPattern("(?m)^trainRows +700$").containsPattern("(?m)^testRows +300$");
    assertThat(err.toString()).contains("Split with seed 42: 700 rows to train, 300 to test");
    BufferedImage roc = ImageIO.read(plots.resolve("roc.png").toFile());
    BufferedImage histogram = ImageIO.read(plots.resolve("log-likelihood.png").toFile());
    assertThat(new int[] {roc.getWidth(), roc.getHeight()}).containsExactly(600, 600);
    assertThat(new int[] {histogram.getWidth(), histogram.getHeight()}).containsExactly(800, 500);
  }

  @Test
  void shouldRefuseAnUnknownModelKindNamingTheKnownOnes() {
    int code = execute("evaluate", "--train", trainFile.toString(), "--test", testFile.toString(),
        "--label-column", "anomaly", "--model", "forest");
    assertThat(code).isEqualTo(2);
    assertThat(err.toString().strip()).isEqualTo(
        "surprisal: --model must be one of mixture, binary-latent, vae, got 'forest'");
  }

  @Test
  void shouldRefuseBothOrNeitherOfTestAndSplitFraction() {
    assertThat(execute("evaluate", "--train", trainFile.toString(), "--label-column", "anomaly"))
        .isEqualTo(2);
    assertThat(err.toString().strip()).isEqualTo(
        "surprisal: give exactly one of --test FILE and --split-fraction F, got neither");
  }

  @Test
  void shouldStopAtAMalformedRowNamingItsLine() throws Exception {
    Path bad = Files.writeString(dir.resolve("bad.csv"), "anomaly,f0,f1\n0,1,0\n0,1,0.5\n");
    int code = execute("train", "--input", bad.toString(), "--model-out",
        dir.resolve("never.bin").toString(), "--label-column", "anomaly");
    assertThat(code).isEqualTo(2);
    assertThat(err.toString()).contains("surprisal: bad.csv line 3: column f1: value '0.5' is not 0 or 1");
    assertThat(dir.resolve("never.bin")).doesNotExist();
  }

  @Test
  void shouldRunTheOneClassProtocolOnIdxImagesWithEachClassInTurnAsNormal() throws Exception {
    // Two "classes" of 32-pixel images: class 0 drawn from the test mixture, class 1 coin flips.
    Path images = dir.resolve("idx");
    Files.createDirectories(images);
    SplittableRandom random = new SplittableRandom(9);
    for (String set : new String[] {"train", "t10k"}) {
      int n = set.equals("train") ? 1200 : 400;
      int[][] pixels = new int[n][];
      int[] classes = new int[n];
      for (int i = 0; i < n; i++) {
        classes[i] = i % 4 == 0 ? 1 : 0;
        BitVector x = classes[i] == 1 ? coinFlips(random) : TRUTH.sample(random);
        pixels[i] = new int[32];
        for (int d = 0; d < 32; d++) pixels[i][d] = x.get(d) ? 200 : 30;
      }
      io.surprisal.dataset.IdxImagesTest.write(images.resolve(set + "-images-idx3-ubyte.gz"),
          images.resolve(set + "-labels-idx1-ubyte.gz"), 4, 8, pixels, classes);
    }
    int code = execute(withFastFit("one-class", "--images-dir", images.toString(), "--classes",
        "0,1", "--alert-rate", "0.01"));
    assertThat(code).as(err.toString()).isZero();
    JsonNode summary = MessageJson.read(out.toString().getBytes(StandardCharsets.UTF_8), JsonNode.class);
    assertThat(summary.get("dimension").asInt()).isEqualTo(32);
    JsonNode perClass = summary.get("classes");
    assertThat(perClass).hasSize(2);
    assertThat(perClass.get(0).get("class").asInt()).isZero();
    assertThat(perClass.get(0).get("trainRows").asInt()).isEqualTo(900);
    assertThat(perClass.get(0).get("testAnomalies").asInt()).isEqualTo(100);
    assertThat(perClass.get(1).get("trainRows").asInt()).isEqualTo(300);
    assertThat(perClass.get(1).get("testAnomalies").asInt()).isEqualTo(300);
    // Mixture events are easy to single out against coin flips; the reverse is not (a coin-flip
    // model gives every vector the same 32·log ½), so only class 0's figure is bounded here.
    assertThat(perClass.get(0).get("rocAuc").asDouble()).isGreaterThan(0.99);
    assertThat(summary.get("meanRocAuc").asDouble()).isEqualTo(
        (perClass.get(0).get("rocAuc").asDouble() + perClass.get(1).get("rocAuc").asDouble()) / 2);
  }

  @ParameterizedTest
  @ValueSource(strings = {"train", "score", "evaluate", "one-class"})
  void shouldPrintHelpForEveryOfflineCommand(String command) {
    assertThat(execute(command, "--help")).isZero();
    assertThat(out.toString()).contains("Usage: surprisal " + command);
  }
}
