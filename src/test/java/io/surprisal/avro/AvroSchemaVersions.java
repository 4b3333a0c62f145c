package io.surprisal.avro;

import java.util.ArrayList;
import java.util.List;
import org.apache.avro.JsonProperties;
import org.apache.avro.Schema;

/** Other versions of the .avsc schemas, as producers and consumers may hold them. */
final class AvroSchemaVersions {
  private AvroSchemaVersions() {}

  /** The schema with one more field, an optional string with the default null. */
  static Schema withOptionalString(Schema schema, String name) {
    List<Schema.Field> fields = copies(schema);
    fields.add(new Schema.Field(name, Schema.createUnion(
        Schema.create(Schema.Type.NULL), Schema.create(Schema.Type.STRING)), "added in v2",
        JsonProperties.NULL_VALUE));
    return Schema.createRecord(schema.getName(), schema.getDoc(), schema.getNamespace(), false,
        fields);
  }

  /** The schema without one of its fields. */
  static Schema without(Schema schema, String name) {
    List<Schema.Field> fields = copies(schema);
    fields.removeIf(field -> field.name().equals(name));
    return Schema.createRecord(schema.getName(), schema.getDoc(), schema.getNamespace(), false,
        fields);
  }

  private static List<Schema.Field> copies(Schema schema) {
    List<Schema.Field> fields = new ArrayList<>();
    for (Schema.Field field : schema.getFields()) fields.add(new Schema.Field(field, field.schema()));
    return fields;
  }
}
