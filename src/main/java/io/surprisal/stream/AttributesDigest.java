package io.surprisal.stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.surprisal.event.MessageJson;

/**
 * What an alert carries in place of attributes too large for its record: that they were cut, their
 * size as JSON, and the SHA-256 of that JSON, so a consumer can still match them to the event.
 */
final class AttributesDigest {
  private AttributesDigest() {}

  static ObjectNode of(JsonNode attributes) {
    byte[] json = MessageJson.write(attributes);
    ObjectNode digest = JsonNodeFactory.instance.objectNode();
    digest.put("truncated", true);
    digest.put("bytes", json.length);
    digest.put("sha256", DeadLetterRecords.sha256(json));
    return digest;
  }
}
