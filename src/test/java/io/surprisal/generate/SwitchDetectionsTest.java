package io.surprisal.generate;

import static org.assertj.core.api.Assertions.assertThat;

import io.surprisal.generate.SwitchDetections.Outcome;
import io.surprisal.generate.SwitchDetections.Report;
import java.util.List;
import org.junit.jupiter.api.Test;

class SwitchDetectionsTest {
  private static final List<RegimeSwitch> SWITCHES = List.of(
      new RegimeSwitch(100, 1_100, "bull", "bear", false),
      new RegimeSwitch(500, 1_500, "bear", "novel-1", true),
      new RegimeSwitch(900, 1_900, "novel-1", "bull", false));

  @Test
  void shouldCreditEachSwitchWithTheFirstDetectionBeforeTheNextSwitch() {
    // 50 precedes every switch; 170 is a second detection of the switch at 100; nothing falls
    // in [500, 900); 1300 detects the last switch, whose window has no end.
    Report report = SwitchDetections.match(SWITCHES, List.of(1300L, 170L, 50L, 130L), 0);

    assertThat(report.switches()).containsExactly(
        new Outcome(100, "bull", "bear", false, 130L, 30L),
        new Outcome(500, "bear", "novel-1", true, null, null),
        new Outcome(900, "novel-1", "bull", false, 1300L, 400L));
    assertThat(report.regimeSwitches()).isEqualTo(3);
    assertThat(report.detectedSwitches()).isEqualTo(2);
    assertThat(report.medianDetectionDelayEvents()).isEqualTo(215.0); // (30 + 400) / 2
    assertThat(report.detections()).isEqualTo(4);
    assertThat(report.unmatchedDetections()).isEqualTo(2);
  }

  @Test
  void shouldLeaveOutSwitchesBeforeTheFirstScoredEventButCountTheirDetectionsAsUnmatched() {
    Report report = SwitchDetections.match(SWITCHES, List.of(130L, 170L, 620L, 1300L), 200);

    assertThat(report.switches()).extracting(Outcome::atEvent).containsExactly(500L, 900L);
    assertThat(report.switches()).extracting(Outcome::delayEvents).containsExactly(120L, 400L);
    assertThat(report.regimeSwitches()).isEqualTo(2);
    assertThat(report.detectedSwitches()).isEqualTo(2);
    assertThat(report.medianDetectionDelayEvents()).isEqualTo(260.0);
    assertThat(report.unmatchedDetections()).isEqualTo(2);
  }

  @Test
  void shouldGiveADetectionAtASwitchToThatSwitchWithDelayZero() {
    // 500 is both the end of the first switch's window (exclusive) and the start of the second's.
    Report report = SwitchDetections.match(SWITCHES, List.of(500L), 0);

    assertThat(report.switches()).extracting(Outcome::delayEvents)
        .containsExactly(null, 0L, null);
    assertThat(report.medianDetectionDelayEvents()).isEqualTo(0.0);
  }

  @Test
  void shouldTakeTheMiddleDelayForAnOddCount() {
    Report report = SwitchDetections.match(SWITCHES, List.of(110L, 1_400L, 800L), 0);

    assertThat(report.switches()).extracting(Outcome::delayEvents)
        .containsExactly(10L, 300L, 500L);
    assertThat(report.medianDetectionDelayEvents()).isEqualTo(300.0);
  }

  @Test
  void shouldReportNoMedianWhenNoSwitchWasDetected() {
    Report report = SwitchDetections.match(SWITCHES, List.of(), 0);

    assertThat(report.regimeSwitches()).isEqualTo(3);
    assertThat(report.detectedSwitches()).isZero();
    assertThat(report.medianDetectionDelayEvents()).isNull();
    assertThat(report.switches()).allMatch(outcome -> !outcome.detected());
  }

  @Test
  void shouldCountNothingWhenNoModelWasLive() {
    Report report = SwitchDetections.match(SWITCHES, List.of(130L), Long.MAX_VALUE);

    assertThat(report.regimeSwitches()).isZero();
    assertThat(report.switches()).isEmpty();
    assertThat(report.unmatchedDetections()).isEqualTo(1);
  }
}
