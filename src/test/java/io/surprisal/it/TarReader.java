package io.surprisal.it;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Reads the entries of a tar stream (ustar, with the PAX and GNU long-name headers image tools
 * write), for the container image tests. commons-compress is on the class path through Avro but
 * fails there (it needs a newer commons-lang3 than ND4J's), and a tar is simple enough to read.
 */
final class TarReader {
  private static final int BLOCK = 512;

  /** One regular file or directory: its path, its type flag and its size in bytes. */
  record Entry(String name, char type, long size) {
    boolean isFile() {
      return type == '0' || type == '\0';
    }
  }

  /** Called for each entry; {@code content} ends at the entry's end and need not be read. */
  interface Visitor {
    /** Returns false to stop reading. */
    boolean visit(Entry entry, InputStream content) throws IOException;
  }

  private TarReader() {}

  static void read(InputStream in, Visitor visitor) throws IOException {
    String longName = null;
    Long paxSize = null;
    byte[] header = new byte[BLOCK];
    while (readBlock(in, header)) {
      if (header[0] == 0) return; // the end-of-archive blocks
      String name = longName != null ? longName : ustarName(header);
      long size = paxSize != null ? paxSize : octal(header, 124, 12);
      char type = (char) header[156];
      longName = null;
      paxSize = null;
      Bounded content = new Bounded(in, size);
      if (type == 'x' || type == 'L') {
        String text = new String(content.readAllBytes(), StandardCharsets.UTF_8);
        if (type == 'L') {
          longName = text.replace("\0", "");
        } else {
          for (String record : pax(text)) {
            if (record.startsWith("path=")) longName = record.substring("path=".length());
            if (record.startsWith("size=")) paxSize = Long.parseLong(record.substring(5));
          }
        }
      } else if (type != 'g' && !visitor.visit(new Entry(name, type, size), content)) {
        return;
      }
      content.skipRest();
      long padding = (BLOCK - size % BLOCK) % BLOCK;
      in.skipNBytes(padding);
    }
  }

  private static String ustarName(byte[] header) {
    String name = text(header, 0, 100);
    String magic = text(header, 257, 6);
    String prefix = magic.startsWith("ustar") ? text(header, 345, 155) : "";
    return prefix.isEmpty() ? name : prefix + "/" + name;
  }

  /** PAX records are "LENGTH KEY=VALUE\n", LENGTH counting the whole record. */
  private static java.util.List<String> pax(String text) {
    java.util.List<String> records = new java.util.ArrayList<>();
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    int at = 0;
    while (at < bytes.length) {
      int space = at;
      while (bytes[space] != ' ') space++;
      int length = Integer.parseInt(new String(bytes, at, space - at, StandardCharsets.UTF_8));
      records.add(new String(bytes, space + 1, length - (space - at) - 2, StandardCharsets.UTF_8));
      at += length;
    }
    return records;
  }

  private static String text(byte[] header, int offset, int length) {
    int end = offset;
    while (end < offset + length && header[end] != 0) end++;
    return new String(header, offset, end - offset, StandardCharsets.UTF_8);
  }

  private static long octal(byte[] header, int offset, int length) {
    String digits = text(header, offset, length).trim();
    return digits.isEmpty() ? 0 : Long.parseLong(digits, 8);
  }

  private static boolean readBlock(InputStream in, byte[] block) throws IOException {
    int read = in.readNBytes(block, 0, BLOCK);
    if (read == 0) return false;
    if (read < BLOCK) throw new EOFException("tar ends inside a header");
    return true;
  }

  /** The entry's bytes only; what the visitor leaves unread is skipped. */
  private static final class Bounded extends InputStream {
    private final InputStream in;
    private long left;

    Bounded(InputStream in, long size) {
      this.in = in;
      this.left = size;
    }

    @Override
    public int read() throws IOException {
      if (left == 0) return -1;
      int b = in.read();
      if (b < 0) throw new EOFException("tar ends inside an entry");
      left--;
      return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
      if (left == 0) return -1;
      int read = in.read(buffer, offset, (int) Math.min(length, left));
      if (read < 0) throw new EOFException("tar ends inside an entry");
      left -= read;
      return read;
    }

    void skipRest() throws IOException {
      in.skipNBytes(left);
      left = 0;
    }

    @Override
    public void close() {
      // The tar stream stays open for the next entry.
    }
  }
}
