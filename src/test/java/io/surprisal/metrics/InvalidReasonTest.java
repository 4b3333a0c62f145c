package io.surprisal.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.surprisal.avro.AvroEventReader;
import io.surprisal.avro.AvroSchemas;
import io.surprisal.avro.FramedAvro;
import io.surprisal.avro.InTestSchemaRegistry;
import io.surprisal.avro.RegistryClient;
import io.surprisal.event.EventParser;
import io.surprisal.event.InvalidEventException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The reason classes come from the parser's real messages: each payload here is rejected by the
 * real {@link EventParser}, and its message must land in the expected class (never "other"), so a
 * reworded parser message shows up here.
 */
class InvalidReasonTest {
  private final EventParser parser = new EventParser(4);

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(delimiter = '|', value = {
    "''                                          | EMPTY",
    "'{\"id\": \"a\", '                          | MALFORMED_JSON",
    "'[1, 2]'                                    | SHAPE",
    "'{\"id\": \"a\"}'                           | SHAPE",
    "'{\"id\": \"a\", \"features\": [0, 1, 1]}'  | SHAPE",
    "'{\"id\": \"a\", \"bits\": \"011\"}'        | SHAPE",
    "'{\"id\": \"a\", \"active\": 3}'            | SHAPE",
    "'{\"id\": \"a\", \"active\": [4]}'          | OUT_OF_RANGE",
    "'{\"id\": \"a\", \"active\": [-1]}'         | OUT_OF_RANGE",
    "'{\"id\": \"a\", \"features\": [0, 1, 2, 0]}' | VALUE",
    "'{\"id\": \"a\", \"bits\": \"01x0\"}'       | VALUE",
    "'{\"id\": \"a\", \"active\": [1, 1]}'       | VALUE",
    "'{\"id\": \"a\", \"active\": [\"b\"]}'      | VALUE",
    "'{\"features\": [0, 1, 1, 0]}'              | FIELD",
    "'{\"id\": 7, \"features\": [0, 1, 1, 0]}'   | FIELD",
    "'{\"id\": \"a\", \"timestamp\": \"soon\", \"features\": [0, 1, 1, 0]}' | FIELD",
    "'{\"id\": \"a\", \"attributes\": 3, \"features\": [0, 1, 1, 0]}'       | FIELD",
  })
  void shouldClassifyEveryParserRejectionIntoItsReasonClass(String payload, InvalidReason expected) {
    String reason = rejection(payload);
    assertThat(InvalidReason.classify(reason)).as(reason).isEqualTo(expected);
  }

  @ParameterizedTest
  @CsvSource({"'unexpected parser error: java.lang.NullPointerException'", "'something new'"})
  void shouldClassifyUnknownReasonsAsOther(String reason) {
    assertThat(InvalidReason.classify(reason)).isEqualTo(InvalidReason.OTHER);
    assertThat(InvalidReason.OTHER.tag()).isEqualTo("other");
    assertThat(InvalidReason.MALFORMED_JSON.tag()).isEqualTo("malformed_json");
  }

  @Test
  void shouldClassifyTheAvroReadersRejections() {
    try (InTestSchemaRegistry registry = InTestSchemaRegistry.start()) {
      AvroEventReader avro =
          new AvroEventReader(new RegistryClient(registry.url(), Duration.ofSeconds(5)), 4);
      int id = registry.register("events-value", AvroSchemas.EVENT);
      byte[] valid = FramedAvro.write(AvroSchemas.EVENT, id, Map.of("id", "a", "active", List.of(1)));

      assertThat(classified(avro, "{}".getBytes(StandardCharsets.UTF_8)))
          .isEqualTo(InvalidReason.MALFORMED_AVRO);
      assertThat(classified(avro, Arrays.copyOf(valid, valid.length - 1)))
          .isEqualTo(InvalidReason.MALFORMED_AVRO);
      assertThat(classified(avro, FramedAvro.write(AvroSchemas.EVENT, 99, Map.of("id", "a"))))
          .isEqualTo(InvalidReason.SCHEMA);
      assertThat(classified(avro,
          FramedAvro.write(AvroSchemas.EVENT, id, Map.of("id", "a", "active", List.of(4)))))
          .isEqualTo(InvalidReason.OUT_OF_RANGE);
      assertThat(InvalidReason.MALFORMED_AVRO.tag()).isEqualTo("malformed_avro");
    }
  }

  private static InvalidReason classified(AvroEventReader reader, byte[] payload) {
    try {
      reader.parse(payload);
      throw new AssertionError("accepted");
    } catch (InvalidEventException e) {
      return InvalidReason.classify(e.getMessage());
    }
  }

  private String rejection(String payload) {
    InvalidEventException[] caught = new InvalidEventException[1];
    assertThatThrownBy(() -> {
      try {
        parser.parse(payload.getBytes(StandardCharsets.UTF_8));
      } catch (InvalidEventException e) {
        caught[0] = e;
        throw e;
      }
    }).isInstanceOf(InvalidEventException.class);
    return caught[0].getMessage();
  }
}
