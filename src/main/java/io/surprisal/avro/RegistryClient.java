package io.surprisal.avro;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;

/**
 * A client of the Confluent-compatible schema registry REST API (Confluent Schema Registry,
 * Apicurio's {@code /apis/ccompat/v7}, Redpanda, Karapace), the two calls the detector needs:
 * registering the schemas it writes, {@code POST /subjects/{subject}/versions}, and looking up
 * the writer schema of a framed record by its id, {@code GET /schemas/ids/{id}}. Schemas by id are
 * cached for the life of the client: a registry never changes the schema behind an id.
 *
 * <p>Thread-safe; the stream threads share one.
 */
public final class RegistryClient {
  private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final String baseUrl;
  private final Duration timeout;
  private final HttpClient http;
  private final Map<Integer, Schema> schemasById = new ConcurrentHashMap<>();

  /**
   * @param baseUrl the registry's API root, e.g. http://registry:8081 or
   *     http://apicurio:8080/apis/ccompat/v7
   * @param timeout for connecting and for each request: a lookup blocks the stream thread that
   *     meets a new schema id
   */
  public RegistryClient(URI baseUrl, Duration timeout) {
    String url = baseUrl.toString();
    this.baseUrl = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    this.timeout = timeout;
    this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
  }

  /**
   * Registers an Avro schema under a subject (idempotent: the same schema gets its existing id).
   *
   * @return the schema's registry id, the one to frame records with
   */
  public int register(String subject, Schema schema) throws RegistryException {
    String body;
    try {
      body = JSON.writeValueAsString(Map.of("schema", schema.toString()));
    } catch (IOException e) {
      throw new RegistryException("cannot write the registration of " + subject, e);
    }
    HttpRequest request = request("/subjects/" + subject + "/versions")
        .header("Content-Type", CONTENT_TYPE)
        .POST(HttpRequest.BodyPublishers.ofString(body))
        .build();
    JsonNode answer = send(request, "registering a schema under subject " + subject);
    JsonNode id = answer.get("id");
    if (id == null || !id.canConvertToInt()) {
      throw new RegistryException("registry " + baseUrl + " answered the registration under "
          + subject + " without an integer id: " + abbreviate(answer.toString()), false);
    }
    schemasById.putIfAbsent(id.intValue(), schema);
    return id.intValue();
  }

  /** The Avro schema the registry holds under an id, from the cache after the first call. */
  public Schema schema(int id) throws RegistryException {
    Schema cached = schemasById.get(id);
    if (cached != null) return cached;
    HttpRequest request = request("/schemas/ids/" + id).GET().build();
    JsonNode answer = send(request, "looking up schema id " + id);
    JsonNode type = answer.get("schemaType");
    if (type != null && type.isTextual() && !type.textValue().equals("AVRO")) {
      throw new RegistryException(
          "schema id " + id + " is a " + type.textValue() + " schema, not Avro", false);
    }
    JsonNode text = answer.get("schema");
    if (text == null || !text.isTextual()) {
      throw new RegistryException(
          "registry " + baseUrl + " answered schema id " + id + " without a schema", false);
    }
    Schema schema;
    try {
      schema = new Schema.Parser().parse(text.textValue());
    } catch (SchemaParseException e) {
      throw new RegistryException(
          "schema id " + id + " is not an Avro schema: " + abbreviate(e.getMessage()), false);
    }
    Schema raced = schemasById.putIfAbsent(id, schema);
    return raced != null ? raced : schema;
  }

  private HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(URI.create(baseUrl + path))
        .timeout(timeout)
        .header("Accept", CONTENT_TYPE + ", application/json");
  }

  private JsonNode send(HttpRequest request, String what) throws RegistryException {
    HttpResponse<String> response;
    try {
      response = http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new RegistryException(
          what + ": registry " + baseUrl + " cannot be reached: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RegistryException(what + ": interrupted", e);
    }
    if (response.statusCode() == 404) {
      throw new RegistryException(what + ": the registry " + baseUrl + " does not know it (404 "
          + abbreviate(response.body()) + ")", true);
    }
    if (response.statusCode() / 100 != 2) {
      throw new RegistryException(what + ": registry " + baseUrl + " answered HTTP "
          + response.statusCode() + " " + abbreviate(response.body()), false);
    }
    try {
      return JSON.readTree(response.body());
    } catch (IOException e) {
      throw new RegistryException(what + ": registry " + baseUrl + " answered with no JSON: "
          + abbreviate(response.body()), false);
    }
  }

  private static String abbreviate(String text) {
    return text.length() <= 200 ? text : text.substring(0, 197) + "...";
  }
}
