package io.surprisal.avro;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.surprisal.event.BitVector;
import io.surprisal.event.Event;
import io.surprisal.event.EventParser;
import io.surprisal.event.InvalidEventException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class AvroEventReaderTest {
  private static final int DIMENSION = 8;

  private final InTestSchemaRegistry registry = InTestSchemaRegistry.start();
  private final AvroEventReader reader =
      new AvroEventReader(new RegistryClient(registry.url(), Duration.ofSeconds(5)), DIMENSION);
  private final int eventId = registry.register("events-value", AvroSchemas.EVENT);

  @AfterEach
  void stop() {
    registry.close();
  }

  @Test
  void shouldReadAnEventWrittenWithTheEventSchema() throws Exception {
    byte[] framed = FramedAvro.write(AvroSchemas.EVENT, eventId, Map.of(
        "id", "tx-1", "timestamp", 1_700_000_000_000L,
        "features", List.of(0, 1, 1, 0, 0, 0, 0, 1), "attributes", "{\"card\":\"c-9\"}"));

    Event event = reader.parse(framed);

    assertThat(event).isEqualTo(new Event("tx-1", 1_700_000_000_000L,
        BitVector.ofActive(DIMENSION, 1, 2, 7),
        new ObjectMapper().readTree("{\"card\":\"c-9\"}")));
  }

  @Test
  void shouldReadEventsOfAnOlderSchemaWithOnlyIdAndActive() throws Exception {
    Schema v0 = SchemaBuilder.record("Event").namespace("io.surprisal").fields()
        .requiredString("id")
        .name("active").type().unionOf().nullType().and().array().items().intType().endUnion()
        .nullDefault()
        .endRecord();
    int id = registry.register("events-value", v0);

    Event event = reader.parse(FramedAvro.write(v0, id, Map.of("id", "old", "active", List.of(5))));

    assertThat(event).isEqualTo(new Event("old", null, BitVector.ofActive(DIMENSION, 5), null));
  }

  @Test
  void shouldReadEventsOfANewerSchemaWithAnAddedOptionalField() throws Exception {
    Schema v2 = AvroSchemaVersions.withOptionalString(AvroSchemas.EVENT, "channel");
    int id = registry.register("events-value", v2);

    Event event = reader.parse(FramedAvro.write(v2, id,
        Map.of("id", "new", "bits", "10000001", "channel", "web")));

    assertThat(event).isEqualTo(new Event("new", null, BitVector.ofActive(DIMENSION, 0, 7), null));
  }

  @Test
  void shouldRefuseWithTheJsonFormsReasonsForTheSameMistakes() throws Exception {
    EventParser json = new EventParser(DIMENSION);
    List<Map<String, Object>> mistakes = List.of(
        Map.of("id", "a", "active", List.of(3, 9)),
        Map.of("id", "b", "active", List.of(3, 3)),
        Map.of("id", "c", "features", List.of(0, 1)),
        Map.of("id", "d", "features", List.of(0, 1, 2, 0, 0, 0, 0, 0)),
        Map.of("id", "e", "bits", "0000000x"),
        Map.of("id", "f"),
        Map.of("id", "g", "active", List.of(1), "bits", "00000000"),
        Map.of("id", "", "active", List.of(1)),
        Map.of("id", "h", "active", List.of(1), "timestamp", -5L));
    for (Map<String, Object> mistake : mistakes) {
      String jsonReason = reason(() -> json.parse(
          new ObjectMapper().writeValueAsBytes(mistake)));
      String avroReason = reason(() -> reader.parse(
          FramedAvro.write(AvroSchemas.EVENT, eventId, mistake)));
      assertThat(avroReason).as("%s", mistake).isEqualTo(jsonReason);
    }
  }

  @Test
  void shouldRefuseAttributesThatAreNotTheTextOfAJsonObject() {
    byte[] malformed = FramedAvro.write(AvroSchemas.EVENT, eventId,
        Map.of("id", "a", "active", List.of(1), "attributes", "{\"card\":"));
    byte[] array = FramedAvro.write(AvroSchemas.EVENT, eventId,
        Map.of("id", "a", "active", List.of(1), "attributes", "[1,2]"));
    byte[] empty = FramedAvro.write(AvroSchemas.EVENT, eventId,
        Map.of("id", "a", "active", List.of(1), "attributes", ""));

    assertThatThrownBy(() -> reader.parse(malformed))
        .hasMessageStartingWith("attributes must be the text of a JSON object, got malformed JSON:");
    assertThatThrownBy(() -> reader.parse(array))
        .hasMessage("attributes must be an object, got [1,2]");
    assertThatThrownBy(() -> reader.parse(empty))
        .hasMessage("attributes must be the text of a JSON object, got an empty string");
  }

  @Test
  void shouldRefuseAnIdTheRegistryDoesNotKnow() {
    byte[] framed = FramedAvro.write(AvroSchemas.EVENT, 4242, Map.of("id", "a", "active", List.of()));

    assertThatThrownBy(() -> reader.parse(framed))
        .isInstanceOf(InvalidEventException.class)
        .hasMessage("avro schema id 4242 is unknown to the schema registry");
  }

  @Test
  void shouldRefuseAWriterSchemaThatCannotBeReadAsTheEventSchema() throws Exception {
    Schema numericIds = SchemaBuilder.record("Event").namespace("io.surprisal").fields()
        .requiredLong("id").endRecord();
    int id = registry.register("events-value", numericIds);

    assertThatThrownBy(() -> reader.parse(FramedAvro.write(numericIds, id, Map.of("id", 7L))))
        .hasMessageStartingWith("avro schema id " + id + " cannot be read as schemas/event.avsc: ");
  }

  @Test
  void shouldRefuseBytesThatDoNotDecode() {
    byte[] valid = FramedAvro.write(AvroSchemas.EVENT, eventId,
        Map.of("id", "tx-1", "active", List.of(1, 2)));
    byte[] truncated = Arrays.copyOf(valid, valid.length - 1);
    byte[] trailing = Arrays.copyOf(valid, valid.length + 1);
    // The id's length as zig-zag varint -1: a negative string length.
    byte[] negativeLength = WireFraming.frame(eventId, new byte[] {1});

    assertThatThrownBy(() -> reader.parse(truncated))
        .hasMessageStartingWith("avro payload does not decode with schema id " + eventId + ": ");
    assertThatThrownBy(() -> reader.parse(trailing))
        .hasMessage("avro payload has bytes left after the event of schema id " + eventId
            + " (two records in one, or the wrong schema id)");
    assertThatThrownBy(() -> reader.parse(negativeLength))
        .hasMessageStartingWith("avro payload does not decode with schema id " + eventId + ": ");
  }

  @Test
  void shouldRefuseAJsonEventSentToTheAvroReader() {
    assertThatThrownBy(() -> reader.parse(
        "{\"id\":\"a\",\"active\":[1]}".getBytes(StandardCharsets.UTF_8)))
        .hasMessageStartingWith("avro frame must start with the magic byte 0x00, got 0x7b");
  }

  @Test
  void shouldRefuseRandomBytesBehindAValidHeaderOnlyWithInvalidEventException() {
    Random random = new Random(17);
    byte[] valid = FramedAvro.write(AvroSchemas.EVENT, eventId,
        Map.of("id", "tx-1", "active", List.of(1, 2), "attributes", "{\"a\":1}"));
    int accepted = 0;
    for (int i = 0; i < 5000; i++) {
      byte[] payload = i % 2 == 0
          ? WireFraming.frame(eventId, randomBytes(random, random.nextInt(64)))
          : mutated(valid, random);
      String outcome = reason(() -> reader.parse(payload));
      if (outcome.equals("accepted")) accepted++;
    }
    // reason() fails the test on anything but InvalidEventException; some mutations stay valid.
    assertThat(accepted).isLessThan(5000);
  }

  private static byte[] randomBytes(Random random, int length) {
    byte[] bytes = new byte[length];
    random.nextBytes(bytes);
    return bytes;
  }

  /** The valid frame with one byte after the header replaced. */
  private static byte[] mutated(byte[] valid, Random random) {
    byte[] copy = valid.clone();
    int at = WireFraming.HEADER_BYTES + random.nextInt(valid.length - WireFraming.HEADER_BYTES);
    copy[at] = (byte) random.nextInt(256);
    return copy;
  }

  private interface Parse {
    Event run() throws Exception;
  }

  private static String reason(Parse parse) {
    try {
      parse.run();
      return "accepted";
    } catch (InvalidEventException e) {
      return e.getMessage();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
