package io.surprisal.it;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * When committed scores arrive, partition by partition, as a read_committed reader sees them:
 * the gaps show how long scoring of a partition paused while the group rebalanced. Arrivals come
 * in bursts of one transaction (commit.interval.ms, 100 ms under exactly-once), so gaps of a few
 * hundred milliseconds are the steady state.
 */
final class ScoreArrivals implements AutoCloseable {
  private final KafkaConsumer<byte[], byte[]> consumer;
  private final Map<Integer, List<Instant>> arrivals = new ConcurrentHashMap<>();
  private final AtomicBoolean stopped = new AtomicBoolean();
  private final Thread thread = new Thread(this::run, "score-arrivals");

  ScoreArrivals(Properties client, String topic) {
    Properties p = new Properties();
    p.putAll(client);
    p.put(ConsumerConfig.GROUP_ID_CONFIG, "score-arrivals-" + UUID.randomUUID());
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
        .map(info -> new TopicPartition(topic, info.partition())).toList();
    consumer.assign(partitions);
    consumer.seekToEnd(partitions);
    thread.start();
  }

  private void run() {
    while (!stopped.get()) {
      var records = consumer.poll(Duration.ofMillis(50));
      Instant now = Instant.now();
      for (ConsumerRecord<byte[], byte[]> record : records) {
        arrivals.computeIfAbsent(record.partition(), p -> new ArrayList<>());
        List<Instant> times = arrivals.get(record.partition());
        synchronized (times) {
          if (times.isEmpty() || !times.get(times.size() - 1).equals(now)) times.add(now);
        }
      }
    }
    consumer.close();
  }

  /**
   * The longest stretch without an arrival on each partition between {@code from} and {@code to}
   * (a partition with none at all: the whole stretch).
   */
  Map<Integer, Duration> longestGaps(Instant from, Instant to, int partitions) {
    Map<Integer, Duration> gaps = new TreeMap<>();
    for (int partition = 0; partition < partitions; partition++) {
      List<Instant> times = arrivals.getOrDefault(partition, List.of());
      Instant previous = from;
      Duration longest = Duration.ZERO;
      synchronized (times) {
        for (Instant time : times) {
          if (time.isBefore(from) || time.isAfter(to)) continue;
          longest = max(longest, Duration.between(previous, time));
          previous = time;
        }
      }
      gaps.put(partition, max(longest, Duration.between(previous, to)));
    }
    return gaps;
  }

  private static Duration max(Duration a, Duration b) {
    return a.compareTo(b) >= 0 ? a : b;
  }

  @Override
  public void close() throws InterruptedException {
    stopped.set(true);
    thread.join();
  }
}
