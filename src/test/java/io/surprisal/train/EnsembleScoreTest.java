package io.surprisal.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.surprisal.dataset.IdxImages;
import io.surprisal.event.BitVector;
import io.surprisal.evaluation.DetectionMetrics;
import io.surprisal.generate.SyntheticMixtures;
import io.surprisal.model.BernoulliMixture;
import io.surprisal.model.EnsembleModel;
import io.surprisal.model.PublishedModel;
import io.surprisal.model.Scored;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * surprisal.score=ensemble through the training round the stream runs: what it publishes, how its
 * threshold holds on normal traffic, and the masking it exists to resist.
 */
class EnsembleScoreTest {
  private static final int L = 40;
  private static final double Q = 0.01;

  /** Sparse traffic: each of 6 kinds of event sets its own block of 5 bits; bits 30-39 stay rare. */
  private static BitVector normal(SplittableRandom random) {
    int block = random.nextInt(6);
    int[] bits = new int[L];
    for (int d = 0; d < L; d++) {
      boolean inBlock = d / 5 == block;
      bits[d] = random.nextDouble() < (inBlock ? 0.9 : 0.03) ? 1 : 0;
    }
    return BitVector.ofDense(bits);
  }

  /** One recurring anomaly: the rare bits 30-39 on. Recurring, a mixture learns it. */
  private static BitVector anomaly(SplittableRandom random) {
    int[] bits = new int[L];
    for (int d = 0; d < L; d++) {
      bits[d] = random.nextDouble() < (d >= 30 ? 0.9 : 0.03) ? 1 : 0;
    }
    return BitVector.ofDense(bits);
  }

  private static TrainingPipeline pipeline(DetectionScore score) {
    return new TrainingPipeline(new BernoulliMixtureTrainer(BernoulliMixtureTrainer.Settings
        .defaults()), new Calibrator(Q, Calibrator.DEFAULT_MAX_CONTAMINATION),
        new AcceptanceGate(0), 0.3, 42, Clock.systemUTC(), score);
  }

  @Test
  void shouldPublishAnEnsembleWhoseThresholdHoldsTheAlertRateOnNormalTraffic() {
    SplittableRandom random = new SplittableRandom(1);
    List<BitVector> window = new ArrayList<>();
    for (int i = 0; i < 5_000; i++) window.add(normal(random));

    PublishedModel published = pipeline(DetectionScore.ENSEMBLE).run(window, null, 1).published();

    assertThat(published.model()).isInstanceOf(EnsembleModel.class);
    EnsembleModel ensemble = (EnsembleModel) published.model();
    assertThat(ensemble.companions()).extracting(c -> c.model().kind())
        .containsExactly("mixture", "dependency-tree");
    int alerts = 0;
    int fresh = 20_000;
    for (int i = 0; i < fresh; i++) {
      Scored scored = ensemble.score(normal(random));
      if (published.calibration().isAlert(scored.score())) alerts++;
    }
    // Conformal on 1,500 holdout scores: at most q in expectation; 200 ± 14 would be exactly q.
    assertThat(alerts).isBetween(120, 250);
  }

  @Test
  void shouldAlertAtAboutQOnNormalTrafficWithHoldoutPValuesTakenAgainstTheOtherHoldoutEvents() {
    // q = 0.001 on holdouts of 2,000: the threshold is the 2nd smallest combined score, where a
    // holdout event's own p-values decide most. That they are taken against the other events is
    // EnsembleModelTest's; this is the whole round's rate. Each window's rate varies by about
    // 0.7 q (the 2nd smallest of 2,000 is that uncertain a quantile) and 0.3 q more from its
    // 10,000 events, so the mean of 32 windows has a standard deviation of about 0.14 q: the
    // bounds are 2.6 of those. Measured over 48 windows: 1.13 q fitted on every row, 1.16 q
    // with the default trim (0.05), 1.15 q with 0.1.
    BernoulliMixture truth = SyntheticMixtures.separated(6, 40, 0.05, 0.3, 9);
    double q = 0.001;
    long alerts = 0;
    long events = 0;
    for (int w = 0; w < 32; w++) {
      SplittableRandom random = new SplittableRandom(100 + w);
      List<BitVector> window = new ArrayList<>();
      for (int i = 0; i < 10_000; i++) window.add(truth.sample(random));
      PublishedModel published = new TrainingPipeline(
          new BernoulliMixtureTrainer(BernoulliMixtureTrainer.Settings.defaults()),
          new Calibrator(q, Calibrator.DEFAULT_MAX_CONTAMINATION), new AcceptanceGate(0), 0.2, 42,
          Clock.systemUTC(), DetectionScore.ENSEMBLE).run(window, null, 1).published();
      for (int i = 0; i < 10_000; i++, events++) {
        if (published.calibration().isAlert(published.model().score(truth.sample(random)).score())) {
          alerts++;
        }
      }
    }
    assertThat(alerts / (double) events / q).isBetween(0.65, 1.35);
  }

