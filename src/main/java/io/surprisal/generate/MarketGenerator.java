package io.surprisal.generate;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.surprisal.event.MessageJson;
import io.surprisal.generate.EventGenerator.GeneratedEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * Market traffic from hidden regimes: every event is one interval of N instruments, bit i = 1 when
 * instrument i went up, drawn from the current regime. The regime switches after a geometric dwell
 * (so a switch is equally likely at every event), to another of the {@link MarketRegimes#known}
 * regimes or, with a set probability, to a novel one invented then: never seen before, and never
 * returned to (the known regimes recur, as a market's familiar states do; a novel one is an
 * excursion). Which regime is live, and when it switched, stays with the caller: events carry
 * neither.
 *
 * <p>Timestamps come from a synthetic clock, {@code clockStart + index} ms, so the event time a
 * detector reports maps back to the event's position in the stream.
 */
public final class MarketGenerator implements EventSource {
  /** Every market event has the same key: one feed, one partition, its order kept. */
  public static final String KEY = "market";

  private final Settings settings;
  private final SplittableRandom random;
  private final long clockStart;
  private final String idPrefix;
  private final Consumer<RegimeSwitch> onSwitch;
  private final List<MarketRegime> known;
  private final List<RegimeSwitch> switches = new ArrayList<>();
  private MarketRegime current;
  private long nextSwitch;
  private long index;
  private int novelCount;

  /**
   * @param instruments N, bits per event
   * @param meanDwellEvents mean events between switches
   * @param novelProbability chance that a switch goes to a regime never seen before
   */
  public record Settings(int instruments, double meanDwellEvents, double novelProbability) {
    public Settings {
      if (instruments < MarketRegimes.SECTORS) {
        throw new IllegalArgumentException("instruments must be >= " + MarketRegimes.SECTORS
            + " (one per sector), got " + instruments);
      }
      if (!(meanDwellEvents >= 1)) {
        throw new IllegalArgumentException(
            "mean dwell must be >= 1 event, got " + meanDwellEvents);
      }
      if (!(novelProbability >= 0 && novelProbability <= 1)) {
        throw new IllegalArgumentException(
            "novel probability must be in [0, 1], got " + novelProbability);
      }
    }
  }

  /**
   * @param onSwitch told of every switch, on the calling thread, before the switch's first event
   *     is returned
   */
  public MarketGenerator(Settings settings, long seed, long clockStart, String idPrefix,
      Consumer<RegimeSwitch> onSwitch) {
    this.settings = settings;
    this.random = new SplittableRandom(seed);
    this.clockStart = clockStart;
    this.idPrefix = idPrefix;
    this.onSwitch = onSwitch;
    this.known = MarketRegimes.known(settings.instruments(), random);
    this.current = known.get(random.nextInt(known.size()));
    this.nextSwitch = dwell();
  }

  @Override
  public GeneratedEvent next() {
    long n = index++;
    if (n == nextSwitch) switchRegime(n);
    ObjectNode event = JsonNodeFactory.instance.objectNode();
    String id = idPrefix + n;
    event.put("id", id);
    event.put("timestamp", timestampOf(n));
    ArrayNode active = event.putArray("active");
    for (int i = 0; i < settings.instruments(); i++) {
      if (random.nextDouble() < current.upProbability(i)) active.add(i);
    }
    event.putObject("attributes").put("source", "market-generator").put("sequence", n);
    return new GeneratedEvent(id, KEY, MessageJson.write(event), false);
  }

  /** The regime the last returned event was drawn from (the first regime before any event). */
  public synchronized MarketRegime currentRegime() {
    return current;
  }

  /** Every switch so far, in order; safe to call from any thread. */
  public synchronized List<RegimeSwitch> switches() {
    return List.copyOf(switches);
  }

  public long timestampOf(long eventIndex) {
    return clockStart + eventIndex;
  }

  /** The position in the stream of the event with this timestamp. */
  public long indexAt(long timestamp) {
    return timestamp - clockStart;
  }

  private void switchRegime(long n) {
    MarketRegime next;
    boolean novel = random.nextDouble() < settings.novelProbability();
    if (novel) {
      next = MarketRegimes.novel("novel-" + ++novelCount, settings.instruments(), random);
    } else {
      // A known regime other than the current one (all four when leaving a novel one).
      List<MarketRegime> others = known.stream().filter(r -> r != current).toList();
      next = others.get(random.nextInt(others.size()));
    }
    RegimeSwitch change = new RegimeSwitch(n, timestampOf(n), current.name(), next.name(), novel);
    synchronized (this) {
      current = next;
      switches.add(change);
    }
    nextSwitch = n + dwell();
    onSwitch.accept(change);
  }

  /** A geometric draw on {1, 2, ...} with mean meanDwellEvents, by inversion. */
  private long dwell() {
    double p = 1 / settings.meanDwellEvents();
    if (p >= 1) return 1;
    return 1 + (long) Math.floor(Math.log(1 - random.nextDouble()) / Math.log(1 - p));
  }
}
