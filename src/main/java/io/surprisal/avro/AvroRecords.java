package io.surprisal.avro;

import io.surprisal.event.Latent;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;

/** What the score and alert writers share: the framed encoding, null for non-finite, the latent. */
final class AvroRecords {
  private AvroRecords() {}

  /** The record's Avro binary behind the registry header of its schema id. */
  static byte[] framed(int schemaId, GenericDatumWriter<GenericRecord> writer,
      GenericRecord record) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
    bytes.writeBytes(WireFraming.header(schemaId));
    try {
      BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(bytes, null);
      writer.write(record, encoder);
      encoder.flush();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + record.getSchema().getName()
          + " to memory", e);
    }
    return bytes.toByteArray();
  }

  /** Null for an absent value and for NaN and ±∞, as the JSON form writes them. */
  static Double finiteOrNull(Double value) {
    return value == null || !Double.isFinite(value) ? null : value;
  }

  /** The latent readout as the record in a schema's nullable latent field, or null. */
  static GenericRecord latent(Schema owner, Latent latent) {
    if (latent == null) return null;
    Schema schema = nonNull(owner.getField("latent").schema());
    GenericRecord record = new GenericData.Record(schema);
    record.put("state", latent.state());
    record.put("probability", finiteOrNull(latent.probability()));
    record.put("mean", latent.mean() == null ? null
        : latent.mean().stream().map(AvroRecords::finiteOrNull).toList());
    return record;
  }

  /** The non-null branch of a ["null", T] union. */
  static Schema nonNull(Schema union) {
    return union.getTypes().stream()
        .filter(type -> type.getType() != Schema.Type.NULL).findFirst().orElseThrow();
  }
}
