package io.surprisal.kafka;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Kafka broker (KRaft, combined broker and controller) running inside this JVM,
 * for the demo and the integration tests. It owns a temporary directory that {@link #close()}
 * deletes; nothing outside 127.0.0.1 can reach it.
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafkaBroker.class);
  private static final String HOST = "127.0.0.1";
  private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

  private final KafkaRaftServer server;
  private final Path directory;
  private final String bootstrapServers;
  private final AtomicBoolean closed = new AtomicBoolean();

  private EmbeddedKafkaBroker(KafkaRaftServer server, Path directory, String bootstrapServers) {
    this.server = server;
    this.directory = directory;
    this.bootstrapServers = bootstrapServers;
  }

  public static EmbeddedKafkaBroker start() {
    return start(Map.of());
  }

  /**
   * Starts a broker and returns once it answers {@code describeCluster}, or throws {@link
   * IllegalStateException}. Entries of {@code extraBrokerProperties} override the defaults.
   */
  public static EmbeddedKafkaBroker start(Map<String, String> extraBrokerProperties) {
    long startedAt = System.nanoTime();
    Path directory = null;
    KafkaRaftServer server = null;
    try {
      directory = Files.createTempDirectory("surprisal-kafka-");
      int[] ports = twoFreePorts();
      Map<String, String> properties = new LinkedHashMap<>();
      properties.putAll(listenerProperties(ports[0], ports[1]));
      properties.putAll(brokerProperties(directory.resolve("logs")));
      properties.putAll(extraBrokerProperties);
      format(directory, properties);
      server = new KafkaRaftServer(new KafkaConfig(properties), Time.SYSTEM);
      server.startup();
      String bootstrapServers = HOST + ":" + ports[0];
      String clusterId = awaitCluster(bootstrapServers);
      LOG.info("Kafka broker listening on {} (controller port {}, cluster {}, started in {} ms)",
          bootstrapServers, ports[1], clusterId, (System.nanoTime() - startedAt) / 1_000_000);
      return new EmbeddedKafkaBroker(server, directory, bootstrapServers);
    } catch (IOException | RuntimeException e) {
      stopAndDelete(server, directory);
      if (e instanceof IllegalStateException ise) throw ise;
      throw new IllegalStateException("Kafka broker failed to start: " + e.getMessage(), e);
    }
  }

  public String bootstrapServers() {
    return bootstrapServers;
  }

  /** The temporary directory holding the config file and the log directory; gone after close. */
  Path directory() {
    return directory;
  }

  /** Stops the broker and deletes its directory; later calls do nothing. */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      stopAndDelete(server, directory);
    }
  }

  // Every listener setting lives here: PLAINTEXT for clients (and the start-up check), CONTROLLER
  // for the KRaft quorum. A secured client listener joins the first one here.
  private static Map<String, String> listenerProperties(int brokerPort, int controllerPort) {
    String broker = "PLAINTEXT://" + HOST + ":" + brokerPort;
    String controller = "CONTROLLER://" + HOST + ":" + controllerPort;
    return Map.of(
        "listeners", broker + "," + controller,
        "advertised.listeners", broker + "," + controller,
        "listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
        "inter.broker.listener.name", "PLAINTEXT",
        "controller.listener.names", "CONTROLLER",
        // A dynamic quorum (--standalone format) is found through bootstrap servers, not voters.
        "controller.quorum.bootstrap.servers", HOST + ":" + controllerPort);
  }

  private static Map<String, String> brokerProperties(Path logDirectory) {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("process.roles", "broker,controller");
    p.put("node.id", "1");
    p.put("log.dirs", logDirectory.toString());
    // One node: every internal topic must accept a single replica, or it is never created and
    // consumer groups, transactions (exactly_once_v2) and share groups hang.
    p.put("offsets.topic.replication.factor", "1");
    p.put("min.insync.replicas", "1"); // the offsets topic has no own min ISR setting
    p.put("transaction.state.log.replication.factor", "1");
    p.put("transaction.state.log.min.isr", "1");
    p.put("share.coordinator.state.topic.replication.factor", "1");
    p.put("share.coordinator.state.topic.min.isr", "1");
    // Fewer internal partitions: each one is a log to create on a two-core machine.
    p.put("offsets.topic.num.partitions", "1");
    p.put("transaction.state.log.num.partitions", "1");
    p.put("share.coordinator.state.topic.num.partitions", "1");
    p.put("group.initial.rebalance.delay.ms", "0");
    p.put("auto.create.topics.enable", "false"); // topics are created on purpose, by TopicAdmin
    // The cleaner reserves this much heap up front (128 MiB by default), per broker.
    p.put("log.cleaner.dedupe.buffer.size", String.valueOf(8 * 1024 * 1024));
    return p;
  }

  /** Writes the config file and formats the log directory as a standalone KRaft controller. */
  private static void format(Path directory, Map<String, String> properties) throws IOException {
    Path configFile = directory.resolve("server.properties");
    Properties config = new Properties();
    config.putAll(properties);
    try (OutputStream out = Files.newOutputStream(configFile)) {
      config.store(out, "embedded broker");
    }
    ByteArrayOutputStream output = new ByteArrayOutputStream();
    String[] args = {"format", "-t", Uuid.randomUuid().toString(), "-c", configFile.toString(),
        "--standalone"};
    int code = StorageTool.execute(args, new PrintStream(output, true, StandardCharsets.UTF_8));
    if (code != 0) {
      throw new IllegalStateException("kafka-storage format exited with " + code + ": "
          + output.toString(StandardCharsets.UTF_8).strip());
    }
  }

  private static String awaitCluster(String bootstrapServers) {
    Properties props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) START_TIMEOUT.toMillis());
    try (Admin admin = Admin.create(props)) {
      return admin.describeCluster().clusterId().get(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    } catch (InterruptedException | ExecutionException | TimeoutException e) {
      if (e instanceof InterruptedException) Thread.currentThread().interrupt();
      throw new IllegalStateException("Kafka broker on " + bootstrapServers
          + " did not answer describeCluster within " + START_TIMEOUT, e);
    }
  }

  private static void stopAndDelete(KafkaRaftServer server, Path directory) {
    try {
      if (server != null) {
        server.shutdown();
        server.awaitShutdown();
      }
    } finally {
      if (directory != null) {
        try (Stream<Path> paths = Files.walk(directory)) {
          paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
          LOG.warn("Could not delete broker directory {}: {}", directory, e.toString());
        }
      }
    }
  }

  /** Free now, bound by the broker moments later; both held at once so that they differ. */
  private static int[] twoFreePorts() throws IOException {
    InetAddress loopback = InetAddress.getByName(HOST);
    try (ServerSocket a = new ServerSocket(0, 1, loopback);
        ServerSocket b = new ServerSocket(0, 1, loopback)) {
      return new int[] {a.getLocalPort(), b.getLocalPort()};
    }
  }
}
