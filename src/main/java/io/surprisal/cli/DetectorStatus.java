package io.surprisal.cli;

import io.surprisal.stream.DetectorService;
import org.apache.kafka.streams.KafkaStreams;

/**
 * The demo's detector as its status line and summary show it, so that a detector that died is not
 * hidden behind its last counts.
 *
 * @param state the Kafka Streams client's state (RUNNING, REBALANCING, ERROR, ...)
 * @param error why the client stopped for good; null unless the state is ERROR or PENDING_ERROR
 */
record DetectorStatus(String state, String error) {
  static DetectorStatus of(DetectorService detector) {
    KafkaStreams.State state = detector.state();
    // PENDING_ERROR: on its way to ERROR, its stream threads already gone.
    if (state != KafkaStreams.State.ERROR && state != KafkaStreams.State.PENDING_ERROR) {
      return new DetectorStatus(state.name(), null);
    }
    Throwable cause = detector.failure();
    return new DetectorStatus(state.name(),
        cause == null ? "Kafka Streams gave no cause" : rootCause(cause));
  }

  /**
   * Streams wraps the failure in its own exceptions ("Exception caught in process. taskId=1_0,
   * ..."); the innermost one says what went wrong (a record too large, a topic gone).
   */
  private static String rootCause(Throwable failure) {
    Throwable root = failure;
    while (root.getCause() != null && root.getCause() != root) root = root.getCause();
    return root.getClass().getSimpleName() + ": " + root.getMessage();
  }

  /** For the status line: "detector RUNNING", "detector ERROR: cause". */
  String describe() {
    return "detector " + state + (error == null ? "" : ": " + error);
  }
}
