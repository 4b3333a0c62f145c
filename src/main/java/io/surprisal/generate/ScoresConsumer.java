package io.surprisal.generate;

import io.surprisal.event.MessageJson;
import io.surprisal.event.Score;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads the scores topic as any downstream user would (read_committed, so only what the detector's
 * transactions committed) and feeds each score to a {@link DetectionTally}.
 */
public final class ScoresConsumer implements Runnable, AutoCloseable {
  private final KafkaConsumer<byte[], byte[]> consumer;
  private final DetectionTally tally;
  private final AtomicBoolean stopped = new AtomicBoolean();

  public ScoresConsumer(Properties clientProperties, String scoresTopic, DetectionTally tally) {
    Properties p = new Properties();
    p.putAll(clientProperties);
    p.put(ConsumerConfig.GROUP_ID_CONFIG, "surprisal-tally-" + UUID.randomUUID());
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    this.consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    this.consumer.subscribe(List.of(scoresTopic));
    this.tally = tally;
  }

  @Override
  public void run() {
    while (!stopped.get()) {
      for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
        tally.recordScore(MessageJson.read(record.value(), Score.class));
      }
    }
    consumer.close();
  }

  /** Makes {@link #run} return (and close the consumer) after its current poll. */
  @Override
  public void close() {
    stopped.set(true);
  }
}
