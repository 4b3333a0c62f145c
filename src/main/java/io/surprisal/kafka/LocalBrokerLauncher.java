package io.surprisal.kafka;

import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.net.MalformedURLException;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * Starts the in-process broker of the demo and bench-throughput. The broker (kafka_2.13, Scala,
 * Kafka's server modules, log4j-core) is kept off the detector's class path: {@code mvn package}
 * puts it, with {@link EmbeddedKafkaBroker} itself, in {@value #DIRECTORY}/ beside surprisal.jar,
 * and this class loads it from there. Where {@link EmbeddedKafkaBroker} is on the class path already
 * (the tests, an IDE), that one is used.
 */
public final class LocalBrokerLauncher {
  /** The directory beside the jar that holds the broker's jars. */
  public static final String DIRECTORY = "demo-lib";
  private static final String BROKER_CLASS = "io.surprisal.kafka.EmbeddedKafkaBroker";

  private LocalBrokerLauncher() {}

  /**
   * Starts a broker and returns once it answers, or throws {@link IllegalStateException} ({@link
   * BrokerLibrariesMissingException} if {@value #DIRECTORY}/ is missing or holds no jar).
   */
  public static LocalBroker start() {
    ClassLoader own = LocalBrokerLauncher.class.getClassLoader();
    try {
      return startBroker(Class.forName(BROKER_CLASS, true, own));
    } catch (ClassNotFoundException notOnClassPath) {
      return startFrom(besideJar());
    }
  }

  /** Loads the broker from the jars in {@code directory} and starts it. */
  static LocalBroker startFrom(Path directory) {
    List<Path> jars = jars(directory);
    if (jars.isEmpty()) throw new BrokerLibrariesMissingException(directory);
    // Parent first: Kafka's clients, Streams, SLF4J and LocalBroker are the application's own, so
    // the broker and the detector talk through the same classes.
    URLClassLoader loader = new URLClassLoader("demo-broker", urls(jars),
        LocalBrokerLauncher.class.getClassLoader());
    Thread thread = Thread.currentThread();
    ClassLoader previous = thread.getContextClassLoader();
    // The broker's threads inherit the context loader of the thread that starts them, and Kafka
    // loads its configured classes through it.
    thread.setContextClassLoader(loader);
    try {
      return new Loaded(startBroker(Class.forName(BROKER_CLASS, true, loader)), loader);
    } catch (ClassNotFoundException e) {
      closeQuietly(loader);
      throw new BrokerLibrariesMissingException(directory);
    } catch (RuntimeException | Error e) {
      closeQuietly(loader);
      throw e;
    } finally {
      thread.setContextClassLoader(previous);
    }
  }

  /** A broker loaded from {@value #DIRECTORY}/: its loader is closed after it. */
  private record Loaded(LocalBroker broker, URLClassLoader loader) implements LocalBroker {
    @Override
    public String bootstrapServers() {
      return broker.bootstrapServers();
    }

    @Override
    public void close() {
      try {
        broker.close();
      } finally {
        closeQuietly(loader);
      }
    }
  }

  private static LocalBroker startBroker(Class<?> brokerClass) {
    try {
      return (LocalBroker) brokerClass.getMethod("start").invoke(null);
    } catch (InvocationTargetException e) {
      if (e.getCause() instanceof RuntimeException runtime) throw runtime;
      if (e.getCause() instanceof Error error) throw error;
      throw new IllegalStateException("Kafka broker failed to start: " + e.getCause(), e);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(BROKER_CLASS + ".start() cannot be called: " + e, e);
    }
  }

  /** demo-lib/ beside the jar (or class directory) this class was loaded from. */
  private static Path besideJar() {
    try {
      Path codeSource = Path.of(LocalBrokerLauncher.class.getProtectionDomain().getCodeSource()
          .getLocation().toURI());
      return codeSource.resolveSibling(DIRECTORY);
    } catch (URISyntaxException e) {
      throw new IllegalStateException("cannot locate the jar holding " + LocalBrokerLauncher.class
          + ": " + e.getMessage(), e);
    }
  }

  private static List<Path> jars(Path directory) {
    if (!Files.isDirectory(directory)) return List.of();
    try (Stream<Path> files = Files.list(directory)) {
      return files.filter(p -> p.getFileName().toString().endsWith(".jar")).sorted().toList();
    } catch (IOException e) {
      throw new IllegalStateException("cannot list " + directory + ": " + e.getMessage(), e);
    }
  }

  private static URL[] urls(List<Path> jars) {
    URL[] urls = new URL[jars.size()];
    for (int i = 0; i < urls.length; i++) {
      try {
        urls[i] = jars.get(i).toUri().toURL();
      } catch (MalformedURLException e) {
        throw new IllegalStateException("not a jar path: " + jars.get(i), e);
      }
    }
    return urls;
  }

  private static void closeQuietly(URLClassLoader loader) {
    try {
      loader.close();
    } catch (IOException e) {
      // Only open jar files to release; the process ends soon after the demo's broker does.
    }
  }
}
