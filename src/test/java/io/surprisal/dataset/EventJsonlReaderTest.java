package io.surprisal.dataset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.surprisal.event.BitVector;
import java.io.BufferedReader;
import java.io.OutputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EventJsonlReaderTest {
  private static final String EVENTS = """
      {"id":"a","features":[1,0,0,1],"label":0}
      {"id":"b","active":[2],"label":true}
      {"id":"c","bits":"0110","label":1}
      """;

  private static Dataset read(String label, Integer dimension, String jsonl) throws Exception {
    return new EventJsonlReader(label, dimension)
        .read(new BufferedReader(new StringReader(jsonl)), "e.jsonl");
  }

  @Test
  void shouldReadAllThreeEventShapesWithIdsAndLabels() throws Exception {
    Dataset data = read("label", null, EVENTS);
    assertThat(data.dimension()).isEqualTo(4);
    assertThat(data.rows()).extracting(LabelledRow::id).containsExactly("a", "b", "c");
    assertThat(data.rows()).extracting(LabelledRow::features).containsExactly(
        BitVector.ofActive(4, 0, 3), BitVector.ofActive(4, 2), BitVector.ofActive(4, 1, 2));
    assertThat(data.rows()).extracting(LabelledRow::anomalous).containsExactly(false, true, true);
  }

  @Test
  void shouldLeaveLabelsUnsetWhenNoLabelFieldIsNamed() throws Exception {
    assertThat(read(null, null, EVENTS).rows()).extracting(LabelledRow::anomalous).containsOnlyNulls();
  }

  @Test
  void shouldReportAnInvalidEventWithItsLineAndTheParsersReason() {
    String jsonl = EVENTS + "{\"id\":\"d\",\"active\":[7],\"label\":0}\n";
    assertThatThrownBy(() -> read("label", null, jsonl))
        .isInstanceOf(DatasetFormatException.class)
        .hasMessage("e.jsonl line 4: active[0]=7 is outside 0..3");
  }

  @Test
  void shouldReportAMissingOrNonBinaryLabelWithItsLine() {
    assertThatThrownBy(() -> read("label", null, "{\"id\":\"a\",\"bits\":\"01\"}\n"))
        .hasMessage("e.jsonl line 1: label field label is missing");
    assertThatThrownBy(() -> read("label", null, "{\"id\":\"a\",\"bits\":\"01\",\"label\":2}\n"))
        .hasMessage("e.jsonl line 1: label field label: value 2 is not 0, 1, false or true");
  }

  @Test
  void shouldReportMalformedJsonAndEmptyLines() {
    assertThatThrownBy(() -> read(null, null, "{\"id\":\"a\",\"bits\":\"01\"}\n{\"id\":\n"))
        .hasMessageStartingWith("e.jsonl line 2: malformed JSON: ");
    assertThatThrownBy(() -> read(null, null, "{\"id\":\"a\",\"bits\":\"01\"}\n\n"))
        .hasMessage("e.jsonl line 2: empty line, expected one event");
  }

  @Test
  void shouldAskForTheDimensionWhenTheFirstEventIsSparse() throws Exception {
    String sparse = "{\"id\":\"a\",\"active\":[1]}\n";
    assertThatThrownBy(() -> read(null, null, sparse))
        .hasMessageStartingWith("e.jsonl line 1: cannot tell the dimension");
    assertThat(read(null, 5, sparse).rows().get(0).features()).isEqualTo(BitVector.ofActive(5, 1));
  }

  @Test
  void shouldPickJsonLinesByNameAndReadItGzipped(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("events.jsonl.gz");
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
      out.write(EVENTS.getBytes(StandardCharsets.UTF_8));
    }
    Dataset data = DatasetReader.read(file, "label", null);
    assertThat(data.rows()).isEqualTo(read("label", null, EVENTS).rows());
  }
}
