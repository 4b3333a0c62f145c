package io.surprisal.event;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.Iterator;

/**
 * The reference reading of an event: the whole payload as a Jackson tree, then each rule in turn,
 * so that a refusal names the field and the offending value. {@link EventParser} reads valid events
 * without a tree and hands every payload it does not accept to this class, which is therefore the
 * single source of every dead-letter reason.
 *
 * <p>Accepted shapes (see schemas/event.schema.json): dense {@code "features": [0,1,...]}, sparse
 * {@code "active": [3,17,...]} or {@code "bits": "0110..."}; exactly one of them. Unknown fields are
 * ignored so producers can add fields without breaking the detector.
 */
final class EventTreeParser {
  /** Nesting this deep is never a real event; refusing it early keeps hostile input cheap. */
  static final int MAX_NESTING_DEPTH = 64;

  /**
   * The longest event id accepted, in characters. Every score and alert repeats the id (JSON
   * escaping can grow it sixfold), so an unbounded id could push them past the broker's record
   * size limit; real ids are far shorter.
   */
  static final int MAX_ID_LENGTH = 1024;

  /** Shared with {@link EventParser}, so both read the payload under the same constraints. */
  static final ObjectMapper MAPPER = createMapper();

  private final int dimension;

  EventTreeParser(int dimension) {
    if (dimension <= 0) {
      throw new IllegalArgumentException("feature dimension must be > 0, got " + dimension);
    }
    this.dimension = dimension;
  }

  private static ObjectMapper createMapper() {
    // Trailing content (two events in one record, stray bytes) is malformed, not ignored.
    JsonMapper mapper =
        JsonMapper.builder().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();
    mapper
        .getFactory()
        .setStreamReadConstraints(
            StreamReadConstraints.builder().maxNestingDepth(MAX_NESTING_DEPTH).build());
    return mapper;
  }

