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
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
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
 *
 * <p>Not in surprisal.jar: it needs kafka_2.13 and the rest of the broker, which {@code mvn
 * package} puts in demo-lib/ beside the jar, with this class in surprisal-demo-broker.jar. The
 * commands start it through {@link LocalBrokerLauncher}; the tests use it directly.
 */
public final class EmbeddedKafkaBroker implements LocalBroker {

  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafkaBroker.class);
  private static final String HOST = "127.0.0.1";
  private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

  /** The plaintext client listener every broker has; the start-up check goes through it. */
  public static final String PLAINTEXT = "PLAINTEXT";

  /**
   * A client listener besides {@link #PLAINTEXT}, on a port of its own: its name (also the key of
   * its security protocol in {@code listener.security.protocol.map}) and its own settings, which
   * the broker reads under {@code listener.name.<name in lower case>.}, e.g. a SASL_SSL listener
   * with {@code ssl.keystore.location} and {@code plain.sasl.jaas.config}.
   */
  public record Listener(String name, String securityProtocol, Map<String, String> settings) {
    public Listener {
      if (name == null || !name.matches("[A-Z][A-Z0-9_]*") || name.equals(PLAINTEXT)
          || name.equals("CONTROLLER")) {
        throw new IllegalArgumentException("listener name must be upper case letters, digits and"
            + " underscores, other than PLAINTEXT and CONTROLLER, got " + name);
      }
      settings = Map.copyOf(settings);
    }
  }

  private final Map<String, String> properties;
  private final Path directory;
  /** Listener name to its host:port; the same across restarts. */
  private final Map<String, String> addresses;
  private final AtomicBoolean closed = new AtomicBoolean();
  private KafkaRaftServer server;

  private EmbeddedKafkaBroker(KafkaRaftServer server, Map<String, String> properties,
      Path directory, Map<String, String> addresses) {
    this.server = server;
    this.properties = properties;
    this.directory = directory;
    this.addresses = addresses;
  }

  public static EmbeddedKafkaBroker start() {
    return start(Map.of());
  }

  /**
   * Starts a broker and returns once it answers {@code describeCluster}, or throws {@link
   * IllegalStateException}. Entries of {@code extraBrokerProperties} override the defaults.
   */
  public static EmbeddedKafkaBroker start(Map<String, String> extraBrokerProperties) {
    return start(extraBrokerProperties, List.of());
  }

  /**
   * As {@link #start(Map)}, with client listeners besides the plaintext one; {@link
   * #bootstrapServers(String)} gives each one's address.
   */
  public static EmbeddedKafkaBroker start(
      Map<String, String> extraBrokerProperties, List<Listener> extraListeners) {
    long startedAt = System.nanoTime();
    Path directory = null;
    KafkaRaftServer server = null;
    try {
      directory = Files.createTempDirectory("surprisal-kafka-");
      int[] ports = freePorts(2 + extraListeners.size());
      Map<String, String> addresses = new LinkedHashMap<>();
      addresses.put(PLAINTEXT, HOST + ":" + ports[0]);
      for (int i = 0; i < extraListeners.size(); i++) {
        addresses.put(extraListeners.get(i).name(), HOST + ":" + ports[2 + i]);
      }
      Map<String, String> properties = new LinkedHashMap<>();
      properties.putAll(listenerProperties(addresses, ports[1], extraListeners));
      properties.putAll(brokerProperties(directory.resolve("logs")));
      properties.putAll(extraBrokerProperties);
      format(directory, properties);
      server = new KafkaRaftServer(new KafkaConfig(properties), Time.SYSTEM);
      server.startup();
      String clusterId = awaitCluster(addresses.get(PLAINTEXT));
      LOG.info("Kafka broker listening on {} (controller port {}, cluster {}, started in {} ms)",
          addresses, ports[1], clusterId, (System.nanoTime() - startedAt) / 1_000_000);
      return new EmbeddedKafkaBroker(server, Map.copyOf(properties), directory,
          Map.copyOf(addresses));
    } catch (IOException | RuntimeException e) {
      stopAndDelete(server, directory);
      if (e instanceof IllegalStateException ise) throw ise;
      throw new IllegalStateException("Kafka broker failed to start: " + e.getMessage(), e);
    }
  }

  /** The plaintext listener's host:port. */
  @Override
  public String bootstrapServers() {
    return addresses.get(PLAINTEXT);
  }

  /** The host:port of the listener of that name ({@link #PLAINTEXT} or an extra one). */
  public String bootstrapServers(String listenerName) {
    String address = addresses.get(listenerName);
    if (address == null) {
      throw new IllegalArgumentException(
          "no listener named " + listenerName + ", listeners: " + addresses.keySet());
    }
    return address;
  }

  /**
   * Shuts the broker down (a controlled shutdown, as an operator's restart does) and keeps its
   * log directory, so that {@link #restart()} brings back the same topics, offsets and
   * transactions. Clients see the broker gone until then.
   */
  public synchronized void stop() {
    if (server == null) return;
    long startedAt = System.nanoTime();
    server.shutdown();
    server.awaitShutdown();
    server = null;
    LOG.info("Kafka broker on {} stopped in {} ms", bootstrapServers(),
        (System.nanoTime() - startedAt) / 1_000_000);
  }

  /**
   * Starts the broker again on the same log directory and the same ports (stopping it first if it
   * runs) and returns once it answers {@code describeCluster}.
   */
  public synchronized void restart() {
    if (closed.get()) throw new IllegalStateException("broker is closed");
    stop();
    long startedAt = System.nanoTime();
    server = new KafkaRaftServer(new KafkaConfig(properties), Time.SYSTEM);
    server.startup();
    awaitCluster(bootstrapServers());
    LOG.info("Kafka broker on {} restarted in {} ms", bootstrapServers(),
        (System.nanoTime() - startedAt) / 1_000_000);
  }

  /** The temporary directory holding the config file and the log directory; gone after close. */
  Path directory() {
    return directory;
  }

  /** Stops the broker and deletes its directory; later calls do nothing. */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      synchronized (this) {
        stopAndDelete(server, directory);
        server = null;
      }
    }
  }

  // Every listener setting lives here: PLAINTEXT for clients (and the start-up check), CONTROLLER
  // for the KRaft quorum, and any extra client listener with its settings under its own prefix.
  private static Map<String, String> listenerProperties(
      Map<String, String> addresses, int controllerPort, List<Listener> extraListeners) {
    List<String> listeners = new ArrayList<>();
    addresses.forEach((name, address) -> listeners.add(name + "://" + address));
    listeners.add("CONTROLLER://" + HOST + ":" + controllerPort);
    List<String> protocols = new ArrayList<>(List.of("PLAINTEXT:PLAINTEXT", "CONTROLLER:PLAINTEXT"));
    Map<String, String> p = new LinkedHashMap<>();
    for (Listener listener : extraListeners) {
      protocols.add(listener.name() + ":" + listener.securityProtocol());
      String prefix = "listener.name." + listener.name().toLowerCase(Locale.ROOT) + ".";
      listener.settings().forEach((key, value) -> p.put(prefix + key, value));
    }
    p.put("listeners", String.join(",", listeners));
    p.put("advertised.listeners", String.join(",", listeners));
    p.put("listener.security.protocol.map", String.join(",", protocols));
    p.put("inter.broker.listener.name", PLAINTEXT);
    p.put("controller.listener.names", "CONTROLLER");
    // A dynamic quorum (--standalone format) is found through bootstrap servers, not voters.
    p.put("controller.quorum.bootstrap.servers", HOST + ":" + controllerPort);
    return p;
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

  /** Free now, bound by the broker moments later; all held at once so that they differ. */
  private static int[] freePorts(int count) throws IOException {
    InetAddress loopback = InetAddress.getByName(HOST);
    List<ServerSocket> sockets = new ArrayList<>();
    try {
      int[] ports = new int[count];
      for (int i = 0; i < count; i++) {
        ServerSocket socket = new ServerSocket(0, 1, loopback);
        sockets.add(socket);
        ports[i] = socket.getLocalPort();
      }
      return ports;
    } finally {
      for (ServerSocket socket : sockets) socket.close();
    }
  }
}
