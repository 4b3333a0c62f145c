package io.surprisal.metrics;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The detector's HTTP endpoint on the JDK's own server: {@code /metrics} (Prometheus text format),
 * {@code /health}, {@code /ready}, the status page at {@code /} and its data at {@code
 * /api/status}. Read-only: every route answers GET and HEAD, anything else is 405. Requests are
 * served one at a time on a daemon thread of its own, so the endpoint can neither slow the stream
 * threads nor keep the JVM alive.
 */
final class MetricsServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(MetricsServer.class);
  private static final ObjectMapper JSON = JsonMapper.builder().build();
  static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

  /** What the endpoint reports; each call reads the current state. */
  interface Probes {
    /** The Streams client's state, e.g. RUNNING. */
    String streamsState();

    /** Whether the instance is alive: its Streams client has not stopped or failed. */
    boolean healthy();

    /** Whether the instance should receive traffic: RUNNING with a live model. */
    boolean ready();

    /** The live model's version, or 0. */
    long modelVersion();
  }

  private final HttpServer server;
  private final ExecutorService executor;

  /**
   * Binds and starts serving.
   *
   * @param port 0 picks a free port; {@link #address()} says which
   * @throws IllegalArgumentException when the address cannot be bound (in use, not local)
   */
  MetricsServer(String bind, int port, PrometheusMeterRegistry registry, Probes probes,
      Supplier<Map<String, Object>> status) {
    try {
      server = HttpServer.create(new InetSocketAddress(bind, port), 0);
    } catch (IOException e) {
      // The user's to fix, like any bad setting: the CLI prints this message, no stack trace.
      throw new IllegalArgumentException(
          "cannot listen on " + bind + ":" + port + ": " + e.getMessage()
              + "; choose another address or port with surprisal.metrics.bind/port or "
              + "--metrics-bind/--metrics-port (port 0 picks a free one)", e);
    }
    server.createContext("/metrics", readOnly(exchange -> {
      ByteArrayOutputStream body = new ByteArrayOutputStream(16 * 1024);
      registry.scrape(body);
      send(exchange, 200, PROMETHEUS_TEXT, body.toByteArray());
    }));
    server.createContext("/health", readOnly(exchange -> sendJson(exchange,
        probes.healthy() ? 200 : 503,
        Map.of("status", probes.healthy() ? "UP" : "DOWN", "state", probes.streamsState()))));
    server.createContext("/ready", readOnly(exchange -> sendJson(exchange,
        probes.ready() ? 200 : 503,
        Map.of("ready", probes.ready(), "state", probes.streamsState(),
            "modelVersion", probes.modelVersion()))));
    server.createContext("/api/status", readOnly(exchange -> sendJson(exchange, 200, status.get())));
    byte[] page = statusPage();
    server.createContext("/", readOnly(exchange -> {
      if (!exchange.getRequestURI().getPath().equals("/")) {
        send(exchange, 404, "text/plain; charset=utf-8",
            ("no such page: " + exchange.getRequestURI().getPath()
                + "; try /, /metrics, /health, /ready, /api/status\n")
                .getBytes(StandardCharsets.UTF_8));
        return;
      }
      send(exchange, 200, "text/html; charset=utf-8", page);
    }));
    executor = Executors.newSingleThreadExecutor(runnable -> {
      Thread thread = new Thread(runnable, "surprisal-http");
      thread.setDaemon(true);
      return thread;
    });
    server.setExecutor(executor);
    server.start();
  }

  /** The bound address, with the real port when 0 was asked for. */
  InetSocketAddress address() {
    return server.getAddress();
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }

  private static HttpHandler readOnly(HttpHandler handler) {
    return exchange -> {
      try (exchange) {
        String method = exchange.getRequestMethod();
        if (!method.equals("GET") && !method.equals("HEAD")) {
          exchange.getResponseHeaders().set("Allow", "GET, HEAD");
          send(exchange, 405, "text/plain; charset=utf-8",
              (method + " is not allowed; this endpoint is read-only\n")
                  .getBytes(StandardCharsets.UTF_8));
          return;
        }
        handler.handle(exchange);
      } catch (RuntimeException | IOException e) {
        log.warn("HTTP {} {} failed", exchange.getRequestMethod(), exchange.getRequestURI(), e);
        throw e;
      }
    };
  }

  private static void sendJson(HttpExchange exchange, int status, Object body) throws IOException {
    send(exchange, status, "application/json", JSON.writeValueAsBytes(body));
  }

  private static void send(HttpExchange exchange, int status, String contentType, byte[] body)
      throws IOException {
    exchange.getResponseHeaders().set("Content-Type", contentType);
    exchange.getResponseHeaders().set("Cache-Control", "no-store");
    boolean head = exchange.getRequestMethod().equals("HEAD");
    exchange.sendResponseHeaders(status, head ? -1 : body.length == 0 ? -1 : body.length);
    if (!head) {
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    }
  }

  private static byte[] statusPage() {
    try (InputStream in = MetricsServer.class.getResourceAsStream("status.html")) {
      if (in == null) throw new IllegalStateException("status.html is missing from the jar");
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read status.html", e);
    }
  }
}
