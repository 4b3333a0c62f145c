package io.surprisal.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.IntegerDeserializer;
import org.apache.kafka.common.serialization.IntegerSerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class EmbeddedKafkaBrokerTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  private static EmbeddedKafkaBroker broker;

  @BeforeAll
  static void startBroker() {
    broker = EmbeddedKafkaBroker.start();
  }

  @AfterAll
  static void stopBroker() {
    broker.close();
  }

  @Test
  void shouldDeliverTransactionalRecordsToReadCommittedConsumer() {
    String topic = "transactional-events";
    try (TopicAdmin topics = new TopicAdmin(broker.bootstrapServers())) {
      assertThat(topics.ensureTopic(topic, 1, (short) 1, Map.of())).isTrue();
      topics.awaitTopics(List.of(topic), TIMEOUT);
    }

    try (KafkaProducer<Integer, String> producer = transactionalProducer()) {
      producer.initTransactions();
      // An aborted transaction first: read_committed must skip it, read_uncommitted would not.
      producer.beginTransaction();
      producer.send(new ProducerRecord<>(topic, -1, "aborted"));
      producer.flush();
      producer.abortTransaction();

      producer.beginTransaction();
      for (int i = 0; i < 100; i++) {
        producer.send(new ProducerRecord<>(topic, i, "event-" + i));
      }
      producer.commitTransaction();
    }

    assertThat(consumeReadCommitted(topic, 100))
        .containsExactlyElementsOf(IntStream.range(0, 100).boxed().toList());
  }

  @Test
  void shouldTreatExistingTopicAsAlreadyEnsured() {
    try (TopicAdmin topics = new TopicAdmin(broker.bootstrapServers())) {
      assertThat(topics.ensureTopic("twice", 2, (short) 1, Map.of("retention.ms", "60000"))).isTrue();
      // Asking for more partitions than exist only warns.
      assertThat(topics.ensureTopic("twice", 3, (short) 1, Map.of())).isFalse();
      topics.awaitTopics(List.of("twice"), TIMEOUT);
    }
  }

  @Test
  void shouldBeSafeToCloseTwiceAndDeleteItsDirectory() {
    EmbeddedKafkaBroker second = EmbeddedKafkaBroker.start();
    second.close();
    second.close();

    assertThat(second.directory()).doesNotExist();
  }

  @Test
  void shouldGiveConcurrentBrokersDifferentPorts() {
    try (EmbeddedKafkaBroker second = EmbeddedKafkaBroker.start()) {
      assertThat(second.bootstrapServers()).isNotEqualTo(broker.bootstrapServers());
      try (TopicAdmin topics = new TopicAdmin(second.bootstrapServers())) {
        assertThat(topics.ensureTopic("on-second-broker", 1, (short) 1, Map.of())).isTrue();
      }
    }
  }

  @Test
  void shouldKeepAddressTopicsAndRecordsWhenRestarted() {
    try (EmbeddedKafkaBroker restarted = EmbeddedKafkaBroker.start()) {
      String address = restarted.bootstrapServers();
      try (TopicAdmin topics = new TopicAdmin(address)) {
        topics.ensureTopic("kept", 1, (short) 1, Map.of());
        topics.awaitTopics(List.of("kept"), TIMEOUT);
      }
      Properties props = new Properties();
      props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, address);
      try (KafkaProducer<Integer, String> producer =
          new KafkaProducer<>(props, new IntegerSerializer(), new StringSerializer())) {
        for (int i = 0; i < 50; i++) producer.send(new ProducerRecord<>("kept", i, "event-" + i));
      }

      restarted.stop();
      restarted.restart();

      assertThat(restarted.bootstrapServers()).isEqualTo(address);
      try (TopicAdmin topics = new TopicAdmin(address)) {
        assertThat(topics.ensureTopic("kept", 1, (short) 1, Map.of())).as("created again").isFalse();
      }
      assertThat(consumeReadCommitted(address, "kept", 50))
          .containsExactlyElementsOf(IntStream.range(0, 50).boxed().toList());
    }
  }

  @Test
  void shouldFailWithBrokerPropertyNameWhenExtraPropertyIsInvalid() {
    assertThatThrownBy(() -> EmbeddedKafkaBroker.start(Map.of("num.partitions", "0")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("num.partitions");
  }

  private static KafkaProducer<Integer, String> transactionalProducer() {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
    props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "embedded-broker-test");
    return new KafkaProducer<>(props, new IntegerSerializer(), new StringSerializer());
  }

  /** Reads from the start of partition 0 until {@code expected} keys arrived or the time is up. */
  private static List<Integer> consumeReadCommitted(String topic, int expected) {
    return consumeReadCommitted(broker.bootstrapServers(), topic, expected);
  }

  private static List<Integer> consumeReadCommitted(
      String bootstrapServers, String topic, int expected) {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    List<Integer> keys = new ArrayList<>();
    try (KafkaConsumer<Integer, String> consumer =
        new KafkaConsumer<>(props, new IntegerDeserializer(), new StringDeserializer())) {
      TopicPartition partition = new TopicPartition(topic, 0);
      consumer.assign(List.of(partition));
      consumer.seekToBeginning(List.of(partition));
      long deadline = System.nanoTime() + TIMEOUT.toNanos();
      while (keys.size() < expected && System.nanoTime() < deadline) {
        for (ConsumerRecord<Integer, String> record : consumer.poll(Duration.ofMillis(200))) {
          assertThat(record.value()).isEqualTo("event-" + record.key());
          keys.add(record.key());
        }
      }
    }
    return keys;
  }
}
