package io.surprisal.stream;

import static org.assertj.core.api.Assertions.assertThat;

import io.surprisal.event.RegimeShift;
import io.surprisal.generate.SyntheticMixtures;
import io.surprisal.model.BernoulliMixture;
import io.surprisal.model.PublishedModel;
import io.surprisal.train.Calibrator;
import java.util.SplittableRandom;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;

/** The regime detector's state and a pending early refit outlive the trainer task's restart. */
class RegimeTrackingTest {
  private static final int DIMENSION = 24;

  @Test
  void shouldResumeDetectorAndPendingRefitFromItsStoreAfterRestart() {
    DetectorConfig config = DetectorConfigParser.parse(DetectorConfigParser.properties(
        "bootstrap.servers=unused:9092",
        "surprisal.feature.dimension=" + DIMENSION,
        "surprisal.sample.rate=1.0",
        "surprisal.window.size=1000",
        "surprisal.min.training.size=100",
        // A 50-sample refit has a holdout of 20, which calibrates only a large q.
        "surprisal.alert.rate=0.05",
        "surprisal.holdout.fraction=0.4",
        "surprisal.regime.refit-samples=50"));
    BernoulliMixture regime = SyntheticMixtures.separated(3, DIMENSION, 1);
    BernoulliMixture unseen = SyntheticMixtures.separated(3, DIMENSION, 2);
    PublishedModel live = calibrated(regime);
    KeyValueStore<String, byte[]> store = store();
    SplittableRandom random = new SplittableRandom(3);

    RegimeTracking first = new RegimeTracking(store, config);
    for (int t = 0; t < 300; t++) first.observe(live, regime.sample(random), t);
    RegimeShift shift = null;
    for (int t = 300; shift == null && t < 400; t++) shift = first.observe(live, unseen.sample(random), t);
    assertThat(shift).isNotNull();
    for (int t = 0; t < 10; t++) first.observe(live, unseen.sample(random), 500 + t);
    int pending = first.postChangeSamples();
    assertThat(pending).isEqualTo(shift.samplesSinceChange() + 10);

    // The task restarts (or moves) and rebuilds from the same store.
    RegimeTracking restarted = new RegimeTracking(store, config);
    assertThat(restarted.postChangeSamples()).isEqualTo(pending);
    assertThat(restarted.isRefitDue()).isEqualTo(first.isRefitDue());
    // Still disarmed after its shift: no second message for the same change.
    for (int t = 0; t < 100; t++) {
      assertThat(restarted.observe(live, unseen.sample(random), 600 + t)).isNull();
    }
    assertThat(restarted.isRefitDue()).isTrue();
    restarted.refitFinished(true);
    RegimeTracking afterRefit = new RegimeTracking(store, config);
    assertThat(afterRefit.isRefitDue()).isFalse();
    // Published: the old model's detector stays quiet; the new model's starts armed.
    assertThat(afterRefit.observe(live, unseen.sample(random), 700)).isNull();
    assertThat(afterRefit.statistic()).isZero();
    afterRefit.observe(live.withVersion(2), unseen.sample(random), 701);
    assertThat(afterRefit.statistic()).isPositive();
  }

  private static PublishedModel calibrated(BernoulliMixture model) {
    SplittableRandom random = new SplittableRandom(9);
    double[] holdout = new double[3000];
    for (int i = 0; i < holdout.length; i++) holdout[i] = model.logLikelihood(model.sample(random));
    return new PublishedModel(1, 0, holdout.length, -10,
        new Calibrator(0.01, Calibrator.DEFAULT_MAX_CONTAMINATION).calibrate(holdout), model);
  }

  private static KeyValueStore<String, byte[]> store() {
    MockProcessorContext<String, byte[]> context = new MockProcessorContext<>();
    KeyValueStore<String, byte[]> store = Stores.keyValueStoreBuilder(
            Stores.inMemoryKeyValueStore("regime"), Serdes.String(), Serdes.ByteArray())
        .withLoggingDisabled()
        .build();
    store.init(context.getStateStoreContext(), store);
    return store;
  }
}
