package io.surprisal.bench;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.surprisal.event.BitVector;
import io.surprisal.event.MessageJson;
import io.surprisal.evaluation.DetectionMetrics;
import io.surprisal.model.Calibration;
import io.surprisal.model.DensityModel;
import io.surprisal.model.EnsembleModel;
import io.surprisal.model.GenericCodeLength;
import io.surprisal.model.ReferenceDistribution;
import io.surprisal.train.AcceptanceGate;
import io.surprisal.train.BernoulliMixtureTrainer;
import io.surprisal.train.Calibrator;
import io.surprisal.train.DetectionScore;
import io.surprisal.train.TrainingPipeline;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.ToDoubleFunction;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The detection scores of issue 13 side by side, from one fit: the stream's training round with
 * the default ensemble, on the mixture at its defaults, then every test row scored each way. What
 * each approach is and what it needs is in docs/models.md; this prints the ROC-AUC of each:
 *
 * <ul>
 *   <li>{@code likelihood}: log p(x);
 *   <li>{@code ratio}: log p(x) − log p_bits(x), a likelihood ratio against the independent-bits
 *       background (Ren et al., NeurIPS 2019);
 *   <li>{@code complexityCorrected}: log p(x) plus x's generic code length (Serrà et al., ICLR
 *       2020);
 *   <li>{@code independentBits}: the K = 1 model alone (capacity for small training sets);
 *   <li>{@code tree}: the dependency tree alone;
 *   <li>{@code modelAndBits}: Fisher's combination of log p(x) and independent bits (the default
 *       before the tree and the correction);
 *   <li>{@code modelBitsTree}: the same with the tree;
 *   <li>{@code ensemble}: the default, the complexity-corrected model with both companions;
 *   <li>{@code harmonicMean}: the same members' p-values combined by their harmonic mean.
 * </ul>
 *
 * Fisher combinations use the same fenced holdout references as the stream. Beside the ROC-AUCs:
 * the default's realized alert rate on the normal test rows at q = 0.01 and 0.001, each threshold
 * calibrated on the holdout as the stream calibrates it, and what a score costs each way. Built
 * only with {@code -Pbenchmarks}.
 */
@Command(name = "score-approaches", mixinStandardHelpOptions = true,
    description = "ROC-AUC of every detection-score approach from one mixture fit.")
public final class ScoreApproaches implements Callable<Integer> {
  private static final double HOLDOUT_FRACTION = 0.2;
  /** The target rates whose realized rate the default's calibration is checked at. */
  private static final double[] RATES = {0.01, 0.001};
  private static final int TIMED_PASSES = 5;

  @Mixin
  BenchData data;

  @Option(names = "--alert-rate", defaultValue = "0.01")
  double alertRate;

  @Option(names = "--trim", defaultValue = "-1",
      description = "Share of the least likely rows EM leaves out (default: the trainer's).")
  double trim;

