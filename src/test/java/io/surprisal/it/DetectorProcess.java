package io.surprisal.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The detector as a child JVM ({@code surprisal run --config FILE}), as an operator runs it, so
 * that a test can kill it the hard way: {@link #kill()} is SIGKILL ({@link
 * Process#destroyForcibly()} on Linux), with no shutdown hook, no commit and no group leave. Each
 * start writes stdout and stderr to its own file, {@code <name>-<n>.log} in the log directory,
 * kept after the test for whoever has to read why it failed.
 *
 * <p>The child runs on this JVM's class path with ND4J's settings for small machines
 * (OMP_NUM_THREADS=1, no physical-memory probe) and a small heap, since the broker and the test
 * share the machine with it.
 */
final class DetectorProcess implements AutoCloseable {
  /** DetectorService logs this once the Streams client is RUNNING. */
  static final String RUNNING_LINE = "Detector running";

  private static final Pattern WINDOW_LINE =
      Pattern.compile("Trainer task \\S+ started with (\\d+) samples in its window");

  private final String name;
  private final Path configFile;
  private final Path logDirectory;
  private final List<String> extraArguments;
  private final Map<String, String> environment = new LinkedHashMap<>();
  private final List<Path> logs = new ArrayList<>();
  private Process process;

  /**
   * @param configFile the detector's properties file, read by the child alone
   * @param extraArguments appended to {@code run --config FILE}, e.g. {@code --replication 1}
   */
  DetectorProcess(String name, Path configFile, Path logDirectory, List<String> extraArguments) {
    this.name = name;
    this.configFile = configFile;
    this.logDirectory = logDirectory;
    this.extraArguments = List.copyOf(extraArguments);
  }

  /** Sets an environment variable of the children started from now on; returns this. */
  DetectorProcess withEnvironment(String variable, String value) {
    environment.put(variable, value);
    return this;
  }

  /** Writes a properties file for {@link #DetectorProcess}; returns its path. */
  static Path writeConfig(Path file, Properties properties) {
    try {
      Files.createDirectories(file.getParent());
      try (var out = Files.newBufferedWriter(file)) {
        properties.store(out, "detector under test");
      }
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Starts a new child JVM; the previous one must be gone. */
  synchronized void start() {
    if (process != null && process.isAlive()) {
      throw new IllegalStateException(name + " is still running (pid " + process.pid() + ")");
    }
    Path log = logDirectory.resolve(name + "-" + (logs.size() + 1) + ".log");
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx384m", "-XX:+UseSerialGC",
        "-Dorg.bytedeco.javacpp.maxPhysicalBytes=0",
        "io.surprisal.cli.SurprisalCommand", "run", "--config", configFile.toString()));
    command.addAll(extraArguments);
    ProcessBuilder builder = new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(log.toFile());
    // Through the environment: the test class path is long for one argument.
    builder.environment().put("CLASSPATH", System.getProperty("java.class.path"));
    builder.environment().put("OMP_NUM_THREADS", "1");
    builder.environment().putAll(environment);
    try {
      Files.createDirectories(logDirectory);
      process = builder.start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + name, e);
    }
    logs.add(log);
  }

  /** Waits until the current child logs that it is RUNNING; fails with its log's tail if not. */
  void awaitRunning(Duration timeout) throws InterruptedException {
    awaitLog(RUNNING_LINE, timeout);
  }

  /** Waits until the current child's log contains {@code text}. */
  void awaitLog(String text, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!currentLog().contains(text)) {
      if (!process.isAlive()) {
        throw new AssertionError(name + " exited with " + process.exitValue() + " before logging '"
            + text + "':\n" + tail());
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError(
            name + " did not log '" + text + "' within " + timeout + ":\n" + tail());
      }
      Thread.sleep(100);
    }
  }

  /** SIGKILL: the child gets no chance to commit, flush or leave its group. */
  synchronized void kill() throws InterruptedException {
    process.destroyForcibly();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      throw new AssertionError(name + " survived SIGKILL for 30 s");
    }
  }

  /**
   * SIGTERM, the orderly stop: the shutdown hook closes the Streams client (committing and leaving
   * the group). Fails unless the child exits within the timeout with 143 (128 + SIGTERM, what the
   * JVM reports after its shutdown hooks ran) or 0.
   */
  synchronized void stop(Duration timeout) throws InterruptedException {
    process.destroy();
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      process.destroyForcibly().waitFor();
      throw new AssertionError(name + " did not stop within " + timeout + " of SIGTERM");
    }
    int code = process.exitValue();
    if (code != 143 && code != 0) {
      throw new AssertionError(name + " exited with " + code + " after SIGTERM:\n" + tail());
    }
  }

  /** An empty directory at {@code path} (what a previous run left there is deleted). */
  static Path emptyDirectory(Path path) {
    try {
      if (Files.exists(path)) {
        try (var paths = Files.walk(path)) {
          paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
      }
      return Files.createDirectories(path);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Waits for the child to exit by itself; its exit code, or fails after the timeout. */
  int awaitExit(Duration timeout) throws InterruptedException {
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new AssertionError(name + " still runs after " + timeout + ":\n" + tail());
    }
    return process.exitValue();
  }

  String name() {
    return name;
  }

  boolean isAlive() {
    return process != null && process.isAlive();
  }

  int starts() {
    return logs.size();
  }

  /** The whole output of the current (latest) child. */
  String currentLog() {
    return read(logs.get(logs.size() - 1));
  }

  /**
   * The training window each start found when its trainer task began (after restoring the store
   * from its changelog), in start order; starts that never ran the trainer task are left out.
   */
  List<Integer> windowSizesAtTrainerStart() {
    List<Integer> sizes = new ArrayList<>();
    for (Path log : logs) {
      Matcher matcher = WINDOW_LINE.matcher(read(log));
      if (matcher.find()) sizes.add(Integer.parseInt(matcher.group(1)));
    }
    return sizes;
  }

  /** Every line of every start's output, in start order. */
  List<String> allLines() {
    List<String> lines = new ArrayList<>();
    for (Path log : logs) lines.addAll(read(log).lines().toList());
    return lines;
  }

  /** The last lines of the current child's output, for failure messages. */
  String tail() {
    String[] lines = currentLog().split("\n");
    return String.join("\n",
        List.of(lines).subList(Math.max(0, lines.length - 40), lines.length));
  }

  /** Kills a child still running: a failed test must not leave a detector behind. */
  @Override
  public synchronized void close() {
    if (process != null && process.isAlive()) {
      process.destroyForcibly();
      try {
        process.waitFor(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
