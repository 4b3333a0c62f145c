package io.surprisal.event;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * Writes the messages of the per-event path (scores, alerts, dead letters; events for the
 * benchmark's pass-through) field by field with Jackson's streaming generator. {@link
 * MessageJson#write} gives the same bytes through databind, which looks up each record's serializer
 * and calls its accessors reflectively per message (a fifth of the detector's stream thread in a
 * profile of bench-throughput); JMH's EventPathBenchmark measures both (docs/benchmarks.md). Most
 * of what remains is the generator itself and the four doubles of a score.
 *
 * <p>The field order and null handling are databind's for these records, byte for byte;
 * MessageWriterTest holds the two writers to that, so a field added to a record without being
 * added here fails a test rather than leaving the wire.
 */
public final class MessageWriter {
  /** Most scores fit; the builder grows for alerts with large attributes. */
  private static final int INITIAL_BYTES = 256;

  private MessageWriter() {}

  /** schemas/score.schema.json. */
  public static byte[] score(Score score) {
    ByteArrayBuilder bytes = new ByteArrayBuilder(INITIAL_BYTES);
    try (JsonGenerator json = MessageJson.MAPPER.createGenerator(bytes)) {
      json.writeStartObject();
      json.writeStringField("id", score.id());
      json.writeStringField("key", score.key());
      writeLong(json, "timestamp", score.timestamp());
      json.writeBooleanField("scored", score.scored());
      writeDouble(json, "logLikelihood", score.logLikelihood());
      writeDouble(json, "score", score.score());
      writeDouble(json, "threshold", score.threshold());
      writeDouble(json, "percentile", score.percentile());
      json.writeBooleanField("alert", score.alert());
      writeLong(json, "modelVersion", score.modelVersion());
      writeLatent(json, score.latent());
      writeInteger(json, "samples", score.samples());
      json.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write a score to memory", e);
    }
    return bytes.toByteArray();
  }

  /** schemas/alert.schema.json. */
  public static byte[] alert(Alert alert) {
    ByteArrayBuilder bytes = new ByteArrayBuilder(INITIAL_BYTES * 2);
    try (JsonGenerator json = MessageJson.MAPPER.createGenerator(bytes)) {
      json.writeStartObject();
      json.writeStringField("id", alert.id());
      json.writeStringField("key", alert.key());
      writeLong(json, "timestamp", alert.timestamp());
      writeDouble(json, "logLikelihood", alert.logLikelihood());
      writeDouble(json, "score", alert.score());
      writeDouble(json, "threshold", alert.threshold());
      writeDouble(json, "percentile", alert.percentile());
      json.writeNumberField("modelVersion", alert.modelVersion());
      json.writeArrayFieldStart("topFeatures");
      for (FeatureContribution feature : alert.topFeatures()) {
        json.writeStartObject();
        json.writeNumberField("index", feature.index());
        json.writeNumberField("value", feature.value());
        writeDouble(json, "logProb", feature.logProb());
        json.writeEndObject();
      }
      json.writeEndArray();
      json.writeFieldName("attributes");
      if (alert.attributes() == null) {
        json.writeNull();
      } else {
        json.writeTree(alert.attributes());
      }
      writeLatent(json, alert.latent());
      json.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write an alert to memory", e);
    }
    return bytes.toByteArray();
  }

  /**
   * An event in its sparse shape (schemas/event.schema.json), absent timestamp and attributes left
   * out: what a pass-through that parses and re-serializes events writes (bench-throughput).
   */
  public static byte[] event(Event event) {
    ByteArrayBuilder bytes = new ByteArrayBuilder(INITIAL_BYTES);
    try (JsonGenerator json = MessageJson.MAPPER.createGenerator(bytes)) {
      json.writeStartObject();
      json.writeStringField("id", event.id());
      if (event.timestamp() != null) json.writeNumberField("timestamp", event.timestamp());
      json.writeArrayFieldStart("active");
      BitVector features = event.features();
      for (int i = 0, n = features.activeCount(); i < n; i++) {
        json.writeNumber(features.activeIndex(i));
      }
      json.writeEndArray();
      if (event.attributes() != null) {
        json.writeFieldName("attributes");
        json.writeTree(event.attributes());
      }
      json.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write an event to memory", e);
    }
    return bytes.toByteArray();
  }

  /** Latent's mean is left out when null (its @JsonInclude), the other fields never. */
  private static void writeLatent(JsonGenerator json, Latent latent) throws IOException {
    json.writeFieldName("latent");
    if (latent == null) {
      json.writeNull();
      return;
    }
    json.writeStartObject();
    json.writeStringField("state", latent.state());
    writeDouble(json, "probability", latent.probability());
    List<Double> mean = latent.mean();
    if (mean != null) {
      json.writeArrayFieldStart("mean");
      for (Double value : mean) {
        if (value == null) {
          json.writeNull();
        } else {
          json.writeNumber(value);
        }
      }
      json.writeEndArray();
    }
    json.writeEndObject();
  }

  private static void writeInteger(JsonGenerator json, String name, Integer value)
      throws IOException {
    json.writeFieldName(name);
    if (value == null) {
      json.writeNull();
    } else {
      json.writeNumber(value.intValue());
    }
  }

  private static void writeLong(JsonGenerator json, String name, Long value) throws IOException {
    json.writeFieldName(name);
    if (value == null) {
      json.writeNull();
    } else {
      json.writeNumber(value.longValue());
    }
  }

  /**
   * Null for an absent value and for NaN and ±∞ too: JSON has no number for them (Jackson would
   * write the strings "NaN" and "-Infinity", which the schemas refuse and number-typed readers
   * choke on). A score whose log-likelihood is not finite is alerted (fail closed), so the null
   * beside alert=true says "no finite value" rather than leaving it unread.
   */
  private static void writeDouble(JsonGenerator json, String name, Double value)
      throws IOException {
    json.writeFieldName(name);
    if (value == null || !Double.isFinite(value)) {
      json.writeNull();
    } else {
      json.writeNumber(value.doubleValue());
    }
  }
}
