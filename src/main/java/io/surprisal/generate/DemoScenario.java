package io.surprisal.generate;

import io.surprisal.generate.EventGenerator.GeneratedEvent;
import io.surprisal.stream.DetectorConfig;
import java.util.List;
import java.util.Properties;

/**
 * What one of the demo's scenarios brings to the shared machinery (broker, detector, producer,
 * scores reader): its traffic and truth, the detector settings that suit that traffic, any reader
 * of its own, its status line and its summary.
 */
public interface DemoScenario extends AutoCloseable {
  /** Bits per event: the detector's surprisal.feature.dimension. */
  int dimension();

  /** KEY=VALUE detector settings for this traffic; the user's -p overrides come after them. */
  List<String> detectorSettings();

  EventSource events();

  /** Called on the producer's thread with every event before it is sent: record the truth. */
  void onSent(GeneratedEvent event);

  /** Starts what the scenario reads besides the scores topic, once the detector runs. */
  default void start(Properties client, DetectorConfig config) {}

  /** The scenario's part of a status line, after the counts every scenario shows. */
  String status(DetectionTally.Summary tally);

  /** The JSON summary, once every sent event was scored (or the drain gave up). */
  Object summary() throws InterruptedException;

  @Override
  default void close() {}
}
