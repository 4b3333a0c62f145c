package io.surprisal.avro;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.avro.Schema;

/**
 * A schema registry on the JDK's HTTP server, speaking the two calls of the Confluent-compatible
 * REST API the detector uses: {@code POST /subjects/{subject}/versions} with {"schema": "..."}
 * answers {"id": N} (the same schema text gets the same id, as in the real registries), and
 * {@code GET /schemas/ids/{id}} answers {"schema": "..."} or 404 with error_code 40403. Ids start
 * at 1. Apicurio Registry could not be run here (see docs/wire-formats.md#avro).
 */
public final class InTestSchemaRegistry implements AutoCloseable {
  private static final Pattern REGISTER = Pattern.compile("/subjects/([^/]+)/versions");
  private static final Pattern LOOKUP = Pattern.compile("/schemas/ids/(-?[0-9]+)");
  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpServer server;
  private final List<String> schemas = new ArrayList<>();
  private final Map<String, List<Integer>> subjects = new LinkedHashMap<>();

  private InTestSchemaRegistry(HttpServer server) {
    this.server = server;
  }

  /** Starts on a free loopback port. */
  public static InTestSchemaRegistry start() {
    try {
      HttpServer server =
          HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
      InTestSchemaRegistry registry = new InTestSchemaRegistry(server);
      server.createContext("/", registry::handle);
      server.start();
      return registry;
    } catch (IOException e) {
      throw new IllegalStateException("cannot start the in-test schema registry", e);
    }
  }

  public URI url() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  /** Registers as a producer would, without HTTP: the id, for framing test records. */
  public synchronized int register(String subject, Schema schema) {
    return idOf(subject, schema.toString());
  }

  /** The ids registered under a subject, in order. */
  public synchronized List<Integer> versions(String subject) {
    return List.copyOf(subjects.getOrDefault(subject, List.of()));
  }

  /** The schema behind an id, as a consumer would look it up. */
  public synchronized Schema schema(int id) {
    return new Schema.Parser().parse(schemas.get(id - 1));
  }

  private synchronized int idOf(String subject, String schema) {
    int index = schemas.indexOf(schema);
    if (index < 0) {
      schemas.add(schema);
      index = schemas.size() - 1;
    }
    int id = index + 1;
    List<Integer> versions = subjects.computeIfAbsent(subject, s -> new ArrayList<>());
    if (!versions.contains(id)) versions.add(id);
    return id;
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getPath();
      Matcher register = REGISTER.matcher(path);
      Matcher lookup = LOOKUP.matcher(path);
      if (exchange.getRequestMethod().equals("POST") && register.matches()) {
        JsonNode body = JSON.readTree(exchange.getRequestBody());
        if (body == null || !body.path("schema").isTextual()) {
          answer(exchange, 422, Map.of("error_code", 42201, "message", "no schema"));
          return;
        }
        answer(exchange, 200, Map.of("id", idOf(register.group(1), body.get("schema").textValue())));
      } else if (exchange.getRequestMethod().equals("GET") && lookup.matches()) {
        long id = Long.parseLong(lookup.group(1));
        String schema;
        synchronized (this) {
          schema = id >= 1 && id <= schemas.size() ? schemas.get((int) id - 1) : null;
        }
        if (schema == null) {
          answer(exchange, 404, Map.of("error_code", 40403, "message", "Schema not found"));
        } else {
          answer(exchange, 200, Map.of("schema", schema));
        }
      } else {
        answer(exchange, 404, Map.of("error_code", 404, "message", "no such endpoint " + path));
      }
    }
  }

  private static void answer(HttpExchange exchange, int status, Map<String, Object> body)
      throws IOException {
    byte[] bytes = JSON.writeValueAsString(body).getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/vnd.schemaregistry.v1+json");
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
