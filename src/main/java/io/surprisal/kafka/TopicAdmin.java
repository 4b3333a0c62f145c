package io.surprisal.kafka;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates topics idempotently and waits for them to appear in metadata. Owns one {@link Admin}
 * client, closed by {@link #close()}.
 */
public final class TopicAdmin implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(TopicAdmin.class);
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration POLL_INTERVAL = Duration.ofMillis(100);

  private final Admin admin;

  public TopicAdmin(String bootstrapServers) {
    this(bootstrapServers, new Properties());
  }

  /**
   * @param clientProperties the Admin client's settings among them (security settings, for
   *     example) are passed through; others, such as Streams settings, are left out so the Admin
   *     does not warn about them. Copied, never modified.
   */
  public TopicAdmin(String bootstrapServers, Properties clientProperties) {
    if (bootstrapServers == null || bootstrapServers.isBlank()) {
      throw new IllegalArgumentException(
          "bootstrap.servers must not be blank, got '" + bootstrapServers + "'");
    }
    Properties props = new Properties();
    for (String key : clientProperties.stringPropertyNames()) {
      if (AdminClientConfig.configNames().contains(key)) {
        props.setProperty(key, clientProperties.getProperty(key));
      }
    }
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    this.admin = Admin.create(props);
  }

  /**
   * Creates the topic unless it exists. An existing topic is left as it is; one with fewer
   * partitions than asked is logged as a warning: adding partitions would move keys, so that is
   * left to an operator.
   *
   * @return true if this call created the topic
   */
  public boolean ensureTopic(
      String name, int partitions, short replication, Map<String, String> configs) {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("topic name must not be blank, got '" + name + "'");
    }
    if (partitions < 1) {
      throw new IllegalArgumentException(
          "partitions of " + name + " must be >= 1, got " + partitions);
    }
    if (replication < 1) {
      throw new IllegalArgumentException(
          "replication of " + name + " must be >= 1, got " + replication);
    }
    NewTopic topic = new NewTopic(name, partitions, replication).configs(configs);
    try {
      await(admin.createTopics(List.of(topic)).all(), "create topic " + name);
      LOG.info("Created topic {} ({} partitions, replication {})", name, partitions, replication);
      return true;
    } catch (TopicExistsException e) {
      int existing = describe(List.of(name)).get(name).partitions().size();
      if (existing < partitions) {
        LOG.warn("Topic {} exists with {} partitions, fewer than the {} asked for",
            name, existing, partitions);
      }
      return false;
    }
  }

  /**
   * Waits until every topic is in metadata and each of its partitions has a leader, so that
   * producers and Kafka Streams do not start against a topic that is still being created.
   *
   * @throws TimeoutException if some topic is still missing after {@code timeout}
   */
  public void awaitTopics(Collection<String> names, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      try {
        boolean ready = describe(names).values().stream()
            .allMatch(d -> d.partitions().stream().allMatch(p -> p.leader() != null));
        if (ready) {
          return;
        }
      } catch (UnknownTopicOrPartitionException e) {
        // not visible yet: poll again
      }
      if (System.nanoTime() > deadline) {
        throw new TimeoutException("Topics " + names + " not ready in metadata within " + timeout);
      }
      sleep(POLL_INTERVAL);
    }
  }

  @Override
  public void close() {
    admin.close();
  }

  private Map<String, TopicDescription> describe(Collection<String> names) {
    return await(admin.describeTopics(names).allTopicNames(), "describe topics " + names);
  }

  /** Unwraps the future's failure so callers can catch Kafka's own exception types. */
  private static <T> T await(KafkaFuture<T> future, String action) {
    try {
      return future.get(REQUEST_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof KafkaException cause) {
        throw cause;
      }
      throw new KafkaException("Failed to " + action, e.getCause());
    } catch (java.util.concurrent.TimeoutException e) {
      throw new TimeoutException("Could not " + action + " within " + REQUEST_TIMEOUT, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new KafkaException("Interrupted while trying to " + action, e);
    }
  }

  private static void sleep(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new KafkaException("Interrupted while waiting for topics", e);
    }
  }
}
