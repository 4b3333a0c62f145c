package io.surprisal.generate;

import java.util.List;
import java.util.SplittableRandom;

/**
 * The regimes a market scenario starts with, and the never-seen ones it invents. Instruments are
 * split into {@link #SECTORS} contiguous sectors; in a known regime every instrument of a sector
 * leans the same way, with its own strength drawn from [0.7, 0.9] (so the regime is no symmetric
 * toy and one strength does not fit all).
 */
public final class MarketRegimes {
  /** Sectors the instruments fall into; rotations move whole sectors. */
  public static final int SECTORS = 4;

  private static final double MIN_STRENGTH = 0.7;
  private static final double MAX_STRENGTH = 0.9;

  private MarketRegimes() {}

  /**
   * bull (every sector up), bear (every sector down), rotation-1 (sectors 0 and 1 up, 2 and 3
   * down) and rotation-2 (sectors 0 and 2 up, 1 and 3 down): each pair differs in at least half
   * of the instruments, so a switch between them moves the log-likelihood of most events.
   */
  public static List<MarketRegime> known(int instruments, SplittableRandom random) {
    requireInstruments(instruments);
    return List.of(
        bySector("bull", instruments, new boolean[] {true, true, true, true}, random),
        bySector("bear", instruments, new boolean[] {false, false, false, false}, random),
        bySector("rotation-1", instruments, new boolean[] {true, true, false, false}, random),
        bySector("rotation-2", instruments, new boolean[] {true, false, true, false}, random));
  }

  /**
   * A regime with no sector structure: every instrument's direction is a fair coin of its own, so
   * it agrees with any known regime on about half of the instruments only.
   */
  public static MarketRegime novel(String name, int instruments, SplittableRandom random) {
    requireInstruments(instruments);
    double[] up = new double[instruments];
    for (int i = 0; i < instruments; i++) up[i] = lean(random.nextBoolean(), random);
    return new MarketRegime(name, up);
  }

  /** The sector of an instrument: contiguous blocks, the first ones one larger when uneven. */
  public static int sectorOf(int instrument, int instruments) {
    return (int) ((long) instrument * SECTORS / instruments);
  }

  private static MarketRegime bySector(
      String name, int instruments, boolean[] sectorUp, SplittableRandom random) {
    double[] up = new double[instruments];
    for (int i = 0; i < instruments; i++) {
      up[i] = lean(sectorUp[sectorOf(i, instruments)], random);
    }
    return new MarketRegime(name, up);
  }

  private static double lean(boolean up, SplittableRandom random) {
    double strength = MIN_STRENGTH + (MAX_STRENGTH - MIN_STRENGTH) * random.nextDouble();
    return up ? strength : 1 - strength;
  }

  private static void requireInstruments(int instruments) {
    if (instruments < SECTORS) {
      throw new IllegalArgumentException(
          "instruments must be >= " + SECTORS + " (one per sector), got " + instruments);
    }
  }
}
