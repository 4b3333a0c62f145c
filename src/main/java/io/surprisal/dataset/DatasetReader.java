package io.surprisal.dataset;

import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.zip.GZIPInputStream;

/**
 * Opens a data file of either format: JSON Lines when the name ends in {@code .jsonl} or
 * {@code .ndjson} (before an optional {@code .gz}), labelled CSV otherwise. Gzip is recognised by
 * its magic bytes, not by the name, so a compressed file reads the same whatever it is called.
 */
public final class DatasetReader {
  private static final int GZIP_MAGIC = 0x8b1f;

  private DatasetReader() {}

  /**
   * @param label the label column (CSV) or field (JSONL), or null when the file has none
   * @param dimension L for JSONL events, or null to infer it from the first event; CSV ignores it
   * @throws DatasetFormatException naming the line of the first malformed row
   * @throws IllegalArgumentException when the file does not exist
   */
  public static Dataset read(Path file, String label, Integer dimension) throws IOException {
    String source = file.getFileName().toString();
    try (BufferedReader in = open(file)) {
      return isJsonLines(source)
          ? new EventJsonlReader(label, dimension).read(in, source)
          : new LabelledCsvReader(label).read(in, source);
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException("no such file: " + file);
    }
  }

  static boolean isJsonLines(String name) {
    String n = name.toLowerCase(Locale.ROOT);
    if (n.endsWith(".gz")) n = n.substring(0, n.length() - 3);
    return n.endsWith(".jsonl") || n.endsWith(".ndjson");
  }

  /** A UTF-8 reader over the file, decompressed when it starts with gzip's magic bytes. */
  public static BufferedReader open(Path file) throws IOException {
    return new BufferedReader(new InputStreamReader(openBytes(file), StandardCharsets.UTF_8), 1 << 16);
  }

  /** The file's bytes, decompressed when it starts with gzip's magic bytes. */
  public static InputStream openBytes(Path file) throws IOException {
    InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
    raw.mark(2);
    int magic = raw.read() | (raw.read() << 8);
    raw.reset();
    return magic == GZIP_MAGIC ? new BufferedInputStream(new GZIPInputStream(raw, 1 << 16)) : raw;
  }
}
