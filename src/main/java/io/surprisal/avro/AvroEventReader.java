package io.surprisal.avro;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.surprisal.event.Event;
import io.surprisal.event.EventParser;
import io.surprisal.event.EventReader;
import io.surprisal.event.InvalidEventException;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.DecoderFactory;

/**
 * Reads events in the schema-registry framing ({@link WireFraming}): the writer schema is looked up
 * by the id in the frame (once per id) and resolved against schemas/event.avsc by Avro's schema
 * resolution, so producers may write with an older or newer compatible schema. The decoded record
 * then meets the JSON form's rules through {@link EventParser#parseTree}, so both formats refuse the
 * same events with the same reasons. Refusals of the Avro layer itself start with "avro " and name
 * the schema id: a frame without the magic byte, an id the registry does not know, a writer schema
 * that cannot be read as the event schema, bytes that do not decode.
 *
 * <p>One per stream task (it reuses its decoder); the registry client and its cache are shared.
 */
public final class AvroEventReader implements EventReader {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private final RegistryClient registry;
  private final EventParser rules;
  private final Schema readerSchema;
  /** Per writer schema id, its reader, or the reason it cannot be read (which never changes). */
  private final Map<Integer, Resolved> resolved = new ConcurrentHashMap<>();
  private BinaryDecoder decoder;

  private record Resolved(DatumReader<GenericRecord> reader, String refusal) {}

  public AvroEventReader(RegistryClient registry, int dimension) {
    this(registry, dimension, AvroSchemas.EVENT);
  }

  /** @param readerSchema the event schema read with, schemas/event.avsc or a compatible one */
  AvroEventReader(RegistryClient registry, int dimension, Schema readerSchema) {
    this.registry = registry;
    this.rules = new EventParser(dimension);
    this.readerSchema = readerSchema;
  }

  @Override
  public Event parse(byte[] payload) throws InvalidEventException {
    int id = WireFraming.schemaId(payload);
    DatumReader<GenericRecord> reader = readerFor(id);
    GenericRecord record;
    boolean trailing;
    try {
      decoder = DecoderFactory.get().binaryDecoder(payload, WireFraming.HEADER_BYTES,
          payload.length - WireFraming.HEADER_BYTES, decoder);
      record = reader.read(null, decoder);
      trailing = !decoder.isEnd();
    } catch (IOException | RuntimeException e) {
      throw new InvalidEventException(
          "avro payload does not decode with schema id " + id + ": " + e);
    }
    if (trailing) {
      throw new InvalidEventException("avro payload has bytes left after the event of schema id "
          + id + " (two records in one, or the wrong schema id)");
    }
    return rules.parseTree(tree(record));
  }

  private DatumReader<GenericRecord> readerFor(int id) throws InvalidEventException {
    Resolved known = resolved.get(id);
    if (known == null) {
      Schema writer;
      try {
        writer = registry.schema(id);
      } catch (RegistryException e) {
        // Not cached: the id may be registered a moment later, and the registry may come back.
        throw new InvalidEventException(e.unknownSchema()
            ? "avro schema id " + id + " is unknown to the schema registry"
            : "avro schema id " + id + " could not be looked up: " + e.getMessage());
      }
      known = resolve(writer);
      resolved.putIfAbsent(id, known);
    }
    if (known.refusal() != null) {
      throw new InvalidEventException("avro schema id " + id + " " + known.refusal());
    }
    return known.reader();
  }

  private Resolved resolve(Schema writer) {
    SchemaCompatibility.SchemaPairCompatibility pair =
        SchemaCompatibility.checkReaderWriterCompatibility(readerSchema, writer);
    if (pair.getType() != SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE) {
      return new Resolved(null, "cannot be read as schemas/event.avsc: "
          + pair.getResult().getIncompatibilities().get(0).getMessage());
    }
    return new Resolved(new GenericDatumReader<>(writer, readerSchema), null);
  }

  /** The record as the JSON form's tree: absent for null, attributes read from their JSON text. */
  private static ObjectNode tree(GenericRecord record) throws InvalidEventException {
    ObjectNode root = NODES.objectNode();
    root.put("id", record.get("id").toString());
    Object timestamp = record.get("timestamp");
    if (timestamp != null) root.put("timestamp", (Long) timestamp);
    putInts(root, "features", record.get("features"));
    putInts(root, "active", record.get("active"));
    Object bits = record.get("bits");
    if (bits != null) root.put("bits", bits.toString());
    Object attributes = record.get("attributes");
    if (attributes != null) {
      root.set("attributes", EventParser.attributesTree(attributes.toString()));
    }
    return root;
  }

  private static void putInts(ObjectNode root, String field, Object values) {
    if (values == null) return;
    ArrayNode array = root.putArray(field);
    for (Object value : (List<?>) values) array.add((Integer) value);
  }
}
