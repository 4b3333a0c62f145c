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

class LabelledCsvReaderTest {

  private static Dataset read(String label, String csv) throws Exception {
    return new LabelledCsvReader(label).read(new BufferedReader(new StringReader(csv)), "t.csv");
  }

  @Test
  void shouldTakeTheLabelFromItsNamedColumnWhereverItIsAndKeepTheRestAsFeatures() throws Exception {
    Dataset data = read("anomaly", "f0,anomaly,f1,f2\n1,0,0,1\n0,1,1,1\r\n");
    assertThat(data.dimension()).isEqualTo(3);
    assertThat(data.rows()).extracting(LabelledRow::features)
        .containsExactly(BitVector.ofActive(3, 0, 2), BitVector.ofActive(3, 1, 2));
    assertThat(data.rows()).extracting(LabelledRow::anomalous).containsExactly(false, true);
    assertThat(data.rows()).extracting(LabelledRow::id).containsOnlyNulls();
  }

  @Test
  void shouldReadEveryColumnAsAFeatureWithoutALabelColumn() throws Exception {
    Dataset data = read(null, "\uFEFF\"a\", b ,c\n1, 1 ,0\n");
    assertThat(data.dimension()).isEqualTo(3);
    assertThat(data.rows().get(0).features()).isEqualTo(BitVector.ofActive(3, 0, 1));
    assertThat(data.rows().get(0).anomalous()).isNull();
  }

  @Test
  void shouldNameTheMissingLabelColumnAndTheHeader() {
    assertThatThrownBy(() -> read("label", "anomaly,f0\n0,1\n"))
        .isInstanceOf(DatasetFormatException.class)
        .hasMessage("t.csv line 1: no label column 'label' in the header (2 columns: anomaly, f0)");
  }

  @Test
  void shouldRefuseARepeatedColumnName() {
    assertThatThrownBy(() -> read("y", "y,f0,f0\n0,1,1\n"))
        .hasMessage("t.csv line 1: header names column 'f0' twice");
  }

  @Test
  void shouldReportANonBinaryValueWithItsLineColumnAndValue() {
    assertThatThrownBy(() -> read("y", "y,f0,f1\n0,1,0\n1,0,1\n0,2,1\n1,1,1\n"))
        .isInstanceOf(DatasetFormatException.class)
        .hasMessage("t.csv line 4: column f0: value '2' is not 0 or 1")
        .extracting(e -> ((DatasetFormatException) e).line()).isEqualTo(4L);
  }

  @Test
  void shouldReportABadLabelValueInTheLabelColumn() {
    assertThatThrownBy(() -> read("y", "f0,y\n1,0\n1,yes\n"))
        .hasMessage("t.csv line 3: column y: value 'yes' is not 0 or 1");
  }

  @Test
  void shouldReportRowsWithTooFewOrTooManyFields() {
    assertThatThrownBy(() -> read("y", "y,f0,f1\n0,1,0\n0,1\n"))
        .hasMessage("t.csv line 3: has 2 fields, the header has 3");
    assertThatThrownBy(() -> read("y", "y,f0,f1\n0,1,0,1\n"))
        .hasMessage("t.csv line 2: has 4 fields, the header has 3");
  }

  @Test
  void shouldRefuseAnEmptyLineInsteadOfSkippingIt() {
    assertThatThrownBy(() -> read("y", "y,f0\n0,1\n\n1,1\n"))
        .hasMessage("t.csv line 3: empty line, expected 2 fields");
  }

  @Test
  void shouldRefuseAFileWithoutAHeader() {
    assertThatThrownBy(() -> read("y", ""))
        .hasMessage("t.csv line 1: expected a header row naming the columns, got an empty file");
  }

  @Test
  void shouldReadGzipTransparentlyWhateverTheFileIsCalled(@TempDir Path dir) throws Exception {
    String csv = "anomaly,f0,f1\n1,0,1\n0,1,1\n";
    Path plain = Files.writeString(dir.resolve("plain.csv"), csv);
    Path gzipped = dir.resolve("packed.csv.gz");
    Path misnamed = dir.resolve("packed-too.csv");
    for (Path p : new Path[] {gzipped, misnamed}) {
      try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(p))) {
        out.write(csv.getBytes(StandardCharsets.UTF_8));
      }
    }
    Dataset expected = DatasetReader.read(plain, "anomaly", null);
    assertThat(expected.rows()).hasSize(2);
    assertThat(DatasetReader.read(gzipped, "anomaly", null).rows()).isEqualTo(expected.rows());
    assertThat(DatasetReader.read(misnamed, "anomaly", null).rows()).isEqualTo(expected.rows());
  }

  @Test
  void shouldNameTheFileInMessagesFromAGzippedFile(@TempDir Path dir) throws Exception {
    Path gzipped = dir.resolve("bad.csv.gz");
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(gzipped))) {
      out.write("anomaly,f0\n0,1\n0,x\n".getBytes(StandardCharsets.UTF_8));
    }
    assertThatThrownBy(() -> DatasetReader.read(gzipped, "anomaly", null))
        .hasMessage("bad.csv.gz line 3: column f0: value 'x' is not 0 or 1");
  }
}
