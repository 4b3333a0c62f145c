package io.surprisal.generate;

import io.surprisal.generate.EventGenerator.GeneratedEvent;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Sends generated events to a topic at a steady rate until a count is reached or it is stopped.
 * Each event is handed to {@code onSent} before it is sent, so a caller can record the truth.
 */
public final class TrafficProducer implements AutoCloseable {
  private final KafkaProducer<byte[], byte[]> producer;
  private final String topic;
  private final AtomicBoolean stopped = new AtomicBoolean();
  private final AtomicLong sent = new AtomicLong();
  private final AtomicBoolean closed = new AtomicBoolean();
  private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);

  /** @param clientProperties bootstrap.servers and any security settings */
  public TrafficProducer(Properties clientProperties, String topic) {
    Properties p = new Properties();
    p.putAll(clientProperties);
    p.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, "5");
    p.putIfAbsent(ProducerConfig.ACKS_CONFIG, "all");
    this.producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    this.topic = topic;
  }

  /**
   * Sends up to {@code count} events at {@code ratePerSecond}, blocking the calling thread.
   *
   * @param count events to send; Long.MAX_VALUE for "until stopped"
   */
  public void run(EventSource generator, long count, double ratePerSecond,
      Consumer<GeneratedEvent> onSent) {
    long started = System.nanoTime();
    double nanosPerEvent = 1e9 / ratePerSecond;
    for (long i = 0; i < count && !stopped.get(); i++) {
      long due = started + (long) (i * nanosPerEvent);
      long wait = due - System.nanoTime();
      if (wait > 0) sleep(wait);
      GeneratedEvent event = generator.next();
      onSent.accept(event);
      try {
        producer.send(new ProducerRecord<>(topic, event.key().getBytes(StandardCharsets.UTF_8),
            event.json()));
      } catch (KafkaException | IllegalStateException e) {
        if (closed.get()) return; // closed under a blocked send: see close()
        throw e;
      }
      sent.incrementAndGet();
    }
    try {
      producer.flush();
    } catch (KafkaException | IllegalStateException e) {
      if (!closed.get()) throw e;
    }
  }

  private static void sleep(long nanos) {
    try {
      TimeUnit.NANOSECONDS.sleep(nanos);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  public long sent() {
    return sent.get();
  }

  /** Makes a running {@link #run} return after its current event. */
  public void stop() {
    stopped.set(true);
  }

  /**
   * Stops and closes the producer within a few seconds, also when a send is blocked waiting for a
   * topic that is gone (up to max.block.ms otherwise): that send gives up, and {@link #run}
   * returns.
   */
  @Override
  public void close() {
    stopped.set(true);
    closed.set(true);
    producer.close(CLOSE_TIMEOUT);
  }
}
