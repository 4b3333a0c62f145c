package io.surprisal.dataset;

/**
 * A file that cannot be read as a data set. The message names the file, the line and, for a bad
 * value, the column and the value, e.g. {@code data.csv line 17, column f3: value '2' is not 0 or 1}.
 * An {@link IllegalArgumentException}: the input is the user's to fix, and the command line prints
 * the message without a stack trace.
 */
public final class DatasetFormatException extends IllegalArgumentException {
  private final long line;

  public DatasetFormatException(String source, long line, String reason) {
    super(source + " line " + line + ": " + reason);
    this.line = line;
  }

  /** The 1-based line of the file the problem is on. */
  public long line() {
    return line;
  }
}
