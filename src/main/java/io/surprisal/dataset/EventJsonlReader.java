package io.surprisal.dataset;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.surprisal.event.Event;
import io.surprisal.event.EventParser;
import io.surprisal.event.InvalidEventException;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads JSON Lines in the event format (schemas/event.schema.json), one event per line, validated
 * by the same {@link EventParser} the detector uses, with an optional label field: 0/1 or
 * false/true, true meaning anomaly.
 *
 * <p>Strict, as {@link LabelledCsvReader}: an invalid event, an empty line, or (when a label field
 * is named) a missing or non-binary label stops the read with the line number and the parser's
 * reason. Each line is parsed twice, once by the event parser and once for the label; offline
 * reading can afford it and the parser stays the detector's, unchanged.
 */
public final class EventJsonlReader {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private final String labelField;
  private final Integer dimension;

  /**
   * @param labelField the label's field name, or null when events carry none
   * @param dimension L, or null to take it from the first event's {@code features} or {@code bits}
   */
  public EventJsonlReader(String labelField, Integer dimension) {
    if (dimension != null && dimension <= 0) {
      throw new IllegalArgumentException("dimension must be > 0, got " + dimension);
    }
    this.labelField = labelField;
    this.dimension = dimension;
  }

  public Dataset read(BufferedReader in, String source) throws IOException {
    List<LabelledRow> rows = new ArrayList<>();
    EventParser parser = null;
    long lineNumber = 0;
    String line;
    while ((line = in.readLine()) != null) {
      lineNumber++;
      if (line.isBlank()) {
        throw new DatasetFormatException(source, lineNumber, "empty line, expected one event");
      }
      JsonNode tree = tree(line, lineNumber, source);
      if (parser == null) {
        parser = new EventParser(dimension != null ? dimension : inferDimension(tree, source));
      }
      Event event;
      try {
        event = parser.parse(line.getBytes(StandardCharsets.UTF_8));
      } catch (InvalidEventException e) {
        throw new DatasetFormatException(source, lineNumber, e.getMessage());
      }
      rows.add(new LabelledRow(event.id(), event.features(), label(tree, lineNumber, source)));
    }
    if (parser == null) {
      throw new DatasetFormatException(source, 1, "no events: the file is empty");
    }
    return new Dataset(source, parser.dimension(), rows);
  }

  private static JsonNode tree(String line, long lineNumber, String source) {
    try {
      return MAPPER.readTree(line);
    } catch (JsonProcessingException e) {
      throw new DatasetFormatException(source, lineNumber, "malformed JSON: " + e.getOriginalMessage());
    }
  }

  private static int inferDimension(JsonNode first, String source) {
    JsonNode features = first.get("features");
    if (features != null && features.isArray() && features.size() > 0) return features.size();
    JsonNode bits = first.get("bits");
    if (bits != null && bits.isTextual() && !bits.textValue().isEmpty()) return bits.textValue().length();
    throw new DatasetFormatException(source, 1,
        "cannot tell the dimension from the first event (it has no dense features or bits): "
            + "give the dimension explicitly");
  }

  private Boolean label(JsonNode event, long lineNumber, String source) {
    if (labelField == null) return null;
    JsonNode value = event.get(labelField);
    if (value == null || value.isNull()) {
      throw new DatasetFormatException(source, lineNumber, "label field " + labelField + " is missing");
    }
    if (value.isBoolean()) return value.booleanValue();
    if (value.isIntegralNumber() && (value.asLong() == 0 || value.asLong() == 1)) {
      return value.asLong() == 1;
    }
    throw new DatasetFormatException(source, lineNumber, "label field " + labelField + ": value "
        + value + " is not 0, 1, false or true");
  }
}
