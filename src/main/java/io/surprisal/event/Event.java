package io.surprisal.event;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A validated event: its id, optional timestamp (epoch ms), the feature vector, and the caller's
 * attributes, which are carried untouched to the alert.
 *
 * @param timestamp epoch milliseconds, or null when the event carried none
 * @param attributes a JSON object, or null when the event carried none
 */
public record Event(String id, Long timestamp, BitVector features, JsonNode attributes) {
  public Event {
    if (id == null || id.isEmpty()) {
      throw new IllegalArgumentException("id must be a non-empty string, got " + id);
    }
    if (features == null) {
      throw new IllegalArgumentException("features must not be null");
    }
  }
}
