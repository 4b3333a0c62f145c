package io.surprisal.benchmark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class LatencyPercentilesTest {
  @Test
  void nearestRankQuantilesOfOneToHundredMilliseconds() {
    long[] nanos = new long[100];
    // Shuffled order: the summary must sort.
    for (int i = 0; i < 100; i++) nanos[i] = ((i * 37) % 100 + 1) * 1_000_000L;
    LatencyBenchmark.Percentiles p = LatencyBenchmark.Percentiles.of(nanos);
    assertEquals(100, p.events());
    assertEquals(50.0, p.p50Millis());
    assertEquals(99.0, p.p99Millis());
    assertEquals(100.0, p.maxMillis());
  }

  @Test
  void oneSlowEventInTenIsTheP99ButNotTheP50() {
    long[] nanos = {1, 1, 1, 1, 1, 1, 1, 1, 1, 500};
    LatencyBenchmark.Percentiles p = LatencyBenchmark.Percentiles.of(nanos);
    // Nearest rank: ceil(0.99 · 10) = 10th value.
    assertEquals(500e-6, p.p99Millis(), 1e-12);
    assertEquals(1e-6, p.p50Millis(), 1e-12);
  }

  @Test
  void anEmptyClassHasNoPercentiles() {
    LatencyBenchmark.Percentiles p = LatencyBenchmark.Percentiles.of(new long[0]);
    assertEquals(0, p.events());
    assertTrue(Double.isNaN(p.p50Millis()) && Double.isNaN(p.p99Millis()));
  }
}
