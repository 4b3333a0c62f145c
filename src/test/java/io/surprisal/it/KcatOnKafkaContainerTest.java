package io.surprisal.it;

import org.testcontainers.junit.jupiter.Testcontainers;

/** {@link KcatEndToEndTest} on an apache/kafka container; skipped where no Docker answers. */
@Testcontainers(disabledWithoutDocker = true)
class KcatOnKafkaContainerTest extends KcatEndToEndTest {
  @Override
  TestBroker startBroker() {
    return TestBroker.container();
  }
}
