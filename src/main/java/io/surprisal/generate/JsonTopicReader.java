package io.surprisal.generate;

import io.surprisal.event.MessageJson;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads one topic of the detector's JSON messages from the start, as a downstream user would
 * (read_committed: only what the detector's transactions committed), and hands each message to a
 * callback on the reading thread. The market demo reads the regime-shifts topic with it.
 */
public final class JsonTopicReader<T> implements Runnable, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(JsonTopicReader.class);

  private final KafkaConsumer<byte[], byte[]> consumer;
  private final Class<T> type;
  private final Consumer<T> onMessage;
  private final AtomicBoolean stopped = new AtomicBoolean();

  public JsonTopicReader(Properties clientProperties, String topic, Class<T> type,
      Consumer<T> onMessage) {
    Properties p = new Properties();
    p.putAll(clientProperties);
    p.put(ConsumerConfig.GROUP_ID_CONFIG, "surprisal-reader-" + UUID.randomUUID());
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    this.consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    this.consumer.subscribe(List.of(topic));
    this.type = type;
    this.onMessage = onMessage;
  }

  @Override
  public void run() {
    try {
      while (!stopped.get()) {
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
          T message;
          try {
            message = MessageJson.read(record.value(), type);
          } catch (RuntimeException e) {
            // One unreadable message must not end the reading: say which and go on.
            LOG.warn("skipping {} at {}-{}@{}: {}", type.getSimpleName(), record.topic(),
                record.partition(), record.offset(), e.getMessage());
            continue;
          }
          onMessage.accept(message);
        }
      }
    } finally {
      consumer.close();
    }
  }

  /** Makes {@link #run} return (and close the consumer) after its current poll. */
  @Override
  public void close() {
    stopped.set(true);
  }
}
