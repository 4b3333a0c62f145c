package io.surprisal.generate;

import java.util.ArrayList;
import java.util.List;

/**
 * Matches the market generator's true regime switches with the detector's regime-shift messages,
 * in event positions (the synthetic clock makes a message's detectedAt an event position). A
 * switch counts as detected by the first detection at or after it and before the next switch; the
 * delay is the events between the two. Detections that detect no switch (before the first counted
 * switch, or a second one after the same switch) are counted as unmatched.
 */
public final class SwitchDetections {
  private SwitchDetections() {}

  /** One true switch and what the detector made of it. */
  public record Outcome(long atEvent, String from, String to, boolean novel,
      Long detectedAtEvent, Long delayEvents) {
    public boolean detected() {
      return detectedAtEvent != null;
    }
  }

  /**
   * @param regimeSwitches switches counted; null median when none was detected
   * @param medianDetectionDelayEvents the median of the detected switches' delays (the mean of the
   *     two middle ones for an even count)
   */
  public record Report(int regimeSwitches, int detectedSwitches,
      Double medianDetectionDelayEvents, int detections, int unmatchedDetections,
      List<Outcome> switches) {
    public Report {
      switches = List.copyOf(switches);
    }
  }

  /**
   * @param switches the generator's switches in stream order
   * @param detectedAtEvents positions of the detections, in any order
   * @param countFromEvent switches before this position are left out (no model was live to detect
   *     them); detections before it are still counted, as unmatched
   */
  public static Report match(List<RegimeSwitch> switches, List<Long> detectedAtEvents,
      long countFromEvent) {
    List<RegimeSwitch> counted = switches.stream().filter(s -> s.index() >= countFromEvent).toList();
    long[] detections = detectedAtEvents.stream().mapToLong(Long::longValue).sorted().toArray();
    List<Outcome> outcomes = new ArrayList<>();
    List<Long> delays = new ArrayList<>();
    for (int i = 0; i < counted.size(); i++) {
      RegimeSwitch s = counted.get(i);
      long until = i + 1 < counted.size() ? counted.get(i + 1).index() : Long.MAX_VALUE;
      Long detectedAt = firstIn(detections, s.index(), until);
      Long delay = detectedAt == null ? null : detectedAt - s.index();
      if (delay != null) delays.add(delay);
      outcomes.add(new Outcome(s.index(), s.from(), s.to(), s.novel(), detectedAt, delay));
    }
    return new Report(counted.size(), delays.size(), median(delays), detections.length,
        detections.length - delays.size(), outcomes);
  }

  private static Long firstIn(long[] sorted, long from, long until) {
    for (long d : sorted) {
      if (d >= until) return null;
      if (d >= from) return d;
    }
    return null;
  }

  private static Double median(List<Long> values) {
    if (values.isEmpty()) return null;
    long[] sorted = values.stream().mapToLong(Long::longValue).sorted().toArray();
    int middle = sorted.length / 2;
    return sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2.0;
  }
}
