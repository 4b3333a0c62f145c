package io.surprisal.avro;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;

/**
 * Framed Avro as a registry-aware producer writes it and a consumer reads it, done with Avro's own
 * classes only, independently of the detector's writers and readers.
 */
public final class FramedAvro {
  private FramedAvro() {}

  /** A record of the writer schema with the given fields (the rest at their defaults), framed. */
  public static byte[] write(Schema writer, int schemaId, Map<String, ?> fields) {
    GenericRecord record = new GenericData.Record(writer);
    for (Schema.Field field : writer.getFields()) {
      if (field.hasDefaultValue()) {
        record.put(field.name(), GenericData.get().getDefaultValue(field));
      }
    }
    fields.forEach(record::put);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(0);
    out.writeBytes(ByteBuffer.allocate(4).putInt(schemaId).array());
    try {
      BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
      new GenericDatumWriter<GenericRecord>(writer).write(record, encoder);
      encoder.flush();
    } catch (IOException e) {
      throw new AssertionError(e);
    }
    return out.toByteArray();
  }

  /** The schema id in a frame. */
  public static int schemaId(byte[] framed) {
    if (framed[0] != 0) throw new AssertionError("no magic byte: " + framed[0]);
    return ByteBuffer.wrap(framed, 1, 4).getInt();
  }

  /** Decodes a framed record with its writer schema, as a consumer does after the id lookup. */
  public static GenericRecord read(byte[] framed, Schema writer) {
    return readResolved(framed, writer, writer);
  }

  /** Decodes a framed record of one schema into another by Avro's schema resolution. */
  public static GenericRecord readResolved(byte[] framed, Schema writer, Schema reader) {
    try {
      var decoder = DecoderFactory.get().binaryDecoder(framed, 5, framed.length - 5, null);
      GenericRecord record =
          new GenericDatumReader<GenericRecord>(writer, reader).read(null, decoder);
      if (!decoder.isEnd()) throw new AssertionError("bytes left after the record");
      return record;
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }
}
