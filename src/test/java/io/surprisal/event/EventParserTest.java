package io.surprisal.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class EventParserTest {
  private static final int DIMENSION = 784;
  private final EventParser parser = new EventParser(DIMENSION);
  private final EventParser small = new EventParser(8);

  private static byte[] json(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private Event parse(EventParser p, String text) throws InvalidEventException {
    return p.parse(json(text));
  }

  private void assertRefused(EventParser p, String text, String reason) {
    assertThatThrownBy(() -> p.parse(json(text)))
        .isInstanceOf(InvalidEventException.class)
        .hasMessage(reason);
  }

  @Test
  void shouldParseDenseSparseAndBitStringShapesToTheSameVector() throws Exception {
    Event dense = parse(small, "{\"id\":\"e1\",\"features\":[0,1,0,0,1,0,0,1]}");
    Event sparse = parse(small, "{\"id\":\"e1\",\"active\":[7,1,4]}");
    Event bits = parse(small, "{\"id\":\"e1\",\"bits\":\"01001001\"}");

    BitVector expected = BitVector.ofActive(8, 1, 4, 7);
    assertThat(dense.features()).isEqualTo(expected);
    assertThat(sparse.features()).isEqualTo(expected);
    assertThat(bits.features()).isEqualTo(expected);
    assertThat(sparse.features().activeIndices()).containsExactly(1, 4, 7);
    assertThat(bits.features().toBitString()).isEqualTo("01001001");
  }

  @Test
  void shouldParseEmptyActiveListAsAllZeroVector() throws Exception {
    Event event = parse(small, "{\"id\":\"zero\",\"active\":[]}");
    assertThat(event.features()).isEqualTo(BitVector.ofActive(8));
    assertThat(event.features().activeCount()).isZero();
  }

  @Test
  void shouldCarryIdEpochMillisTimestampAndAttributes() throws Exception {
    Event event =
        parse(
            small,
            "{\"id\":\"card-17\",\"timestamp\":1714564800123,\"active\":[2],"
                + "\"attributes\":{\"merchant\":\"m-9\",\"amount\":12.5,\"tags\":[\"a\",\"b\"]}}");
    assertThat(event.id()).isEqualTo("card-17");
    assertThat(event.timestamp()).isEqualTo(1_714_564_800_123L);
    assertThat(event.attributes().isObject()).isTrue();
    assertThat(event.attributes().toString())
        .isEqualTo("{\"merchant\":\"m-9\",\"amount\":12.5,\"tags\":[\"a\",\"b\"]}");
  }

  @Test
  void shouldConvertIsoInstantTimestampToEpochMillis() throws Exception {
    // 2024-05-01T12:00:00Z = 1714564800000 ms; 14:00:00.250+02:00 is the same instant plus 250 ms.
    assertThat(parse(small, "{\"id\":\"a\",\"timestamp\":\"2024-05-01T12:00:00Z\",\"bits\":\"00000000\"}")
            .timestamp())
        .isEqualTo(1_714_564_800_000L);
    assertThat(
            parse(small, "{\"id\":\"a\",\"timestamp\":\"2024-05-01T14:00:00.250+02:00\",\"bits\":\"00000000\"}")
                .timestamp())
        .isEqualTo(1_714_564_800_250L);
  }

  @Test
  void shouldTreatAbsentOrNullTimestampAndAttributesAsAbsent() throws Exception {
    Event absent = parse(small, "{\"id\":\"a\",\"bits\":\"00000001\"}");
    Event nulls =
        parse(small, "{\"id\":\"a\",\"timestamp\":null,\"attributes\":null,\"bits\":\"00000001\"}");
    assertThat(absent.timestamp()).isNull();
    assertThat(absent.attributes()).isNull();
    assertThat(nulls.timestamp()).isNull();
    assertThat(nulls.attributes()).isNull();
  }

  @Test
  void shouldIgnoreUnknownFields() throws Exception {
    Event event = parse(small, "{\"id\":\"a\",\"source\":\"pos\",\"version\":3,\"active\":[0]}");
    assertThat(event.features()).isEqualTo(BitVector.ofActive(8, 0));
  }

  @Test
  void shouldRefuseEmptyPayload() {
    assertThatThrownBy(() -> parser.parse(new byte[0]))
        .isInstanceOf(InvalidEventException.class)
        .hasMessage("payload is empty");
    assertThatThrownBy(() -> parser.parse(null))
        .isInstanceOf(InvalidEventException.class)
        .hasMessage("payload is empty");
    assertRefused(parser, "   \n", "payload is empty");
  }

  @Test
  void shouldRefuseMalformedJsonWithReasonStartingMalformedJson() {
    assertThatThrownBy(() -> parser.parse(json("{\"id\":\"a\",\"active\":[1,2")))
        .isInstanceOf(InvalidEventException.class)
        .hasMessageStartingWith("malformed JSON: ");
    assertThatThrownBy(() -> parser.parse(json("{id: 'a'}")))
        .isInstanceOf(InvalidEventException.class)
        .hasMessageStartingWith("malformed JSON: ");
  }

  @Test
  void shouldRefuseTrailingContentAfterTheEventAsMalformedJson() {
    // Two events concatenated in one record must not be scored as the first one alone.
    assertThatThrownBy(
            () -> small.parse(json("{\"id\":\"a\",\"active\":[1]}{\"id\":\"b\",\"active\":[2]}")))
        .isInstanceOf(InvalidEventException.class)
        .hasMessageStartingWith("malformed JSON: Trailing token (of type START_OBJECT)");
    assertThatThrownBy(() -> small.parse(json("{\"id\":\"a\",\"active\":[1]} x")))
        .isInstanceOf(InvalidEventException.class)
        .hasMessageStartingWith("malformed JSON: ");
  }

  @Test
  void shouldAcceptWhitespaceAroundTheEvent() throws Exception {
    Event event = parse(small, " \n{\"id\":\"a\",\"active\":[1]}\r\n\t ");
    assertThat(event.features()).isEqualTo(BitVector.ofActive(8, 1));
  }

  @Test
  void shouldRefuseNonObjectNamingTheJsonType() {
    assertRefused(parser, "[1,2,3]", "event must be a JSON object, got array");
    assertRefused(parser, "\"hello\"", "event must be a JSON object, got string");
    assertRefused(parser, "42", "event must be a JSON object, got number");
    assertRefused(parser, "null", "event must be a JSON object, got null");
  }

  @Test
  void shouldRefuseMissingId() {
    assertRefused(parser, "{\"active\":[1]}", "id is missing");
    assertRefused(parser, "{\"id\":null,\"active\":[1]}", "id is missing");
  }

  @Test
  void shouldRefuseIdThatIsNotANonEmptyString() {
    assertRefused(parser, "{\"id\":42,\"active\":[1]}", "id must be a non-empty string, got 42");
    assertRefused(parser, "{\"id\":\"\",\"active\":[1]}", "id must be a non-empty string, got \"\"");
    assertRefused(
        parser, "{\"id\":{\"n\":1},\"active\":[1]}", "id must be a non-empty string, got {\"n\":1}");
  }

  @Test
  void shouldRefuseEventWithNoFeatureShape() {
    assertRefused(
        parser, "{\"id\":\"a\"}", "event needs exactly one of features, active, bits; got none");
  }

  @Test
  void shouldRefuseEventWithTwoFeatureShapes() {
    assertRefused(
        small,
        "{\"id\":\"a\",\"active\":[1],\"bits\":\"01000000\"}",
        "event needs exactly one of features, active, bits; got 2");
    assertRefused(
        small,
        "{\"id\":\"a\",\"features\":[0,0,0,0,0,0,0,0],\"active\":[1],\"bits\":\"01000000\"}",
        "event needs exactly one of features, active, bits; got 3");
  }

  @Test
  void shouldRefuseDenseFeaturesOfWrongLength() {
    assertRefused(parser, "{\"id\":\"a\",\"features\":[0,1,1]}", "features has 3 values, expected 784");
    assertRefused(small, "{\"id\":\"a\",\"features\":[]}", "features has 0 values, expected 8");
  }

  @Test
  void shouldRefuseDenseFeaturesThatAreNotAnArray() {
    assertRefused(small, "{\"id\":\"a\",\"features\":\"0101\"}", "features must be an array, got \"0101\"");
    assertRefused(small, "{\"id\":\"a\",\"features\":null}", "features must be an array, got null");
  }

  @Test
  void shouldRefuseDenseValueThatIsNotZeroOrOne() {
    assertRefused(
        small, "{\"id\":\"a\",\"features\":[0,1,0,2,0,0,0,0]}", "features[3]=2 is not 0 or 1");
    assertRefused(
        small, "{\"id\":\"a\",\"features\":[0,1,0,0,0,0,0,-1]}", "features[7]=-1 is not 0 or 1");
    assertRefused(
        small, "{\"id\":\"a\",\"features\":[0,true,0,0,0,0,0,0]}", "features[1]=true is not 0 or 1");
  }

  @Test
  void shouldRefuseFractionalDenseValue() {
    assertRefused(
        small, "{\"id\":\"a\",\"features\":[0,0,0.5,0,0,0,0,0]}", "features[2]=0.5 is not 0 or 1");
    // 1.0 equals 1 numerically, but the contract asks for the integer 0 or 1.
    assertRefused(
        small, "{\"id\":\"a\",\"features\":[0,0,0,0,0,1.0,0,0]}", "features[5]=1.0 is not 0 or 1");
  }

  @Test
  void shouldDeadLetterEventWhenIndexOutOfRange() {
    assertRefused(
        parser, "{\"id\":\"a\",\"active\":[3,17,100,5,812]}", "active[4]=812 is outside 0..783");
    assertRefused(parser, "{\"id\":\"a\",\"active\":[784]}", "active[0]=784 is outside 0..783");
  }

  @Test
  void shouldAcceptBoundaryIndicesZeroAndDimensionMinusOne() throws Exception {
    Event event = parse(parser, "{\"id\":\"a\",\"active\":[783,0]}");
    assertThat(event.features().activeIndices()).containsExactly(0, 783);
    assertThat(event.features().dimension()).isEqualTo(784);
  }

  @Test
  void shouldRefuseNegativeIndex() {
    assertRefused(parser, "{\"id\":\"a\",\"active\":[4,-1]}", "active[1]=-1 is outside 0..783");
  }

  @Test
  void shouldRefuseDuplicateIndex() {
    assertRefused(parser, "{\"id\":\"a\",\"active\":[5,9,5]}", "active[2]=5 repeats an earlier index");
  }

  @Test
  void shouldRefuseNonIntegerIndex() {
    assertRefused(parser, "{\"id\":\"a\",\"active\":[1,2.5]}", "active[1]=2.5 is not an integer");
    assertRefused(parser, "{\"id\":\"a\",\"active\":[\"3\"]}", "active[0]=\"3\" is not an integer");
    assertRefused(
        parser, "{\"id\":\"a\",\"active\":[99999999999]}", "active[0]=99999999999 is not an integer");
  }

  @Test
  void shouldRefuseMoreActiveIndicesThanTheDimension() {
    assertRefused(
        small,
        "{\"id\":\"a\",\"active\":[0,1,2,3,4,5,6,7,0]}",
        "active has 9 indices, more than the dimension 8");
  }

  @Test
  void shouldRefuseActiveThatIsNotAnArray() {
    assertRefused(small, "{\"id\":\"a\",\"active\":3}", "active must be an array, got 3");
  }

  @Test
  void shouldRefuseBitStringOfWrongLength() {
    assertRefused(small, "{\"id\":\"a\",\"bits\":\"0101\"}", "bits has length 4, expected 8");
    assertRefused(parser, "{\"id\":\"a\",\"bits\":\"\"}", "bits has length 0, expected 784");
  }

  @Test
  void shouldRefuseBadBitCharacterNamingItsPosition() {
    assertRefused(small, "{\"id\":\"a\",\"bits\":\"0101x101\"}", "bits[4]='x' is not '0' or '1'");
    assertRefused(small, "{\"id\":\"a\",\"bits\":\"0101010 \"}", "bits[7]=' ' is not '0' or '1'");
  }

  @Test
  void shouldRefuseBitsThatAreNotAString() {
    assertRefused(small, "{\"id\":\"a\",\"bits\":[0,1]}", "bits must be a string of 0 and 1, got [0,1]");
  }

  @Test
  void shouldRefuseAttributesThatAreNotAnObject() {
    assertRefused(
        small,
        "{\"id\":\"a\",\"bits\":\"00000000\",\"attributes\":[\"x\"]}",
        "attributes must be an object, got [\"x\"]");
    assertRefused(
        small,
        "{\"id\":\"a\",\"bits\":\"00000000\",\"attributes\":\"shop=7\"}",
        "attributes must be an object, got \"shop=7\"");
  }

  @Test
  void shouldRefuseBadTimestamps() {
    String prefix = "timestamp must be epoch milliseconds or an ISO-8601 instant, got ";
    assertRefused(small, "{\"id\":\"a\",\"timestamp\":-5,\"bits\":\"00000000\"}", prefix + "-5");
    assertRefused(small, "{\"id\":\"a\",\"timestamp\":1.5,\"bits\":\"00000000\"}", prefix + "1.5");
    assertRefused(
        small, "{\"id\":\"a\",\"timestamp\":\"yesterday\",\"bits\":\"00000000\"}", prefix + "\"yesterday\"");
    assertRefused(
        small,
        "{\"id\":\"a\",\"timestamp\":\"2024-05-01\",\"bits\":\"00000000\"}",
        prefix + "\"2024-05-01\"");
    assertRefused(
        small,
        "{\"id\":\"a\",\"timestamp\":\"2024-05-01T12:00:00\",\"bits\":\"00000000\"}",
        prefix + "\"2024-05-01T12:00:00\"");
    assertRefused(
        small, "{\"id\":\"a\",\"timestamp\":true,\"bits\":\"00000000\"}", prefix + "true");
    assertRefused(
        small,
        "{\"id\":\"a\",\"timestamp\":99999999999999999999,\"bits\":\"00000000\"}",
        prefix + "99999999999999999999");
  }

  @Test
  void shouldAbbreviateLongOffendingValuesInTheReason() {
    String longId = "[" + "1,".repeat(100) + "1]";
    assertThatThrownBy(() -> small.parse(json("{\"id\":" + longId + ",\"bits\":\"00000000\"}")))
        .isInstanceOf(InvalidEventException.class)
        .hasMessage("id must be a non-empty string, got " + longId.substring(0, 37) + "...");
  }

  @Test
  void shouldAcceptNestingUpToSixtyFourLevels() throws Exception {
    // The event object is level 1, attributes level 2, then 62 more nested arrays: 64 levels.
    String attributes = "{\"deep\":" + "[".repeat(62) + "]".repeat(62) + "}";
    Event event = parse(small, "{\"id\":\"a\",\"bits\":\"00000000\",\"attributes\":" + attributes + "}");
    assertThat(event.attributes().get("deep").isArray()).isTrue();
  }

  @Test
  void shouldRefuseNestingDeeperThanSixtyFourLevelsNamingTheLimit() {
    String attributes = "{\"deep\":" + "[".repeat(63) + "]".repeat(63) + "}";
    assertThatThrownBy(
            () -> small.parse(json("{\"id\":\"a\",\"bits\":\"00000000\",\"attributes\":" + attributes + "}")))
        .isInstanceOf(InvalidEventException.class)
        .hasMessage("JSON nesting is deeper than the 64 levels allowed");
  }

  @Test
  void shouldRefuseHostileDeepNestingWithoutStackOverflow() {
    String hostile = "[".repeat(100_000);
    assertThatThrownBy(() -> small.parse(json(hostile)))
        .isInstanceOf(InvalidEventException.class)
        .hasMessage("JSON nesting is deeper than the 64 levels allowed");
  }

  @Test
  void shouldRefuseDimensionBelowOneAtConstruction() {
    assertThatThrownBy(() -> new EventParser(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("feature dimension must be > 0, got 0");
  }
}
