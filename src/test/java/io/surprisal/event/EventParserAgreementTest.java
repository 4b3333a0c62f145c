package io.surprisal.event;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * EventParser reads valid events from tokens and leaves everything else to the tree parser
 * (EventTreeParser). These tests hold the two to one contract: on valid events and on seeded
 * mutations of them (characters dropped, doubled, replaced; fields repeated, mistyped, out of
 * range), the parser gives exactly the tree parser's event or exactly its refusal reason; and every
 * valid event takes the token path, so the speed is not lost silently.
 */
class EventParserAgreementTest {
  private static final int DIMENSION = 16;
  private static final int EVENTS = 20_000;
  private static final String[] ODD_VALUES = {
    "0", "1", "-1", "16", "15", "0.5", "1.0", "1e3", "-0", "2147483648", "99999999999999999999",
    "null", "true", "\"1\"", "[]", "{}", "[1,1]", "\"0101010101010101\"", "\"\"", "NaN",
    "\"2024-05-01T12:00:00Z\"", "\"2024-05-01\"", "{\"a\":[[[]]]}"
  };
  private static final String[] FIELDS = {
    "id", "timestamp", "features", "active", "bits", "attributes", "other"
  };

  private final EventParser parser = new EventParser(DIMENSION);
  private final EventTreeParser reference = new EventTreeParser(DIMENSION);
  private final SplittableRandom random = new SplittableRandom(20261126L);

  @Test
  void shouldReadEveryValidEventFromTokensAsTheTreeParserReadsIt() throws Exception {
    for (int i = 0; i < EVENTS; i++) {
      String text = validEvent(i);
      byte[] payload = text.getBytes(StandardCharsets.UTF_8);
      Event expected = reference.parse(payload);
      assertThat(parser.readTokens(payload)).as(text).isEqualTo(expected);
      assertThat(parser.parse(payload)).as(text).isEqualTo(expected);
    }
  }

  @Test
  void shouldGiveTheTreeParsersEventOrReasonForMutatedEvents() {
    int refused = 0;
    for (int i = 0; i < EVENTS; i++) {
      byte[] payload = mutate(validEvent(i));
      Outcome expected = outcome(reference::parse, payload);
      assertThat(outcome(parser::parse, payload))
          .as(new String(payload, StandardCharsets.UTF_8))
          .isEqualTo(expected);
      if (expected.reason() != null) refused++;
    }
    // Both kinds of outcome must be well represented, or the comparison proves little.
    assertThat(refused).isBetween(EVENTS / 5, EVENTS * 4 / 5);
  }

  @Test
  void shouldLeaveRefusalsAndRepeatedFieldsToTheTreeParser() {
    byte[] repeated = "{\"id\":\"a\",\"id\":\"b\",\"active\":[1]}".getBytes(StandardCharsets.UTF_8);
    byte[] outOfRange = "{\"id\":\"a\",\"active\":[16]}".getBytes(StandardCharsets.UTF_8);
    byte[] trailing = "{\"id\":\"a\",\"active\":[1]} {}".getBytes(StandardCharsets.UTF_8);
    assertThat(parser.readTokens(repeated)).isNull();
    assertThat(parser.readTokens(outOfRange)).isNull();
    assertThat(parser.readTokens(trailing)).isNull();
  }

  private record Outcome(Event event, String reason) {}

  private interface Parse {
    Event apply(byte[] payload) throws InvalidEventException;
  }

  private static Outcome outcome(Parse parse, byte[] payload) {
    try {
      return new Outcome(parse.apply(payload), null);
    } catch (InvalidEventException e) {
      return new Outcome(null, e.getMessage());
    }
  }

  /** A valid event of a random shape, with optional fields in a random order. */
  private String validEvent(int n) {
    List<String> fields = new ArrayList<>();
    fields.add("\"id\":\"e-" + n + (random.nextInt(10) == 0 ? "\\u00e9\\\"x" : "") + "\"");
    switch (random.nextInt(3)) {
      case 0 -> {
        StringBuilder dense = new StringBuilder("\"features\":[");
        for (int d = 0; d < DIMENSION; d++) {
          dense.append(d == 0 ? "" : ",").append(random.nextInt(4) == 0 ? 1 : 0);
        }
        fields.add(dense.append(']').toString());
      }
      case 1 -> {
        List<Integer> indices = new ArrayList<>();
        for (int d = 0; d < DIMENSION; d++) if (random.nextInt(4) == 0) indices.add(d);
        if (random.nextBoolean()) java.util.Collections.shuffle(indices, new java.util.Random(n));
        fields.add("\"active\":" + indices.toString().replace(" ", ""));
      }
      default -> {
        StringBuilder bits = new StringBuilder("\"bits\":\"");
        for (int d = 0; d < DIMENSION; d++) bits.append(random.nextInt(4) == 0 ? '1' : '0');
        fields.add(bits.append('"').toString());
      }
    }
    switch (random.nextInt(4)) {
      case 0 -> fields.add("\"timestamp\":" + random.nextLong(0, Long.MAX_VALUE));
      case 1 -> fields.add("\"timestamp\":\"2024-05-01T14:00:00.250+02:00\"");
      case 2 -> fields.add("\"timestamp\":null");
      default -> { }
    }
    switch (random.nextInt(3)) {
      case 0 -> fields.add("\"attributes\":{\"shop\":\"s-" + n + "\",\"amount\":12.5,"
          + "\"tags\":[\"a\",{\"b\":null}]}");
      case 1 -> fields.add("\"attributes\":null");
      default -> { }
    }
    if (random.nextInt(4) == 0) fields.add("\"source\":{\"v\":[1,2.5,\"x\"]}");
    java.util.Collections.shuffle(fields, new java.util.Random(n));
    return (random.nextBoolean() ? " " : "") + "{" + String.join(",", fields) + "}"
        + (random.nextBoolean() ? "\n" : "");
  }

  /** One structural or value-level change, chosen at random. */
  private byte[] mutate(String event) {
    String text = event;
    switch (random.nextInt(6)) {
      case 0 -> { // drop a character
        int at = random.nextInt(text.length());
        text = text.substring(0, at) + text.substring(at + 1);
      }
      case 1 -> { // double a character
        int at = random.nextInt(text.length());
        text = text.substring(0, at + 1) + text.substring(at);
      }
      case 2 -> { // replace a character by a JSON-significant one
        int at = random.nextInt(text.length());
        String significant = "{}[],:\"01 x-";
        text = text.substring(0, at) + significant.charAt(random.nextInt(significant.length()))
            + text.substring(at + 1);
      }
      case 3 -> { // add a field, possibly repeating a known one, with an odd value
        String field = FIELDS[random.nextInt(FIELDS.length)];
        String value = ODD_VALUES[random.nextInt(ODD_VALUES.length)];
        int brace = text.indexOf('{');
        text = text.substring(0, brace + 1) + "\"" + field + "\":" + value + ","
            + text.substring(brace + 1);
      }
      case 4 -> { // replace a number in an array by an odd value
        int comma = text.indexOf(',', text.indexOf('['));
        if (comma > 0) {
          text = text.substring(0, comma + 1) + ODD_VALUES[random.nextInt(ODD_VALUES.length)]
              + text.substring(comma + 1);
        }
      }
      default -> { } // unchanged: valid events must agree too
    }
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
