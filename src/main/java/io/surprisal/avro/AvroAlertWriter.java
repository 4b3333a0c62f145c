package io.surprisal.avro;

import io.surprisal.event.Alert;
import io.surprisal.event.FeatureContribution;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;

/**
 * Writes alerts as schemas/alert.avsc in the schema-registry framing, under the id the registry
 * gave that schema for the alerts topic. The attributes travel as the text of their JSON object,
 * untouched, as they came in. Thread-safe.
 */
public final class AvroAlertWriter {
  private final Schema schema;
  private final Schema featureSchema;
  private final int schemaId;
  private final GenericDatumWriter<GenericRecord> writer;

  public AvroAlertWriter(int schemaId) {
    this(AvroSchemas.ALERT, schemaId);
  }

  AvroAlertWriter(Schema schema, int schemaId) {
    this.schema = schema;
    this.featureSchema = schema.getField("topFeatures").schema().getElementType();
    this.schemaId = schemaId;
    this.writer = new GenericDatumWriter<>(schema);
  }

  public byte[] write(Alert alert) {
    GenericRecord record = new GenericData.Record(schema);
    record.put("id", alert.id());
    record.put("key", alert.key());
    record.put("timestamp", alert.timestamp());
    record.put("logLikelihood", AvroRecords.finiteOrNull(alert.logLikelihood()));
    record.put("score", AvroRecords.finiteOrNull(alert.score()));
    record.put("threshold", alert.threshold());
    record.put("percentile", alert.percentile());
    record.put("modelVersion", alert.modelVersion());
    record.put("topFeatures", features(alert.topFeatures()));
    record.put("attributes", alert.attributes() == null ? null : alert.attributes().toString());
    record.put("latent", AvroRecords.latent(schema, alert.latent()));
    return AvroRecords.framed(schemaId, writer, record);
  }

  private List<GenericRecord> features(List<FeatureContribution> features) {
    List<GenericRecord> records = new ArrayList<>(features.size());
    for (FeatureContribution feature : features) {
      GenericRecord record = new GenericData.Record(featureSchema);
      record.put("index", feature.index());
      record.put("value", feature.value());
      record.put("logProb", AvroRecords.finiteOrNull(feature.logProb()));
      records.add(record);
    }
    return records;
  }
}
