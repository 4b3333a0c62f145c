package io.surprisal.stream;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * What slf4j-simple writes to System.err while it is open (it looks System.err up on every write),
 * still passed through to the real stream. Tests run one at a time, so the swap is safe.
 */
final class CapturedLog implements AutoCloseable {
  private final PrintStream original = System.err;
  private final ByteArrayOutputStream captured = new ByteArrayOutputStream();

  CapturedLog() {
    PrintStream tee = new PrintStream(new java.io.OutputStream() {
      @Override
      public void write(int b) {
        synchronized (captured) {
          captured.write(b);
        }
        original.write(b);
      }

      @Override
      public void write(byte[] bytes, int offset, int length) {
        synchronized (captured) {
          captured.write(bytes, offset, length);
        }
        original.write(bytes, offset, length);
      }
    }, true, StandardCharsets.UTF_8);
    System.setErr(tee);
  }

  /** Lines logged so far that contain every one of {@code parts}. */
  long lines(String... parts) {
    String text;
    synchronized (captured) {
      text = captured.toString(StandardCharsets.UTF_8);
    }
    return text.lines().filter(line -> Arrays.stream(parts).allMatch(line::contains)).count();
  }

  @Override
  public void close() {
    System.setErr(original);
  }
}
