package io.surprisal.generate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.surprisal.event.Event;
import io.surprisal.event.EventParser;
import io.surprisal.generate.EventGenerator.GeneratedEvent;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class MarketGeneratorTest {
  private static final int INSTRUMENTS = 32;
  private static final long CLOCK_START = 1_700_000_000_000L;

  private static MarketGenerator generator(double meanDwell, double novelProbability, long seed,
      List<RegimeSwitch> told) {
    return new MarketGenerator(new MarketGenerator.Settings(INSTRUMENTS, meanDwell,
        novelProbability), seed, CLOCK_START, "m-", told::add);
  }

  @Test
  void shouldRepeatTheSameEventsAndSwitchesForTheSameSeed() {
    MarketGenerator a = generator(2_000, 0.25, 7, new ArrayList<>());
    MarketGenerator b = generator(2_000, 0.25, 7, new ArrayList<>());
    for (int i = 0; i < 20_000; i++) assertThat(a.next().json()).isEqualTo(b.next().json());
    assertThat(a.switches()).isNotEmpty().isEqualTo(b.switches());
  }

  @Test
  void shouldLogEverySwitchAtTheFirstEventOfTheNewRegime() throws Exception {
    List<RegimeSwitch> told = new ArrayList<>();
    MarketGenerator generator = generator(3_000, 0.25, 11, told);
    EventParser parser = new EventParser(INSTRUMENTS);
    Set<String> seen = new HashSet<>();
    List<RegimeSwitch> observed = new ArrayList<>();
    String previous = generator.currentRegime().name();
    for (long i = 0; i < 150_000; i++) {
      GeneratedEvent generated = generator.next();
      Event event = parser.parse(generated.json());
      assertThat(event.timestamp()).isEqualTo(CLOCK_START + i);
      assertThat(generator.indexAt(event.timestamp())).isEqualTo(i);
      assertThat(generated.key()).isEqualTo(MarketGenerator.KEY);
      assertThat(generated.anomaly()).isFalse();
      String regime = generator.currentRegime().name();
      if (!regime.equals(previous)) {
        boolean novel = regime.startsWith("novel-");
        // A novel regime is never returned to: its name is new every time.
        if (novel) assertThat(seen.add(regime)).as("%s seen before", regime).isTrue();
        observed.add(new RegimeSwitch(i, CLOCK_START + i, previous, regime, novel));
        previous = regime;
      }
    }
    assertThat(observed).hasSizeGreaterThan(20);
    assertThat(generator.switches()).isEqualTo(observed);
    assertThat(told).isEqualTo(observed);
  }

  @Test
  void shouldDrawEachEventFromTheRegimeLiveAtIt() throws Exception {
    MarketGenerator generator = generator(5_000, 0.25, 3, new ArrayList<>());
    EventParser parser = new EventParser(INSTRUMENTS);
    Map<String, double[]> ups = new HashMap<>();
    Map<String, Integer> counts = new HashMap<>();
    Map<String, MarketRegime> regimes = new HashMap<>();
    for (int i = 0; i < 200_000; i++) {
      Event event = parser.parse(generator.next().json());
      MarketRegime regime = generator.currentRegime();
      regimes.put(regime.name(), regime);
      counts.merge(regime.name(), 1, Integer::sum);
      double[] up = ups.computeIfAbsent(regime.name(), name -> new double[INSTRUMENTS]);
      for (int d = 0; d < INSTRUMENTS; d++) if (event.features().get(d)) up[d]++;
    }
    int checked = 0;
    for (var entry : counts.entrySet()) {
      int n = entry.getValue();
      if (n < 10_000) continue;
      checked++;
      double[] truth = regimes.get(entry.getKey()).upProbabilities();
      for (int d = 0; d < INSTRUMENTS; d++) {
        // Standard error at most sqrt(0.25 / 10,000) = 0.005: 0.03 is six of them.
        assertThat(ups.get(entry.getKey())[d] / n)
            .as("regime %s, instrument %d", entry.getKey(), d).isCloseTo(truth[d],
                org.assertj.core.data.Offset.offset(0.03));
      }
    }
    assertThat(checked).isGreaterThanOrEqualTo(4);
  }

  @Test
  void shouldSwitchToNeverSeenRegimesAtAboutTheSetShareAfterGeometricDwells() {
    MarketGenerator generator = generator(5_000, 0.25, 5, new ArrayList<>());
    for (int i = 0; i < 600_000; i++) generator.next();
    List<RegimeSwitch> switches = generator.switches();
    List<RegimeSwitch> novel = switches.stream().filter(RegimeSwitch::novel).toList();

    // About 120 switches (600,000 / 5,000), a quarter of them novel: 30 ± 4.7 (binomial sd).
    assertThat(switches).hasSizeBetween(90, 150);
    assertThat(novel).hasSizeBetween(15, 45);
    // Each novel regime is named in order of appearance; every other switch goes to a known one.
    for (int k = 0; k < novel.size(); k++) {
      assertThat(novel.get(k).to()).isEqualTo("novel-" + (k + 1));
    }
    assertThat(switches).filteredOn(s -> !s.novel()).extracting(RegimeSwitch::to)
        .allMatch(to -> List.of("bull", "bear", "rotation-1", "rotation-2").contains(to));
    // Mean dwell of ~120 geometric draws with mean 5,000: standard error ~460.
    double meanDwell = (double) (switches.get(switches.size() - 1).index()
        - switches.get(0).index()) / (switches.size() - 1);
    assertThat(meanDwell).isBetween(3_600.0, 6_400.0);
    assertThat(switches).allMatch(s -> !s.from().equals(s.to()));
  }

  @Test
  void shouldMakeEveryPairOfKnownRegimesDisagreeOnAtLeastHalfTheInstruments() {
    List<MarketRegime> known = MarketRegimes.known(INSTRUMENTS, new SplittableRandom(1));
    assertThat(known).extracting(MarketRegime::name)
        .containsExactly("bull", "bear", "rotation-1", "rotation-2");
    for (int a = 0; a < known.size(); a++) {
      for (int b = a + 1; b < known.size(); b++) {
        double[] pa = known.get(a).upProbabilities();
        double[] pb = known.get(b).upProbabilities();
        int disagree = 0;
        for (int d = 0; d < INSTRUMENTS; d++) if ((pa[d] > 0.5) != (pb[d] > 0.5)) disagree++;
        assertThat(disagree).as(known.get(a).name() + " vs " + known.get(b).name())
            .isGreaterThanOrEqualTo(INSTRUMENTS / 2);
      }
    }
    assertThat(known).allMatch(r -> java.util.Arrays.stream(r.upProbabilities())
        .allMatch(p -> (p >= 0.7 && p <= 0.9) || (p >= 0.1 && p <= 0.3)));
  }

  @Test
  void shouldRejectFewerInstrumentsThanSectorsNamingTheValue() {
    assertThatThrownBy(() -> new MarketGenerator.Settings(3, 1_000, 0.1))
        .hasMessage("instruments must be >= 4 (one per sector), got 3");
    assertThatThrownBy(() -> new MarketGenerator.Settings(32, 1_000, 1.5))
        .hasMessage("novel probability must be in [0, 1], got 1.5");
  }
}
