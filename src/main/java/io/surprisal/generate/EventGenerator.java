package io.surprisal.generate;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.surprisal.event.BitVector;
import io.surprisal.event.MessageJson;
import io.surprisal.model.DensityModel;
import java.util.SplittableRandom;

/**
 * Synthetic traffic: normal events drawn from a known latent model, and anomalies (every bit a fair
 * coin, a pattern no component explains) injected at a set rate. Which events are anomalies is
 * returned to the caller only; nothing in the event tells the detector.
 */
public final class EventGenerator implements EventSource {
  private final DensityModel truth;
  private final double anomalyRate;
  private final SplittableRandom random;
  private final String idPrefix;
  private long sequence;

  /** One generated event: its id, entity key, JSON payload, and whether it is an injected anomaly. */
  public record GeneratedEvent(String id, String key, byte[] json, boolean anomaly) {}

  public EventGenerator(DensityModel truth, double anomalyRate, long seed, String idPrefix) {
    if (!(anomalyRate >= 0 && anomalyRate < 1)) {
      throw new IllegalArgumentException("anomaly rate must be in [0, 1), got " + anomalyRate);
    }
    this.truth = truth;
    this.anomalyRate = anomalyRate;
    this.random = new SplittableRandom(seed);
    this.idPrefix = idPrefix;
  }

  @Override
  public GeneratedEvent next() {
    long n = sequence++;
    boolean anomaly = random.nextDouble() < anomalyRate;
    BitVector features = anomaly ? coinFlips() : truth.sample(random);
    String id = idPrefix + n;
    String key = "entity-" + random.nextInt(1000);
    ObjectNode event = JsonNodeFactory.instance.objectNode();
    event.put("id", id);
    event.put("timestamp", System.currentTimeMillis());
    ArrayNode active = event.putArray("active");
    for (int i = 0; i < features.activeCount(); i++) active.add(features.activeIndex(i));
    event.putObject("attributes").put("source", "generator").put("sequence", n);
    return new GeneratedEvent(id, key, MessageJson.write(event), anomaly);
  }

  private BitVector coinFlips() {
    int[] bits = new int[truth.dimension()];
    for (int d = 0; d < bits.length; d++) bits[d] = random.nextBoolean() ? 1 : 0;
    return BitVector.ofDense(bits);
  }
}
