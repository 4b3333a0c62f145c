package io.surprisal.stream;

import io.surprisal.event.BitVector;
import io.surprisal.event.RegimeShift;
import io.surprisal.model.PublishedModel;
import io.surprisal.regime.CusumState;
import io.surprisal.regime.RegimeMonitor;
import java.nio.ByteBuffer;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The trainer task's regime-shift bookkeeping: the {@link RegimeMonitor} over sampled events, and
 * the early refit a shift asks for (on the samples since the estimated change point, once there
 * are surprisal.regime.refit-samples of them). Both live in a changelogged store, written with
 * every sample, so a restarted or moved trainer task carries on where the committed offsets are.
 */
final class RegimeTracking {
  private static final Logger log = LoggerFactory.getLogger(RegimeTracking.class);
  private static final String DETECTOR_KEY = "detector";
  private static final String PENDING_KEY = "post-change-samples";
  /** {@link #postChangeSamples} when no early refit is pending. */
  private static final long NONE = -1;

  private final KeyValueStore<String, byte[]> store;
  private final RegimeMonitor monitor;
  private final int refitSamples;
  private long postChangeSamples;

  RegimeTracking(KeyValueStore<String, byte[]> store, DetectorConfig config) {
    this.store = store;
    this.refitSamples = config.regime().refitSamples();
    this.monitor = new RegimeMonitor(config.regime().shift(), samplesBetweenFalseAlarms(config),
        config.mixture().seed(), savedDetector(store));
    byte[] pending = store.get(PENDING_KEY);
    this.postChangeSamples = pending == null ? NONE : ByteBuffer.wrap(pending).getLong();
  }

  /**
   * Solves the detector's threshold for this configuration ahead of the first trainer task, on the
   * caller's thread: a task start would otherwise solve it on the stream thread that scores.
   */
  static void prepare(DetectorConfig config) {
    RegimeMonitor.prepare(config.regime().shift(), samplesBetweenFalseAlarms(config));
  }

  /** The mean run length is configured in events; the monitor sees only the sampled ones. */
  private static double samplesBetweenFalseAlarms(DetectorConfig config) {
    return config.regime().meanRunLength() * config.sampleRate();
  }

  private static CusumState savedDetector(KeyValueStore<String, byte[]> store) {
    byte[] saved = store.get(DETECTOR_KEY);
    if (saved == null) return null;
    try {
      return CusumState.decode(saved);
    } catch (IllegalArgumentException e) {
      log.warn("Regime detector state refused ({}); starting the detector afresh", e.getMessage());
      return null;
    }
  }

  /** Feeds one sample (already in the window); returns the shift it revealed, or null. */
  RegimeShift observe(PublishedModel live, BitVector sample, long timestamp) {
    RegimeShift shift = monitor.observe(live, sample, timestamp);
    if (shift != null) {
      postChangeSamples = shift.samplesSinceChange();
    } else if (postChangeSamples != NONE) {
      postChangeSamples++;
    }
    CusumState state = monitor.state();
    if (state != null) store.put(DETECTOR_KEY, state.encode());
    // Only a pending refit's count moves with the samples; "none pending" was stored when it began.
    if (postChangeSamples != NONE) savePending();
    return shift;
  }

  /** Whether a shift was found and enough samples since its change point have arrived to refit. */
  boolean isRefitDue() {
    return postChangeSamples >= refitSamples;
  }

  /** How many of the window's newest samples came after the estimated change point. */
  int postChangeSamples() {
    return (int) Math.max(0, postChangeSamples);
  }

  /**
   * The early refit ended. Refused or failed: listen for the next shift under the live model.
   * Published: stay quiet until the new model is live on this instance, which starts a fresh
   * detector; re-arming now would let the old model report the same shift again meanwhile.
   */
  void refitFinished(boolean published) {
    postChangeSamples = NONE;
    if (!published) monitor.rearm();
    CusumState state = monitor.state();
    if (state != null) store.put(DETECTOR_KEY, state.encode());
    savePending();
  }

  private void savePending() {
    store.put(PENDING_KEY, ByteBuffer.allocate(Long.BYTES).putLong(postChangeSamples).array());
  }

  double statistic() {
    return monitor.statistic();
  }

  double threshold() {
    return monitor.threshold();
  }
}
