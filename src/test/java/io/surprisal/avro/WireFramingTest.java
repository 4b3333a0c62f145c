package io.surprisal.avro;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.surprisal.event.Alert;
import io.surprisal.event.FeatureContribution;
import io.surprisal.event.InvalidEventException;
import io.surprisal.event.Latent;
import io.surprisal.event.Score;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WireFramingTest {
  private static final HexFormat HEX = HexFormat.of();

  /**
   * The score below as Avro's GenericDatumWriter wrote it with schemas/score.avsc, framed for
   * schema id 7: 00 | 00000007 | id "e1" | key union 1 "k" | timestamp union 1 1000 | scored 1 |
   * logLikelihood, score, threshold, percentile as union 1 + little-endian double | alert 0 |
   * modelVersion union 1 3 | samples union 0 (null) | latent union 1 {state union 1 "5",
   * probability union 1, mean 0}.
   */
  private static final String RECORDED_SCORE = "000000000704653102026b02d00f01"
      + "02000000000000f0bf" + "02000000000000f0bf" + "020000000000000cc0" + "02000000000000e03f"
      + "00" + "0206" + "00" + "0202023502cdccccccccccec3f00";

  private static final Score SCORE = new Score("e1", "k", 1000L, true, -1.0, -1.0, -3.5, 0.5,
      false, 3L, new Latent("5", 0.9));

  @Test
  void shouldWriteAScoreAsTheRecordedRegistryFrame() {
    assertThat(HEX.formatHex(new AvroScoreWriter(7).write(SCORE))).isEqualTo(RECORDED_SCORE);
  }

  @Test
  void shouldMatchTheBytesAvroItselfWritesForTheSameRecord() {
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("id", "e1");
    fields.put("key", "k");
    fields.put("timestamp", 1000L);
    fields.put("scored", true);
    fields.put("logLikelihood", -1.0);
    fields.put("score", -1.0);
    fields.put("threshold", -3.5);
    fields.put("percentile", 0.5);
    fields.put("alert", false);
    fields.put("modelVersion", 3L);
    fields.put("latent", AvroRecords.latent(AvroSchemas.SCORE, new Latent("5", 0.9)));

    assertThat(HEX.formatHex(FramedAvro.write(AvroSchemas.SCORE, 7, fields)))
        .isEqualTo(RECORDED_SCORE);
  }

  @Test
  void shouldReadTheSchemaIdAsFourBytesBigEndianAfterTheMagicByte() throws Exception {
    assertThat(WireFraming.schemaId(HEX.parseHex("0000000102aa"))).isEqualTo(258);
    assertThat(WireFraming.header(258)).containsExactly(HEX.parseHex("0000000102"));
    assertThat(WireFraming.frame(258, new byte[] {(byte) 0xaa}))
        .containsExactly(HEX.parseHex("0000000102aa"));
  }

  @Test
  void shouldRefuseAFrameWithoutTheMagicByte() {
    byte[] json = "{\"id\":\"e1\"}".getBytes(StandardCharsets.UTF_8);

    assertThatThrownBy(() -> WireFraming.schemaId(json))
        .isInstanceOf(InvalidEventException.class)
        .hasMessage("avro frame must start with the magic byte 0x00, got 0x7b (not in the"
            + " schema-registry framing; JSON sent to surprisal.format=avro?)");
  }

  @Test
  void shouldRefuseAFrameShorterThanItsHeader() {
    assertThatThrownBy(() -> WireFraming.schemaId(new byte[] {0, 0, 1}))
        .hasMessage("avro frame has 3 bytes, fewer than the 5 of its header (magic byte and"
            + " schema id)");
    assertThatThrownBy(() -> WireFraming.schemaId(new byte[0])).hasMessage("payload is empty");
  }

  @Test
  void shouldWriteAnAlertThatAvroReadsBackWithTheSchema() {
    Alert alert = new Alert("a1", null, 5L, Double.NEGATIVE_INFINITY, Double.NaN, -20.0, 0.0, 2L,
        List.of(new FeatureContribution(3, 1, Double.NEGATIVE_INFINITY),
            new FeatureContribution(0, 0, -1.25)),
        null, null);

    var record = FramedAvro.read(new AvroAlertWriter(9).write(alert), AvroSchemas.ALERT);

    assertThat(record.toString()).isEqualTo("{\"id\": \"a1\", \"key\": null, \"timestamp\": 5,"
        + " \"logLikelihood\": null, \"score\": null, \"threshold\": -20.0, \"percentile\": 0.0,"
        + " \"modelVersion\": 2, \"topFeatures\": [{\"index\": 3, \"value\": 1, \"logProb\": null},"
        + " {\"index\": 0, \"value\": 0, \"logProb\": -1.25}], \"attributes\": null,"
        + " \"latent\": null}");
  }
}
