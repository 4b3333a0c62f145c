package io.surprisal.generate;

import static io.surprisal.generate.FraudFeatures.*;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.surprisal.event.MessageJson;
import io.surprisal.generate.EventGenerator.GeneratedEvent;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Card transactions as {@link FraudFeatures} bits: normal traffic from the
 * {@link CustomerSegment#DEFAULTS} segments, and, at a set rate, a {@link FraudPattern} chosen
 * uniformly, flagged as an anomaly to the caller only. The event's attributes name its set
 * features (readable alerts); nothing in the event says which segment or pattern drew it.
 */
public final class FraudGenerator implements EventSource {
  // Chances shared by every segment: the rare flags fraud leans on are rare for everyone.
  private static final double P_NEW_DEVICE = 0.01;
  private static final double P_ADDRESS_MISMATCH = 0.003;
  private static final double P_VELOCITY_HIGH = 0.005;
  private static final double P_DECLINED_RECENTLY = 0.003;
  private static final double P_PIN_WITHOUT_CONTACTLESS = 0.8;
  private static final double P_WEEKEND = 2.0 / 7;

  private final List<CustomerSegment> segments;
  private final double[] segmentWeights;
  private final double fraudRate;
  private final SplittableRandom random;
  private final String idPrefix;
  private long sequence;

  public FraudGenerator(double fraudRate, long seed, String idPrefix) {
    this(CustomerSegment.DEFAULTS, fraudRate, seed, idPrefix);
  }

  public FraudGenerator(List<CustomerSegment> segments, double fraudRate, long seed,
      String idPrefix) {
    if (!(fraudRate >= 0 && fraudRate < 1)) {
      throw new IllegalArgumentException("fraud rate must be in [0, 1), got " + fraudRate);
    }
    if (segments.isEmpty()) throw new IllegalArgumentException("segments must not be empty");
    this.segments = List.copyOf(segments);
    this.segmentWeights = segments.stream().mapToDouble(CustomerSegment::weight).toArray();
    this.fraudRate = fraudRate;
    this.random = new SplittableRandom(seed);
    this.idPrefix = idPrefix;
  }

  @Override
  public GeneratedEvent next() {
    long n = sequence++;
    boolean fraud = random.nextDouble() < fraudRate;
    int[] bits = new int[dimension()];
    if (fraud) {
      FraudPattern[] patterns = FraudPattern.values();
      patterns[random.nextInt(patterns.length)].fill(bits, random);
    } else {
      fillNormal(segments.get(pick(segmentWeights)), bits);
    }
    String id = idPrefix + n;
    ObjectNode event = JsonNodeFactory.instance.objectNode();
    event.put("id", id);
    event.put("timestamp", System.currentTimeMillis());
    ArrayNode active = event.putArray("active");
    ObjectNode attributes = event.putObject("attributes");
    attributes.put("source", "fraud-generator").put("sequence", n);
    ArrayNode flags = attributes.putArray("flags");
    for (int i = 0; i < bits.length; i++) {
      if (bits[i] == 1) {
        active.add(i);
        flags.add(NAMES.get(i));
      }
    }
    String key = "card-" + random.nextInt(5000);
    return new GeneratedEvent(id, key, MessageJson.write(event), fraud);
  }

  private void fillNormal(CustomerSegment s, int[] bits) {
    int channel = pick(s.channels());
    switch (channel) {
      case 0 -> { // in store
        bits[CARD_PRESENT] = 1;
        if (random.nextDouble() < s.contactless()) bits[CONTACTLESS] = 1;
        else if (random.nextDouble() < P_PIN_WITHOUT_CONTACTLESS) bits[PIN_VERIFIED] = 1;
      }
      case 1 -> { // online
        bits[ONLINE] = 1;
        flag(bits, THREE_DS_AUTHENTICATED, s.threeDs());
        flag(bits, RECURRING, s.recurring());
        flag(bits, NEW_DEVICE, P_NEW_DEVICE);
        flag(bits, ADDRESS_MISMATCH, P_ADDRESS_MISMATCH);
      }
      default -> { // ATM
        bits[CARD_PRESENT] = 1;
        bits[ATM_WITHDRAWAL] = 1;
        bits[PIN_VERIFIED] = 1;
      }
    }
    bits[AMOUNT_BANDS[pick(s.amounts())]] = 1;
    if (channel != 2) {
      int category = pick(s.categories());
      if (category < CATEGORIES.length) bits[CATEGORIES[category]] = 1;
      flag(bits, NEW_MERCHANT, s.newMerchant());
    }
    flag(bits, FOREIGN_MERCHANT, s.foreign());
    flag(bits, NIGHT_TIME, s.night());
    flag(bits, WEEKEND, P_WEEKEND);
    flag(bits, VELOCITY_HIGH, P_VELOCITY_HIGH);
    flag(bits, DECLINED_RECENTLY, P_DECLINED_RECENTLY);
  }

  private void flag(int[] bits, int feature, double p) {
    if (random.nextDouble() < p) bits[feature] = 1;
  }

  /** An index drawn with probability proportional to its weight. */
  private int pick(double[] weights) {
    double total = 0;
    for (double w : weights) total += w;
    double u = random.nextDouble() * total;
    int last = 0;
    for (int i = 0; i < weights.length; i++) {
      if (weights[i] == 0) continue;
      last = i;
      u -= weights[i];
      if (u < 0) return i;
    }
    return last; // rounding left u at 0: the last index with a weight, never a zero-weight one
  }
}
