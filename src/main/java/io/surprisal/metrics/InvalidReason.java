package io.surprisal.metrics;

import java.util.Locale;

/**
 * The class of a dead-lettered event's reason, a fixed and small set so that it can be a metric
 * tag. The dead letter keeps the precise reason ("active[4]=812 is outside 0..783"); the metric
 * only says which kind of problem it was. Derived from the wording of {@link
 * io.surprisal.event.EventParser}'s and io.surprisal.avro.AvroEventReader's messages; InvalidReasonTest feeds it real parser rejections,
 * so a reworded message that no longer matches fails there, not silently here.
 */
enum InvalidReason {
  /** No bytes, or nothing but whitespace. */
  EMPTY,
  /** Not parseable as JSON (syntax, encoding, nesting too deep). */
  MALFORMED_JSON,
  /**
   * Not readable as framed Avro (surprisal.format=avro): no magic byte, too short, bytes that do
   * not decode with their writer schema.
   */
  MALFORMED_AVRO,
  /** Framed Avro whose writer schema id is unknown, cannot be looked up or read as the event's. */
  SCHEMA,
  /** JSON, but not an event's shape: not an object, no or several feature forms, wrong length. */
  SHAPE,
  /** A feature index outside 0..L-1. */
  OUT_OF_RANGE,
  /** A feature value that is not a bit, an index that is not an integer or repeats. */
  VALUE,
  /** A bad id, record key, timestamp or attributes field. */
  FIELD,
  /** Anything else, including an unexpected parser error. */
  OTHER;

  /** The tag value: lowercase, underscores. */
  String tag() {
    return name().toLowerCase(Locale.ROOT);
  }

  static InvalidReason classify(String reason) {
    if (reason == null) return OTHER;
    if (reason.startsWith("payload is empty")) return EMPTY;
    if (reason.startsWith("malformed JSON") || reason.startsWith("unreadable payload")
        || reason.startsWith("JSON nesting")) {
      return MALFORMED_JSON;
    }
    if (reason.startsWith("avro schema id ")) return SCHEMA;
    if (reason.startsWith("avro ")) return MALFORMED_AVRO;
    if (reason.startsWith("id ") || reason.startsWith("key ") || reason.startsWith("timestamp ")
        || reason.startsWith("attributes ")) {
      return FIELD;
    }
    if (reason.contains(" is outside ")) return OUT_OF_RANGE;
    if (reason.contains(" is not 0 or 1") || reason.contains(" is not '0' or '1'")
        || reason.contains(" is not an integer") || reason.contains(" repeats an earlier index")) {
      return VALUE;
    }
    if (reason.startsWith("event ") || reason.startsWith("features ")
        || reason.startsWith("active ") || reason.startsWith("bits ")) {
      return SHAPE;
    }
    return OTHER;
  }
}
