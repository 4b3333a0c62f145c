package io.surprisal.generate;

import java.util.List;

/**
 * What a market-scenario run looked like; the demo prints it as one JSON line. Event and alert
 * counts start with the first scored event, as in {@link DetectionTally.Summary}; the switches are
 * all of the run's, from event 0.
 *
 * @param alertRate alerts per scored event: mostly the events of a new regime scored by the
 *     previous regime's model, until a refit catches up
 * @param firstScoredEvent position of the first event the scores topic showed scored; null when
 *     no model went live
 * @param detections regime-shift messages read during the run
 * @param switches every counted switch with its detection and delay (null when undetected)
 */
public record MarketSummary(
    long events,
    long alerts,
    double alertRate,
    int modelVersions,
    double eventsPerSecond,
    long unscoredEvents,
    Long firstScoredEvent,
    int regimeSwitches,
    int detectedSwitches,
    Double medianDetectionDelayEvents,
    int detections,
    int unmatchedDetections,
    List<SwitchDetections.Outcome> switches) {

  public static MarketSummary of(DetectionTally.Summary tally, Long firstScoredEvent,
      SwitchDetections.Report report) {
    return new MarketSummary(tally.events(), tally.alerts(),
        tally.events() == 0 ? 0 : (double) tally.alerts() / tally.events(),
        tally.modelVersions(), tally.eventsPerSecond(), tally.unscoredEvents(), firstScoredEvent,
        report.regimeSwitches(), report.detectedSwitches(), report.medianDetectionDelayEvents(),
        report.detections(), report.unmatchedDetections(), report.switches());
  }
}
