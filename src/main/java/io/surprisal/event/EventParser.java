package io.surprisal.event;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import java.io.IOException;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.Arrays;

/**
 * Turns raw event bytes into a validated {@link Event} of a fixed dimension L, or an {@link
 * InvalidEventException} whose message names the field and the offending value.
 *
 * <p>Accepted shapes (see schemas/event.schema.json): dense {@code "features": [0,1,...]}, sparse
 * {@code "active": [3,17,...]} or {@code "bits": "0110..."}; exactly one of them. Unknown fields are
 * ignored so producers can add fields without breaking the detector.
 *
 * <p>Two readers, one contract. Every event first goes through a token reader that builds the
 * {@link BitVector} straight from Jackson's tokens, with no tree of one node per value and no walk
 * over it; the saving grows with the number of values (EventPathBenchmark, docs/benchmarks.md: at
 * L = 784 dense, about a third less than building the tree alone, in two noisy runs). The token
 * reader only accepts; at the first thing it does not expect (a wrong type, a value out of range,
 * a repeated field, malformed JSON) it gives up and the payload is read again by {@link
 * EventTreeParser}, which finds and words the reason. So the reasons are the tree parser's own, word for word, and a refused
 * payload costs two reads; refusals are rare and never the throughput that matters.
 * EventParserAgreementTest checks that both readers give the same event or the same reason.
 *
 * <p>Thread-safe: holds no per-event state.
 */
