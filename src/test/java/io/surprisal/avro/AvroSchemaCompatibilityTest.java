package io.surprisal.avro;

import static org.apache.avro.SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE;
import static org.apache.avro.SchemaCompatibility.SchemaCompatibilityType.INCOMPATIBLE;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * The compatibility rules docs/wire-formats.md states, checked with Avro's own SchemaCompatibility
 * on the .avsc files, and the .avsc files checked against the JSON Schemas they mirror.
 */
class AvroSchemaCompatibilityTest {
  private static final Path SCHEMAS = Path.of(System.getProperty("basedir", "."), "schemas");

  @ParameterizedTest
  @ValueSource(strings = {"event", "score", "alert"})
  void shouldReadEachWayWhenAnOptionalFieldWithADefaultIsAdded(String name) throws IOException {
    Schema v1 = file(name + ".avsc");
    Schema v2 = AvroSchemaVersions.withOptionalString(v1, "addedInV2");

    assertThat(compatibility(v2, v1)).as("v2 reads v1 data (backward)").isEqualTo(COMPATIBLE);
    assertThat(compatibility(v1, v2)).as("v1 reads v2 data (forward)").isEqualTo(COMPATIBLE);
  }

  @Test
  void shouldNotLetOldReadersReadDataOfASchemaThatRemovedARequiredField() throws IOException {
    Schema v1 = file("event.avsc");
    Schema v2 = AvroSchemaVersions.without(v1, "id");

    assertThat(compatibility(v1, v2)).as("v1 reads v2 data (forward)").isEqualTo(INCOMPATIBLE);
    assertThat(compatibility(v2, v1)).as("v2 reads v1 data (backward)").isEqualTo(COMPATIBLE);
  }

  @Test
  void shouldDecodeDataOfEachVersionWithTheOther() throws IOException {
    Schema v1 = file("event.avsc");
    Schema v2 = AvroSchemaVersions.withOptionalString(v1, "channel");

    GenericRecord v1ReadsV2 = FramedAvro.readResolved(
        FramedAvro.write(v2, 2, Map.of("id", "e", "active", List.of(1), "channel", "web")), v2, v1);
    GenericRecord v2ReadsV1 = FramedAvro.readResolved(
        FramedAvro.write(v1, 1, Map.of("id", "e", "active", List.of(1))), v1, v2);

    assertThat(v1ReadsV2.get("id").toString()).isEqualTo("e");
    assertThat(v1ReadsV2.hasField("channel")).isFalse();
    assertThat(v2ReadsV1.get("channel")).isNull();
    assertThat(v2ReadsV1.get("active")).isEqualTo(List.of(1));
  }

  @Test
  void shouldBeTheSchemasTheDetectorLoadsFromItsClasspath() throws IOException {
    assertThat(AvroSchemas.EVENT).isEqualTo(file("event.avsc"));
    assertThat(AvroSchemas.SCORE).isEqualTo(file("score.avsc"));
    assertThat(AvroSchemas.ALERT).isEqualTo(file("alert.avsc"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"event", "score", "alert"})
  void shouldHaveTheFieldsOfTheJsonSchemaItMirrors(String name) throws IOException {
    Schema avro = file(name + ".avsc");
    JsonNode json = new ObjectMapper().readTree(SCHEMAS.resolve(name + ".schema.json").toFile());

    assertThat(names(avro)).containsExactlyElementsOf(properties(json));
    if (avro.getField("latent") != null) {
      assertThat(names(AvroRecords.nonNull(avro.getField("latent").schema())))
          .containsExactlyElementsOf(properties(json.get("properties").get("latent")));
    }
    if (avro.getField("topFeatures") != null) {
      assertThat(names(avro.getField("topFeatures").schema().getElementType()))
          .containsExactlyElementsOf(properties(json.get("$defs").get("featureContribution")));
    }
  }

  private static List<String> names(Schema record) {
    return record.getFields().stream().map(Schema.Field::name).toList();
  }

  private static List<String> properties(JsonNode schema) {
    List<String> names = new ArrayList<>();
    schema.get("properties").fieldNames().forEachRemaining(names::add);
    return names;
  }

  private static SchemaCompatibilityType compatibility(Schema reader, Schema writer) {
    return SchemaCompatibility.checkReaderWriterCompatibility(reader, writer).getType();
  }

  private static Schema file(String name) throws IOException {
    return new Schema.Parser().parse(SCHEMAS.resolve(name).toFile());
  }
}
