package io.surprisal.dataset;

import io.surprisal.event.BitVector;
import java.io.BufferedReader;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Reads a labelled CSV file: one header row naming the columns, then one row per event. The label
 * column (named by the caller, anywhere in the row) holds 0 (normal) or 1 (anomaly); every other
 * column is a feature bit, 0 or 1, in header order. Without a label column every column is a
 * feature.
 *
 * <p>Strict by contract: a row with the wrong number of fields, a value other than 0 or 1, or an
 * empty line stops the read with a {@link DatasetFormatException} naming the line, the column and
 * the value. Nothing is skipped: a skipped row would silently change the figures computed from the
 * file. Quoting is not supported (a bit never needs it); spaces around a value are ignored.
 */
public final class LabelledCsvReader {
  private final String labelColumn;

  /** @param labelColumn the label's column name, or null when the file has no label column */
  public LabelledCsvReader(String labelColumn) {
    if (labelColumn != null && labelColumn.isBlank()) {
      throw new IllegalArgumentException("label column must be a non-blank name, got '" + labelColumn + "'");
    }
    this.labelColumn = labelColumn;
  }

  /** @param source the file's name, used in every message */
  public Dataset read(BufferedReader in, String source) throws IOException {
    String headerLine = in.readLine();
    if (headerLine == null || headerLine.isBlank()) {
      throw new DatasetFormatException(source, 1, "expected a header row naming the columns, got "
          + (headerLine == null ? "an empty file" : "an empty line"));
    }
    String[] columns = header(headerLine, source);
    int labelIndex = labelIndex(columns, source);
    int dimension = columns.length - (labelIndex >= 0 ? 1 : 0);
    if (dimension == 0) {
      throw new DatasetFormatException(source, 1, "header has no feature columns besides the label '"
          + labelColumn + "'");
    }
    List<LabelledRow> rows = new ArrayList<>();
    int[] active = new int[dimension];
    long lineNumber = 1;
    String line;
    while ((line = in.readLine()) != null) {
      lineNumber++;
      rows.add(parseRow(line, lineNumber, columns, labelIndex, active, source));
    }
    return new Dataset(source, dimension, rows);
  }

  private static String[] header(String line, String source) {
    if (line.charAt(0) == '\uFEFF') line = line.substring(1); // a UTF-8 byte order mark
    String[] columns = line.split(",", -1);
    Set<String> seen = new HashSet<>();
    for (int c = 0; c < columns.length; c++) {
      String name = unquote(columns[c].trim());
      if (name.isEmpty()) {
        throw new DatasetFormatException(source, 1, "header column " + (c + 1) + " has no name");
      }
      if (!seen.add(name)) {
        throw new DatasetFormatException(source, 1, "header names column '" + name + "' twice");
      }
      columns[c] = name;
    }
    return columns;
  }

  private static String unquote(String name) {
    boolean quoted = name.length() >= 2 && name.startsWith("\"") && name.endsWith("\"");
    return quoted ? name.substring(1, name.length() - 1) : name;
  }

  private int labelIndex(String[] columns, String source) {
    if (labelColumn == null) return -1;
    int index = Arrays.asList(columns).indexOf(labelColumn);
    if (index < 0) {
      String names = String.join(", ", Arrays.asList(columns).subList(0, Math.min(5, columns.length)));
      throw new DatasetFormatException(source, 1, "no label column '" + labelColumn
          + "' in the header (" + columns.length + " columns: " + names
          + (columns.length > 5 ? ", ..." : "") + ")");
    }
    return index;
  }

  private static LabelledRow parseRow(
      String line, long lineNumber, String[] columns, int labelIndex, int[] active, String source) {
    if (line.isBlank()) {
      throw new DatasetFormatException(source, lineNumber, "empty line, expected "
          + columns.length + " fields");
    }
    int count = 0;
    Boolean label = null;
    int start = 0;
    for (int c = 0; c < columns.length; c++) {
      int end = line.indexOf(',', start);
      if (end < 0) {
        if (c < columns.length - 1) {
          throw fieldCount(source, lineNumber, c + 1, columns.length);
        }
        end = line.length();
      } else if (c == columns.length - 1) {
        throw fieldCount(source, lineNumber, line.split(",", -1).length, columns.length);
      }
      boolean one = bit(line.substring(start, end), lineNumber, columns[c], source);
      if (c == labelIndex) {
        label = one;
      } else {
        int feature = labelIndex >= 0 && c > labelIndex ? c - 1 : c;
        if (one) active[count++] = feature;
      }
      start = end + 1;
    }
    return new LabelledRow(null, BitVector.ofActive(active.length, Arrays.copyOf(active, count)), label);
  }

  private static boolean bit(String field, long lineNumber, String column, String source) {
    String value = field.trim();
    if (value.equals("1")) return true;
    if (value.equals("0")) return false;
    String shown = value.length() <= 20 ? value : value.substring(0, 17) + "...";
    throw new DatasetFormatException(source, lineNumber, "column " + column + ": value '" + shown
        + "' is not 0 or 1");
  }

  private static DatasetFormatException fieldCount(
      String source, long lineNumber, int fields, int expected) {
    return new DatasetFormatException(source, lineNumber,
        "has " + fields + " fields, the header has " + expected);
  }
}