public final class EventParser implements EventReader {
  /**
   * Reads the attributes object and unknown fields' values into trees exactly as the tree parser
   * does. Its trailing-token check is off because it reads one value in the middle of the payload;
   * the token reader checks the end of the payload itself.
   */
  private static final ObjectReader SUBTREE =
      EventTreeParser.MAPPER.reader().without(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private final int dimension;
  private final EventTreeParser reference;

  public EventParser(int dimension) {
    this.reference = new EventTreeParser(dimension);
    this.dimension = dimension;
  }

  public int dimension() {
    return dimension;
  }

  @Override
  public Event parse(byte[] payload) throws InvalidEventException {
    if (payload == null || payload.length == 0) {
      throw new InvalidEventException("payload is empty");
    }
    Event event = readTokens(payload);
    return event != null ? event : reference.parse(payload);
  }

  /**
   * An event already read into a JSON tree by another wire format (Avro), checked by the same
   * rules with the same reasons as a JSON payload: one contract for every format.
   */
  public Event parseTree(JsonNode root) throws InvalidEventException {
    return reference.parseTree(root);
  }

  /**
   * The attributes of another wire format, carried there as the text of a JSON object: read under
   * the same constraints as a JSON event's (nesting depth), refused with a reason naming the field.
   */
  public static JsonNode attributesTree(String text) throws InvalidEventException {
    return EventTreeParser.attributesTree(text);
  }

  /**
   * The event when the payload is certainly valid, else null (the tree parser then decides).
   * Package-private so tests can check that valid events never take the slow path.
   */
  Event readTokens(byte[] payload) {
    try (JsonParser json = EventTreeParser.MAPPER.getFactory().createParser(payload)) {
      return readEvent(json);
    } catch (IOException | RuntimeException e) {
      // Malformed or hostile input: the tree parser reads it again and names the problem.
      return null;
    }
  }

  private Event readEvent(JsonParser json) throws IOException {
    if (json.nextToken() != JsonToken.START_OBJECT) return null;
    String id = null;
    Long timestamp = null;
    BitVector features = null;
    JsonNode attributes = null;
    // Each known field at most once: with a repeat, the tree's last-one-wins must decide.
    boolean seenId = false, seenTimestamp = false, seenAttributes = false;
    int shapes = 0;
    String field;
    while ((field = json.nextFieldName()) != null) {
      JsonToken value = json.nextToken();
      switch (field) {
        case "id" -> {
          if (seenId || value != JsonToken.VALUE_STRING) return null;
          seenId = true;
          id = json.getText();
          if (id.isEmpty() || id.length() > EventTreeParser.MAX_ID_LENGTH) return null;
        }
        case "timestamp" -> {
          if (seenTimestamp) return null;
          seenTimestamp = true;
          if (value != JsonToken.VALUE_NULL) {
            timestamp = readTimestamp(json, value);
            if (timestamp == null) return null;
          }
        }
        case "features" -> {
          if (++shapes > 1 || value != JsonToken.START_ARRAY) return null;
          features = readDense(json);
        }
        case "active" -> {
          if (++shapes > 1 || value != JsonToken.START_ARRAY) return null;
          features = readSparse(json);
        }
        case "bits" -> {
          if (++shapes > 1 || value != JsonToken.VALUE_STRING) return null;
          features = readBitString(json.getText());
        }
        case "attributes" -> {
          if (seenAttributes) return null;
          seenAttributes = true;
          if (value == JsonToken.START_OBJECT) {
            attributes = SUBTREE.readTree(json);
          } else if (value != JsonToken.VALUE_NULL) {
            return null;
          }
        }
        // Ignored, but read as the tree parser reads it, so that what the tree would refuse
        // inside it (invalid UTF-8, nesting, oversized numbers) is refused here too.
        default -> SUBTREE.readTree(json);
      }
      if (shapes == 1 && features == null) return null;
    }
    if (json.currentToken() != JsonToken.END_OBJECT || json.nextToken() != null) return null;
    if (id == null || features == null) return null;
    return new Event(id, timestamp, features, attributes);
  }

  private static Long readTimestamp(JsonParser json, JsonToken value) throws IOException {
    if (value == JsonToken.VALUE_NUMBER_INT) {
      JsonParser.NumberType type = json.getNumberType();
      if (type != JsonParser.NumberType.INT && type != JsonParser.NumberType.LONG) return null;
      long millis = json.getLongValue();
      return millis >= 0 ? millis : null;
    }
    if (value == JsonToken.VALUE_STRING) {
      try {
        long millis = Instant.parse(json.getText()).toEpochMilli();
        return millis >= 0 ? millis : null;
      } catch (DateTimeException | ArithmeticException e) {
        return null;
      }
    }
    return null;
  }

  /** At the array's start; returns null at the first value that is not the integer 0 or 1. */
  private BitVector readDense(JsonParser json) throws IOException {
    int[] active = new int[dimension];
    int count = 0;
    int d = 0;
    JsonToken token;
    while ((token = json.nextToken()) != JsonToken.END_ARRAY) {
      if (d == dimension || !isInt(json, token)) return null;
      int v = json.getIntValue();
      if (v == 1) {
        active[count++] = d;
      } else if (v != 0) {
        return null;
      }
      d++;
    }
    if (d != dimension) return null;
    return BitVector.trusted(dimension, Arrays.copyOf(active, count));
  }

  /** At the array's start; returns null at the first index out of range, repeated or not an int. */
  private BitVector readSparse(JsonParser json) throws IOException {
    int[] indices = new int[Math.min(dimension, 64)];
    int count = 0;
    boolean ascending = true;
    JsonToken token;
    while ((token = json.nextToken()) != JsonToken.END_ARRAY) {
      if (count == dimension || !isInt(json, token)) return null;
      int index = json.getIntValue();
      if (index < 0 || index >= dimension) return null;
      if (count == indices.length) indices = Arrays.copyOf(indices, Math.min(dimension, 2 * count));
      if (count > 0 && index <= indices[count - 1]) ascending = false;
      indices[count++] = index;
    }
    int[] sorted = Arrays.copyOf(indices, count);
    if (!ascending) {
      Arrays.sort(sorted);
      for (int i = 1; i < count; i++) if (sorted[i] == sorted[i - 1]) return null;
    }
    return BitVector.trusted(dimension, sorted);
  }

  private BitVector readBitString(String text) {
    if (text.length() != dimension) return null;
    int count = 0;
    for (int d = 0; d < dimension; d++) {
      char c = text.charAt(d);
      if (c == '1') {
        count++;
      } else if (c != '0') {
        return null;
      }
    }
    int[] active = new int[count];
    for (int d = 0, next = 0; next < count; d++) if (text.charAt(d) == '1') active[next++] = d;
    return BitVector.trusted(dimension, active);
  }

  /** An integer token that fits an int: the tree parser's test is the same (an IntNode). */
  private static boolean isInt(JsonParser json, JsonToken token) throws IOException {
    return token == JsonToken.VALUE_NUMBER_INT
        && json.getNumberType() == JsonParser.NumberType.INT;
  }
}
