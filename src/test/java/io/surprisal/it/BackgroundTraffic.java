package io.surprisal.it;

import io.surprisal.generate.EventGenerator;
import io.surprisal.generate.SyntheticMixtures;
import io.surprisal.generate.TrafficProducer;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Generated events sent on a thread of their own at a steady rate until {@link #stop()}, while a
 * test breaks things. It remembers which ids were injected anomalies (the truth the detector never
 * sees); which events reached the topic is read back from the topic itself, since a send can
 * fail while the broker is down.
 */
final class BackgroundTraffic implements AutoCloseable {
  /** L of the generated events. */
  static final int DIMENSION = 64;

  private final TrafficProducer producer;
  private final EventGenerator generator;
  private final double ratePerSecond;
  private final Set<String> anomalies = ConcurrentHashMap.newKeySet();
  private final Thread thread;

  /**
   * @param anomalyRate share of events replaced by fair-coin vectors
   * @param seed seeds the generator: the same seed gives the same events, ids and anomalies
   */
  BackgroundTraffic(Properties client, String topic, double ratePerSecond, double anomalyRate,
      long seed, String idPrefix) {
    this.producer = new TrafficProducer(client, topic);
    this.generator = new EventGenerator(
        SyntheticMixtures.separated(8, DIMENSION, 0.02, 0.1, 2024), anomalyRate, seed, idPrefix);
    this.ratePerSecond = ratePerSecond;
    this.thread = new Thread(this::send, "background-traffic");
  }

  void start() {
    thread.start();
  }

  private void send() {
    producer.run(generator, Long.MAX_VALUE, ratePerSecond, event -> {
      if (event.anomaly()) anomalies.add(event.id());
    });
  }

  /** Stops sending, flushes what was sent and waits for the sending thread. */
  void stop() throws InterruptedException {
    producer.stop();
    thread.join();
  }

  /** Events handed to the producer so far. */
  long sent() {
    return producer.sent();
  }

  /** Ids of the injected anomalies sent so far. */
  Set<String> anomalies() {
    return Set.copyOf(anomalies);
  }

  @Override
  public void close() throws InterruptedException {
    if (thread.isAlive()) stop();
    producer.close();
  }
}