  @Test
  void shouldLeaveEventsWhoseLogLikelihoodTheFenceCallsContaminationOutOfTheThreshold() {
    // The demo's traffic: 0.5% coin-flip events in the window, q = 0.001, a holdout of 1,500.
    // Left in, the holdout's coin flips set the threshold (their combined scores are only a few
    // units below the normal ones), and on the first window 0.107 of new coin flips alerted.
    BernoulliMixture truth = SyntheticMixtures.separated(8, 64, 0.02, 0.1, 1);
    double q = 0.001;
    for (int seed = 0; seed < 3; seed++) {
      SplittableRandom random = new SplittableRandom(seed);
      List<BitVector> window = new ArrayList<>();
      for (int i = 0; i < 5_000; i++) window.add(demoEvent(truth, random, new boolean[1]));
      PublishedModel published = new TrainingPipeline(
          new BernoulliMixtureTrainer(BernoulliMixtureTrainer.Settings.defaults()),
          new Calibrator(q, Calibrator.DEFAULT_MAX_CONTAMINATION), new AcceptanceGate(0), 0.3, 42,
          Clock.systemUTC(), DetectionScore.ENSEMBLE).run(window, null, 1).published();
      int anomalies = 0;
      int detected = 0;
      int normal = 0;
      int falseAlerts = 0;
      for (int i = 0; i < 40_000; i++) {
        boolean[] anomaly = new boolean[1];
        BitVector x = demoEvent(truth, random, anomaly);
        boolean alert = published.calibration().isAlert(published.model().score(x).score());
        if (anomaly[0]) {
          anomalies++;
          if (alert) detected++;
        } else {
          normal++;
          if (alert) falseAlerts++;
        }
      }
      // Measured: recall 0.961, 1.000, 1.000; false-alert rates 0, 0.0002, 0.00035.
      assertThat(detected / (double) anomalies).as("recall, window %d", seed).isGreaterThan(0.9);
      assertThat(falseAlerts / (double) normal).as("false alerts, window %d", seed)
          .isLessThan(2 * q);
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 2})
  void shouldKeepCleanFashionImagesInTheThresholdsCalibration(int fashionClass)
      throws IOException {
    // Clean training images of one class: the fence must leave nothing out that the threshold
    // needs. Judged on the corrected statistic instead of log p(x), it took the lowest 1% of the
    // holdout and the class-0 test images alerted at 2.3% for q = 0.01 (1.1% judged on log p(x)).
    // Class 2 has a far-out tail of its own (2% of its holdout below the fence on log p(x)): when
    // the combined scores were fenced a second time, another 2% went and it alerted at 3.3%
    // (1.1% now).
    Path images = Path.of("/usr/share/datasets/fashion-mnist");
    assumeTrue(Files.exists(images.resolve("train-images-idx3-ubyte.gz")),
        "Fashion-MNIST is not installed at " + images + " (apt-get install dataset-fashion-mnist)");
    List<BitVector> train = classImages(images, "train", fashionClass);
    List<BitVector> test = classImages(images, "t10k", fashionClass);
    PublishedModel published = new TrainingPipeline(
        new BernoulliMixtureTrainer(BernoulliMixtureTrainer.Settings.defaults().withSeed(42)),
        new Calibrator(Q, Calibrator.DEFAULT_MAX_CONTAMINATION), new AcceptanceGate(0), 0.2, 42,
        Clock.systemUTC(), DetectionScore.ENSEMBLE).run(train, null, 1).published();
    int alerts = 0;
    for (BitVector x : test) {
      if (published.calibration().isAlert(published.model().score(x).score())) alerts++;
    }
    // The binomial 99% interval of q = 0.01 on 1,000 images.
    assertThat(alerts / (double) test.size()).isBetween(0.003, 0.019);
  }

  private static List<BitVector> classImages(Path directory, String part, int wanted)
      throws IOException {
    IdxImages.Labelled all = IdxImages.read(directory.resolve(part + "-images-idx3-ubyte.gz"),
        directory.resolve(part + "-labels-idx1-ubyte.gz"), 128);
    List<BitVector> rows = new ArrayList<>();
    for (int i = 0; i < all.images().size(); i++) {
      if (all.classes()[i] == wanted) rows.add(all.images().get(i));
    }
    return rows;
  }