  Event parse(byte[] payload) throws InvalidEventException {
    if (payload == null || payload.length == 0) {
      throw new InvalidEventException("payload is empty");
    }
    JsonNode root;
    try {
      root = MAPPER.readTree(payload);
    } catch (StreamConstraintsException e) {
      throw new InvalidEventException(
          "JSON nesting is deeper than the " + MAX_NESTING_DEPTH + " levels allowed");
    } catch (JsonProcessingException e) {
      throw new InvalidEventException("malformed JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new InvalidEventException("unreadable payload: " + e.getMessage());
    }
    if (root == null || root.isMissingNode()) {
      throw new InvalidEventException("payload is empty");
    }
    return parseTree(root);
  }

  /** The rules on an event already read into a tree, by this class or another wire format. */
  Event parseTree(JsonNode root) throws InvalidEventException {
    if (!root.isObject()) {
      throw new InvalidEventException(
          "event must be a JSON object, got " + root.getNodeType().name().toLowerCase());
    }
    return new Event(parseId(root), parseTimestamp(root), parseFeatures(root), parseAttributes(root));
  }

  private static String parseId(JsonNode root) throws InvalidEventException {
    JsonNode id = root.get("id");
    if (id == null || id.isNull()) {
      throw new InvalidEventException("id is missing");
    }
    if (!id.isTextual() || id.textValue().isEmpty()) {
      throw new InvalidEventException("id must be a non-empty string, got " + abbreviate(id));
    }
    if (id.textValue().length() > MAX_ID_LENGTH) {
      throw new InvalidEventException("id has " + id.textValue().length()
          + " characters, more than the " + MAX_ID_LENGTH + " allowed");
    }
    return id.textValue();
  }

  private static Long parseTimestamp(JsonNode root) throws InvalidEventException {
    JsonNode timestamp = root.get("timestamp");
    if (timestamp == null || timestamp.isNull()) {
      return null;
    }
    if (timestamp.isIntegralNumber() && timestamp.canConvertToLong() && timestamp.longValue() >= 0) {
      return timestamp.longValue();
    }
    Instant instant = timestamp.isTextual() ? instantOrNull(timestamp.textValue()) : null;
    if (instant != null) {
      // Kafka refuses negative timestamps, and so do we: as epoch numbers and as instants.
      if (instant.isBefore(Instant.EPOCH)) {
        throw new InvalidEventException(
            "timestamp " + abbreviate(timestamp) + " is before 1970-01-01T00:00:00Z");
      }
      try {
        return instant.toEpochMilli();
      } catch (ArithmeticException e) {
        // past epoch milliseconds' range: the shared message below
      }
    }
    throw new InvalidEventException(
        "timestamp must be epoch milliseconds or an ISO-8601 instant, got " + abbreviate(timestamp));
  }

  private BitVector parseFeatures(JsonNode root) throws InvalidEventException {
    JsonNode features = root.get("features");
    JsonNode active = root.get("active");
    JsonNode bits = root.get("bits");
    int shapes = (features != null ? 1 : 0) + (active != null ? 1 : 0) + (bits != null ? 1 : 0);
    if (shapes != 1) {
      throw new InvalidEventException(
          "event needs exactly one of features, active, bits; got "
              + (shapes == 0 ? "none" : shapes));
    }
    if (features != null) return parseDense(features);
    if (active != null) return parseSparse(active);
    return parseBitString(bits);
  }

  private BitVector parseDense(JsonNode features) throws InvalidEventException {
    if (!features.isArray()) {
      throw new InvalidEventException("features must be an array, got " + abbreviate(features));
    }
    if (features.size() != dimension) {
      throw new InvalidEventException(
          "features has " + features.size() + " values, expected " + dimension);
    }
    int[] values = new int[dimension];
    for (int d = 0; d < dimension; d++) {
      values[d] = zeroOrOne(features.get(d), "features[" + d + "]");
    }
    return BitVector.ofDense(values);
  }

  private static int zeroOrOne(JsonNode value, String field) throws InvalidEventException {
    if (value.isIntegralNumber() && value.canConvertToInt()) {
      int v = value.intValue();
      if (v == 0 || v == 1) return v;
    }
    throw new InvalidEventException(field + "=" + abbreviate(value) + " is not 0 or 1");
  }

  private BitVector parseSparse(JsonNode active) throws InvalidEventException {
    if (!active.isArray()) {
      throw new InvalidEventException("active must be an array, got " + abbreviate(active));
    }
    if (active.size() > dimension) {
      throw new InvalidEventException(
          "active has " + active.size() + " indices, more than the dimension " + dimension);
    }
    boolean[] seen = new boolean[dimension];
    int[] indices = new int[active.size()];
    Iterator<JsonNode> elements = active.elements();
    for (int i = 0; elements.hasNext(); i++) {
      JsonNode element = elements.next();
      String field = "active[" + i + "]";
      if (!element.isIntegralNumber() || !element.canConvertToInt()) {
        throw new InvalidEventException(field + "=" + abbreviate(element) + " is not an integer");
      }
      int index = element.intValue();
      if (index < 0 || index >= dimension) {
        throw new InvalidEventException(
            field + "=" + index + " is outside 0.." + (dimension - 1));
      }
      if (seen[index]) {
        throw new InvalidEventException(field + "=" + index + " repeats an earlier index");
      }
      seen[index] = true;
      indices[i] = index;
    }
    Arrays.sort(indices);
    return BitVector.trusted(dimension, indices);
  }

  private BitVector parseBitString(JsonNode bits) throws InvalidEventException {
    if (!bits.isTextual()) {
      throw new InvalidEventException("bits must be a string of 0 and 1, got " + abbreviate(bits));
    }
    String text = bits.textValue();
    if (text.length() != dimension) {
      throw new InvalidEventException(
          "bits has length " + text.length() + ", expected " + dimension);
    }
    int[] values = new int[dimension];
    for (int d = 0; d < dimension; d++) {
      char c = text.charAt(d);
      if (c != '0' && c != '1') {
        throw new InvalidEventException("bits[" + d + "]='" + c + "' is not '0' or '1'");
      }
      values[d] = c - '0';
    }
    return BitVector.ofDense(values);
  }

  private static JsonNode parseAttributes(JsonNode root) throws InvalidEventException {
    JsonNode attributes = root.get("attributes");
    if (attributes == null || attributes.isNull()) {
      return null;
    }
    if (!attributes.isObject()) {
      throw new InvalidEventException("attributes must be an object, got " + abbreviate(attributes));
    }
    return attributes;
  }

  static JsonNode attributesTree(String text) throws InvalidEventException {
    try {
      JsonNode tree = MAPPER.readTree(text);
      if (tree == null || tree.isMissingNode()) {
        throw new InvalidEventException(
            "attributes must be the text of a JSON object, got an empty string");
      }
      return tree;
    } catch (StreamConstraintsException e) {
      throw new InvalidEventException(
          "attributes nest deeper than the " + MAX_NESTING_DEPTH + " levels allowed");
    } catch (JsonProcessingException e) {
      throw new InvalidEventException("attributes must be the text of a JSON object, got malformed"
          + " JSON: " + e.getOriginalMessage());
    }
  }

  private static Instant instantOrNull(String text) {
    try {
      return Instant.parse(text);
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  /** A value as JSON text, cut short so a reason never carries a whole hostile payload. */
  private static String abbreviate(JsonNode value) {
    String text = value.toString();
    return text.length() <= 40 ? text : text.substring(0, 37) + "...";
  }
}
