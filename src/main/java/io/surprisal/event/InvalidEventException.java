package io.surprisal.event;

/** An event payload that cannot be scored; the message is the precise reason sent to dead letters. */
public final class InvalidEventException extends Exception {
  public InvalidEventException(String reason) {
    super(reason);
  }
}