  public static void main(String[] args) {
    System.exit(new CommandLine(new ScoreApproaches()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    ObjectNode result = JsonNodeFactory.instance.objectNode();
    if (data.oneClass()) {
      ArrayNode perClass = result.putArray("classes");
      Map<String, Double> sums = new LinkedHashMap<>();
      List<BenchData.ClassTask> tasks = data.classTasks();
      for (BenchData.ClassTask classTask : tasks) {
        Map<String, Double> aucs = approaches(classTask.task());
        System.err.printf(Locale.ROOT, "class %d: %s%n", classTask.label(), aucs);
        ObjectNode row = perClass.addObject().put("class", classTask.label());
        aucs.forEach((name, auc) -> {
          row.put(name, auc);
          sums.merge(name, auc, Double::sum);
        });
      }
      ObjectNode mean = result.putObject("mean");
      sums.forEach((name, sum) -> mean.put(name, sum / tasks.size()));
    } else {
      ObjectNode mean = result.putObject("mean");
      approaches(data.split()).forEach(mean::put);
      result.put("data", data.dataName());
    }
    System.out.println(new String(MessageJson.write(result), StandardCharsets.UTF_8));
    return 0;
  }

  private Map<String, Double> approaches(BenchData.Task task) {
    List<BitVector> window = task.train();
    List<BitVector> test = task.test();
    boolean[] anomalous = task.anomalous();
    Calibrator calibrator = new Calibrator(alertRate, Calibrator.DEFAULT_MAX_CONTAMINATION);
    TrainingPipeline pipeline = new TrainingPipeline(
        new BernoulliMixtureTrainer(mixtureSettings()),
        calibrator, new AcceptanceGate(0), HOLDOUT_FRACTION, data.seed, Clock.systemUTC(),
        DetectionScore.ENSEMBLE);
    EnsembleModel ensemble = (EnsembleModel) pipeline.run(window, null, 1).published().model();
    DensityModel model = ensemble.model();
    DensityModel bits = ensemble.companions().get(0).model();
    EnsembleModel.Member tree = ensemble.companions().size() > 1
        ? ensemble.companions().get(1) : null;
    // The pipeline's holdout is the window's newest fraction: the raw log p(x) reference the
    // uncorrected combinations need, fenced like every other.
    int holdoutSize = (int) Math.round(window.size() * HOLDOUT_FRACTION);
    List<BitVector> holdout = window.subList(window.size() - holdoutSize, window.size());
    ReferenceDistribution raw = calibrator.reference(values(holdout, model::logLikelihood));
    // The companions' raw log p(x) references: the ensemble's own are of their corrected values
    // where its code has a lag.
    ReferenceDistribution bitsReference =
        calibrator.reference(values(holdout, bits::logLikelihood));
    ReferenceDistribution treeReference =
        tree == null ? null : calibrator.reference(values(holdout, tree.model()::logLikelihood));

    Map<String, ToDoubleFunction<BitVector>> scores = new LinkedHashMap<>();
    scores.put("likelihood", model::logLikelihood);
    scores.put("ratio", x -> model.logLikelihood(x) - bits.logLikelihood(x));
    scores.put("complexityCorrected", x -> ensemble.modelStatistic(x, model.logLikelihood(x)));
    scores.put("independentBits", bits::logLikelihood);
    if (tree != null) scores.put("tree", tree.model()::logLikelihood);
    scores.put("modelAndBits", x -> raw.logPValue(model.logLikelihood(x))
        + bitsReference.logPValue(bits.logLikelihood(x)));
    if (tree != null) {
      scores.put("modelBitsTree", x -> raw.logPValue(model.logLikelihood(x))
          + bitsReference.logPValue(bits.logLikelihood(x))
          + treeReference.logPValue(tree.model().logLikelihood(x)));
    }
    scores.put("ensemble", x -> ensemble.score(x).score());
    scores.put("harmonicMean", x -> harmonicMean(ensemble, x));
    // The default before its code had a lag: the model corrected by the order-1 code alone, the
    // companions raw. Equal to the default where the fitted code has no lag.
    GenericCodeLength orderOne = new GenericCodeLength(model.dimension());
    ToDoubleFunction<BitVector> orderOneStatistic =
        x -> model.logLikelihood(x) + orderOne.nats(x);
    ReferenceDistribution orderOneReference =
        calibrator.reference(values(holdout, orderOneStatistic));
    scores.put("complexityCorrectedOrderOne", orderOneStatistic);
    scores.put("ensembleOrderOne", x -> {
      double sum = orderOneReference.logPValue(orderOneStatistic.applyAsDouble(x))
          + bitsReference.logPValue(bits.logLikelihood(x));
      return tree == null ? sum : sum + treeReference.logPValue(tree.model().logLikelihood(x));
    });

    BernoulliMixtureTrainer.Settings settings = mixtureSettings();
    if (settings.trim() > 0) {
      // The same round with EM fitted on every row: what the trimmed likelihood brings.
      EnsembleModel untrimmed = (EnsembleModel) new TrainingPipeline(
          new BernoulliMixtureTrainer(settings.withTrim(0)), calibrator, new AcceptanceGate(0),
          HOLDOUT_FRACTION, data.seed, Clock.systemUTC(), DetectionScore.ENSEMBLE)
          .run(window, null, 1).published().model();
      scores.put("likelihoodUntrimmed", untrimmed::logLikelihood);
      scores.put("ensembleUntrimmed", x -> untrimmed.score(x).score());
    }

    Map<String, Double> aucs = new LinkedHashMap<>();
    realizedAlertRates(ensemble, holdout, test, anomalous).forEach(aucs::put);
    aucs.put("codeLag", (double) ensemble.codeLength().lag());
    scoringMicros(ensemble, test).forEach(aucs::put);
    scores.forEach((name, score) -> {
      // Lower is more surprising for every score: negated, higher ranks as anomalous.
      double[] negated = values(test, score);
      for (int i = 0; i < negated.length; i++) negated[i] = -negated[i];
      aucs.put(name, DetectionMetrics.rocAuc(negated, anomalous));
    });
    return aucs;
  }

  private BernoulliMixtureTrainer.Settings mixtureSettings() {
    BernoulliMixtureTrainer.Settings settings =
        BernoulliMixtureTrainer.Settings.defaults().withSeed(data.seed);
    return trim < 0 ? settings : settings.withTrim(trim);
  }

  /**
   * The default's realized alert rate on the normal test rows at each of {@link #RATES}, its
   * threshold calibrated as the stream does on the holdout's leave-one-out ensemble scores, and
   * the number of normal rows it is a share of.
   */
  private static Map<String, Double> realizedAlertRates(EnsembleModel ensemble,
      List<BitVector> holdout, List<BitVector> test, boolean[] anomalous) {
    double[][] members = new double[ensemble.members()][];
    members[0] = values(holdout, x -> ensemble.modelStatistic(x, ensemble.logLikelihood(x)));
    for (int c = 1; c < members.length; c++) {
      DensityModel companion = ensemble.companions().get(c - 1).model();
      members[c] = values(holdout, x -> EnsembleModel.companionStatistic(
          ensemble.codeLength(), x, companion.logLikelihood(x)));
    }
    // As the pipeline does: the events whose log p(x) the fence leaves out are left out, and the
    // combined scores of the rest are not fenced again.
    double[] logLikelihoods = values(holdout, ensemble::logLikelihood);
    double fence = new Calibrator(RATES[0], Calibrator.DEFAULT_MAX_CONTAMINATION)
        .cleared(logLikelihoods)[0];
    double[] holdoutScores = new double[holdout.size()];
    int kept = 0;
    double[] event = new double[members.length];
    for (int i = 0; i < holdout.size(); i++) {
      if (logLikelihoods[i] < fence) continue;
      for (int m = 0; m < event.length; m++) event[m] = members[m][i];
      holdoutScores[kept++] = ensemble.holdoutDetectionScore(event);
    }
    holdoutScores = Arrays.copyOf(holdoutScores, kept);
    double[] testScores = values(test, x -> ensemble.score(x).score());
    Map<String, Double> rates = new LinkedHashMap<>();
    long normal = 0;
    for (boolean a : anomalous) if (!a) normal++;
    rates.put("normalTestRows", (double) normal);
    for (double q : RATES) {
      Calibration calibration =
          new Calibrator(q, Calibrator.DEFAULT_MAX_CONTAMINATION).calibrateCleared(holdoutScores);
      long alerts = 0;
      for (int i = 0; i < testScores.length; i++) {
        if (!anomalous[i] && calibration.isAlert(testScores[i])) alerts++;
      }
      rates.put("alertRate@" + q, (double) alerts / normal);
    }
    return rates;
  }

  /**
   * µs per event of the model's own score (log p(x) and its latent readout, all that
   * surprisal.score=likelihood computes) and of the ensemble's, in alternating passes over the
   * test rows after a warm-up pass of each; medians of {@link #TIMED_PASSES}.
   */
  private static Map<String, Double> scoringMicros(EnsembleModel ensemble, List<BitVector> rows) {
    DensityModel model = ensemble.model();
    double sink = 0;
    for (BitVector x : rows) sink += model.score(x).logLikelihood() + ensemble.score(x).score();
    double[] modelMicros = new double[TIMED_PASSES];
    double[] ensembleMicros = new double[TIMED_PASSES];
    for (int pass = 0; pass < TIMED_PASSES; pass++) {
      long started = System.nanoTime();
      for (BitVector x : rows) sink += model.score(x).logLikelihood();
      modelMicros[pass] = (System.nanoTime() - started) / 1e3 / rows.size();
      started = System.nanoTime();
      for (BitVector x : rows) sink += ensemble.score(x).score();
      ensembleMicros[pass] = (System.nanoTime() - started) / 1e3 / rows.size();
    }
    // Read the sums so the JIT cannot drop the work being timed.
    if (Double.isNaN(sink)) System.err.println("sink " + sink);
    java.util.Arrays.sort(modelMicros);
    java.util.Arrays.sort(ensembleMicros);
    Map<String, Double> micros = new LinkedHashMap<>();
    micros.put("likelihoodMicrosPerEvent", modelMicros[TIMED_PASSES / 2]);
    micros.put("ensembleMicrosPerEvent", ensembleMicros[TIMED_PASSES / 2]);
    return micros;
  }

  /**
   * log of the harmonic mean of the default's member p-values, m / Σ 1/p_i (Wilson, PNAS 2019):
   * the combination that one small p-value is enough for, whatever the dependence between
   * members, measured here beside Fisher's.
   */
  private static double harmonicMean(EnsembleModel ensemble, BitVector x) {
    List<Double> logPValues = new ArrayList<>();
    double logLikelihood = ensemble.logLikelihood(x);
    logPValues.add(
        ensemble.modelReference().logPValue(ensemble.modelStatistic(x, logLikelihood)));
    for (EnsembleModel.Member companion : ensemble.companions()) {
      logPValues.add(companion.reference().logPValue(EnsembleModel.companionStatistic(
          ensemble.codeLength(), x, companion.model().logLikelihood(x))));
    }
    double largest = Double.NEGATIVE_INFINITY;
    for (double logP : logPValues) largest = Math.max(largest, -logP);
    double sum = 0;
    for (double logP : logPValues) sum += Math.exp(-logP - largest);
    return Math.log(logPValues.size()) - largest - Math.log(sum);
  }

  private static double[] values(List<BitVector> rows, ToDoubleFunction<BitVector> score) {
    double[] values = new double[rows.size()];
    for (int i = 0; i < values.length; i++) values[i] = score.applyAsDouble(rows.get(i));
    return values;
  }
}
