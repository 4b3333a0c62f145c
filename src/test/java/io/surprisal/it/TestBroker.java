package io.surprisal.it;

import io.surprisal.kafka.EmbeddedKafkaBroker;
import org.testcontainers.kafka.KafkaContainer;

/**
 * A Kafka broker for the integration tests: the in-process KRaft broker, or an apache/kafka
 * container. Integration test classes take their broker from here, so the same tests run on
 * either; {@code -Dsurprisal.test.broker=container} switches the default classes to the container.
 */
interface TestBroker extends AutoCloseable {
  /** The image the container variant runs; its Kafka version matches the client's. */
  String KAFKA_IMAGE = "apache/kafka:4.1.1";

  String bootstrapServers();

  @Override
  void close();

  /** The broker named by the system property surprisal.test.broker (embedded by default). */
  static TestBroker fromSystemProperty() {
    String kind = System.getProperty("surprisal.test.broker", "embedded");
    return switch (kind) {
      case "embedded" -> embedded();
      case "container" -> container();
      default -> throw new IllegalArgumentException(
          "surprisal.test.broker must be embedded or container, got " + kind);
    };
  }

  static TestBroker embedded() {
    EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start();
    return new TestBroker() {
      @Override
      public String bootstrapServers() {
        return broker.bootstrapServers();
      }

      @Override
      public void close() {
        broker.close();
      }
    };
  }

  static TestBroker container() {
    KafkaContainer container = new KafkaContainer(KAFKA_IMAGE);
    container.start();
    return new TestBroker() {
      @Override
      public String bootstrapServers() {
        return container.getBootstrapServers();
      }

      @Override
      public void close() {
        container.stop();
      }
    };
  }
}
