package io.surprisal.avro;

import io.surprisal.event.Score;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;

/**
 * Writes scores as schemas/score.avsc in the schema-registry framing, under the id the registry
 * gave that schema for the scores topic. Thread-safe.
 */
public final class AvroScoreWriter {
  private final Schema schema;
  private final int schemaId;
  private final GenericDatumWriter<GenericRecord> writer;

  public AvroScoreWriter(int schemaId) {
    this(AvroSchemas.SCORE, schemaId);
  }

  AvroScoreWriter(Schema schema, int schemaId) {
    this.schema = schema;
    this.schemaId = schemaId;
    this.writer = new GenericDatumWriter<>(schema);
  }

  public byte[] write(Score score) {
    GenericRecord record = new GenericData.Record(schema);
    record.put("id", score.id());
    record.put("key", score.key());
    record.put("timestamp", score.timestamp());
    record.put("scored", score.scored());
    record.put("logLikelihood", AvroRecords.finiteOrNull(score.logLikelihood()));
    record.put("score", AvroRecords.finiteOrNull(score.score()));
    record.put("threshold", AvroRecords.finiteOrNull(score.threshold()));
    record.put("percentile", AvroRecords.finiteOrNull(score.percentile()));
    record.put("alert", score.alert());
    record.put("modelVersion", score.modelVersion());
    record.put("samples", score.samples());
    record.put("latent", AvroRecords.latent(schema, score.latent()));
    return AvroRecords.framed(schemaId, writer, record);
  }
}