  /** A normal event of the truth, or at 0.5% a vector of coin flips (then anomaly[0] is set). */
  private static BitVector demoEvent(BernoulliMixture truth, SplittableRandom random,
      boolean[] anomaly) {
    if (random.nextDouble() >= 0.005) return truth.sample(random);
    anomaly[0] = true;
    return noise(random, truth.dimension(), 0.5);
  }

  @Test
  void shouldRankARecurringAnomalyThatTheMixtureLearnedAboveNormalTraffic() {
    SplittableRandom random = new SplittableRandom(2);
    List<BitVector> window = new ArrayList<>();
    for (int i = 0; i < 3_000; i++) {
      window.add(random.nextDouble() < 0.03 ? anomaly(random) : normal(random));
    }
    PublishedModel likelihood = pipeline(DetectionScore.LIKELIHOOD).run(window, null, 1).published();
    PublishedModel ensemble = pipeline(DetectionScore.ENSEMBLE).run(window, null, 1).published();

    List<BitVector> test = new ArrayList<>();
    boolean[] anomalous = new boolean[2_000];
    for (int i = 0; i < anomalous.length; i++) {
      anomalous[i] = random.nextDouble() < 0.03;
      test.add(anomalous[i] ? anomaly(random) : normal(random));
    }
    double likelihoodAuc = auc(likelihood, test, anomalous);
    double ensembleAuc = auc(ensemble, test, anomalous);

    // The mixture gives the anomaly its own component: its log-likelihood no longer singles it out.
    assertThat(((BernoulliMixture) likelihood.model()).components()).isGreaterThan(6);
    // Measured: 0.738 by likelihood, 0.962 by the ensemble.
    assertThat(likelihoodAuc).isLessThan(0.8);
    assertThat(ensembleAuc).isGreaterThan(0.95);
  }

  @Test
  void shouldRankAnomaliesSimplerThanNormalTrafficFirstWhereLogLikelihoodRanksThemLast() {
    // Normal: every bit on with probability 0.2, no structure. Anomalous: none or one bit on.
    // Under any fit of the normal traffic the nearly empty vector is the most probable one there
    // is (64·log 0.8 = −14.3 nats against about −32 for a normal event): raw likelihood calls it
    // the most normal event. Corrected for how simple it is (a few nats of generic code against
    // about 32), it is the least.
    SplittableRandom random = new SplittableRandom(3);
    int bits = 64;
    List<BitVector> window = new ArrayList<>();
    for (int i = 0; i < 3_000; i++) window.add(noise(random, bits, 0.2));
    PublishedModel likelihood = pipeline(DetectionScore.LIKELIHOOD).run(window, null, 1).published();
    PublishedModel ensemble = pipeline(DetectionScore.ENSEMBLE).run(window, null, 1).published();

    List<BitVector> test = new ArrayList<>();
    boolean[] anomalous = new boolean[2_000];
    int alerted = 0;
    int anomalies = 0;
    for (int i = 0; i < anomalous.length; i++) {
      anomalous[i] = i % 50 == 0;
      BitVector x = anomalous[i] ? noise(random, bits, 0.01) : noise(random, bits, 0.2);
      test.add(x);
      if (anomalous[i]) {
        anomalies++;
        if (ensemble.calibration().isAlert(ensemble.model().score(x).score())) alerted++;
      }
    }

    // Measured: 0.000 by likelihood, 0.988 by the ensemble.
    assertThat(auc(likelihood, test, anomalous)).isLessThan(0.05);
    assertThat(auc(ensemble, test, anomalous)).isGreaterThan(0.98);
    // Ranked first, yet none alerts at q = 0.01 (0 of 40): on structureless traffic the two
    // companions rank alike, so sums of three log p-values whose two parts move together put the
    // calibrated threshold at about 2·log q, below what the corrected model's p-value alone
    // reaches (docs/models.md, the ensemble's known weakness; a harmonic mean of the p-values
    // alerted on all 40, but its threshold sits on the steps of the members' lowest ranks).
    assertThat(alerted).isLessThan(anomalies);
  }

  private static BitVector noise(SplittableRandom random, int bits, double density) {
    int[] dense = new int[bits];
    for (int d = 0; d < bits; d++) dense[d] = random.nextDouble() < density ? 1 : 0;
    return BitVector.ofDense(dense);
  }

  private static double auc(PublishedModel published, List<BitVector> rows, boolean[] anomalous) {
    double[] surprise = new double[rows.size()];
    for (int i = 0; i < surprise.length; i++) {
      surprise[i] = -published.model().score(rows.get(i)).score();
    }
    return DetectionMetrics.rocAuc(surprise, anomalous);
  }
}
