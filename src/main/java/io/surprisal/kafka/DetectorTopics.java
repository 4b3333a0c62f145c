package io.surprisal.kafka;

import io.surprisal.stream.DetectorConfig;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Creates the detector's topics where they are missing, with the layout the topology relies on:
 * samples has exactly one partition (one trainer task), models is compacted (its latest record is
 * the live model) and has one partition; regime-shifts has one partition, written by the trainer
 * task alone. These three are the application's own (by default named after its application.id);
 * the events, alerts, scores and dead-letter topics are the ones users read and write.
 */
public final class DetectorTopics {
  private DetectorTopics() {}

  /**
   * @param eventPartitions partitions for the events, alerts, scores and dead-letter topics when
   *     they are created here; the scoring path scales out with them
   */
  public static void ensure(TopicAdmin admin, DetectorConfig.Topics topics, int eventPartitions,
      short replication) {
    for (String name : List.of(topics.events(), topics.alerts(), topics.scores(),
        topics.deadLetters())) {
      admin.ensureTopic(name, eventPartitions, replication, Map.of());
    }
    admin.ensureTopic(topics.samples(), 1, replication, Map.of());
    admin.ensureTopic(topics.models(), 1, replication, Map.of("cleanup.policy", "compact"));
    admin.ensureTopic(topics.regimeShifts(), 1, replication, Map.of());
    admin.awaitTopics(
        List.of(topics.events(), topics.alerts(), topics.scores(), topics.deadLetters(),
            topics.samples(), topics.models(), topics.regimeShifts()),
        Duration.ofSeconds(30));
  }
}
