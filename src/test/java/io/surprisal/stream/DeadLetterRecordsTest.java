package io.surprisal.stream;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import io.surprisal.event.Schemas;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Dead letters are their input, replayable as it is, with the reason in documented headers. */
class DeadLetterRecordsTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final OutputLimits LIMITS = new OutputLimits(200_000);
  private static final RecordMetadata SOURCE = new RecordMetadata() {
    @Override public String topic() { return "events"; }
    @Override public int partition() { return 2; }
    @Override public long offset() { return 1234L; }
  };
  private static JsonSchema schema;

  @BeforeAll
  static void loadSchema() throws IOException {
    schema = Schemas.load("dead-letter.schema.json");
  }

  /** The headers as the schema describes them: a JSON object of name to UTF-8 text. */
  static ObjectNode headersAsJson(Headers headers) {
    ObjectNode json = JSON.createObjectNode();
    for (Header header : headers) {
      json.put(header.key(), new String(header.value(), StandardCharsets.UTF_8));
    }
    return json;
  }

  static String header(Headers headers, String key) {
    Header header = headers.lastHeader(key);
    return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
  }

  @Test
  void shouldKeepKeyValueTimestampAndHeadersOfTheInputAndAddTheReason() {
    byte[] raw = {'{', '"', 'i', 'd', '"', ':', (byte) 0xC3, 0x28, (byte) 0xFF, '}'};
    Headers input = new RecordHeaders().add("traceparent", "00-abc-01".getBytes(StandardCharsets.UTF_8));
    Record<byte[], byte[]> record = new Record<>("card-17".getBytes(StandardCharsets.UTF_8), raw, 77L, input);

    Record<byte[], byte[]> letter = DeadLetterRecords.of(record, SOURCE,
        "io.surprisal.event.InvalidEventException", "malformed JSON: invalid UTF-8", LIMITS);

    assertThat(letter.value()).isEqualTo(raw);
    assertThat(letter.key()).isEqualTo(record.key());
    assertThat(letter.timestamp()).isEqualTo(77L);
    assertThat(header(letter.headers(), "traceparent")).isEqualTo("00-abc-01");
    assertThat(header(letter.headers(), DeadLetterRecords.MESSAGE))
        .isEqualTo("malformed JSON: invalid UTF-8");
    assertThat(header(letter.headers(), DeadLetterRecords.TOPIC)).isEqualTo("events");
    assertThat(header(letter.headers(), DeadLetterRecords.PARTITION)).isEqualTo("2");
    assertThat(header(letter.headers(), DeadLetterRecords.OFFSET)).isEqualTo("1234");
    assertThat(schema.validate(headersAsJson(letter.headers()))).isEmpty();
    // The input's own headers are left as they were: other outputs may share them.
    assertThat(input.toArray()).hasSize(1);
  }

  @Test
  void shouldWriteAnEmptyPayloadWithUnknownSourceThatMatchesTheSchema() {
    Record<byte[], byte[]> letter = DeadLetterRecords.of(new Record<>(null, null, 0L), null,
        "io.surprisal.event.InvalidEventException", "payload is empty", LIMITS);

    assertThat(letter.value()).isNull();
    assertThat(header(letter.headers(), DeadLetterRecords.TOPIC)).isNull();
    assertThat(schema.validate(headersAsJson(letter.headers()))).isEmpty();
  }

  @Test
  void shouldCutAValueLargerThanTheProducerMayWriteAndGiveItsSizeAndHash() {
    byte[] value = new byte[300_000];
    Arrays.fill(value, (byte) 'x');
    Record<byte[], byte[]> record = new Record<>(new byte[] {'k'}, value, 5L);

    Record<byte[], byte[]> letter = DeadLetterRecords.of(record, SOURCE, "E", "too big", LIMITS);

    assertThat(OutputLimits.size(letter.key(), letter.value(), letter.headers()))
        .isLessThanOrEqualTo(LIMITS.maxRecordBytes());
    assertThat(letter.value()).isEqualTo(Arrays.copyOf(value, letter.value().length));
    assertThat(header(letter.headers(), DeadLetterRecords.VALUE_BYTES)).isEqualTo("300000");
    assertThat(header(letter.headers(), DeadLetterRecords.VALUE_SHA256))
        .isEqualTo(DeadLetterRecords.sha256(value));
    assertThat(letter.key()).containsExactly('k');
    assertThat(schema.validate(headersAsJson(letter.headers()))).isEmpty();
  }

  @Test
  void shouldNoteInsteadOfCopyingInputHeadersLargerThanTheCopyLimit() {
    Headers input = new RecordHeaders()
        .add("blob", new byte[OutputLimits.MAX_COPIED_HEADER_BYTES + 1]);
    Record<byte[], byte[]> record = new Record<>(null, new byte[] {'{'}, 5L, input);

    Record<byte[], byte[]> letter = DeadLetterRecords.of(record, SOURCE, "E", "r", LIMITS);

    assertThat(letter.headers().lastHeader("blob")).isNull();
    assertThat(header(letter.headers(), OutputLimits.HEADERS_DROPPED))
        .isEqualTo(Integer.toString("blob".length() + OutputLimits.MAX_COPIED_HEADER_BYTES + 1));
    assertThat(schema.validate(headersAsJson(letter.headers()))).isEmpty();
  }

  @Test
  void shouldBoundAReasonThatIsLongerThanTheLimit() {
    String reason = "r".repeat(5000);
    Record<byte[], byte[]> letter =
        DeadLetterRecords.of(new Record<>(null, new byte[0], 0L), SOURCE, "E", reason, LIMITS);

    assertThat(header(letter.headers(), DeadLetterRecords.MESSAGE))
        .hasSize(DeadLetterRecords.MAX_REASON_CHARS);
    assertThat(schema.validate(headersAsJson(letter.headers()))).isEmpty();
  }
}
