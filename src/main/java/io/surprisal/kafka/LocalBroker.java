package io.surprisal.kafka;

/**
 * A Kafka broker on this machine for the demo and bench-throughput, as they see it: an address to
 * connect to, and a close that stops it. {@link LocalBrokerLauncher} starts one.
 */
public interface LocalBroker extends AutoCloseable {
  /** The plaintext listener's host:port. */
  String bootstrapServers();

  /** Stops the broker and deletes its data; later calls do nothing. */
  @Override
  void close();
}
