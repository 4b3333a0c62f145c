package io.surprisal.it;

import org.testcontainers.junit.jupiter.Testcontainers;

/** {@link DetectorIntegrationTest} on an apache/kafka container; skipped where no Docker answers. */
@Testcontainers(disabledWithoutDocker = true)
class DetectorOnKafkaContainerTest extends DetectorIntegrationTest {
  @Override
  TestBroker startBroker() {
    return TestBroker.container();
  }
}
