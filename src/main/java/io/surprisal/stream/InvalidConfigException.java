package io.surprisal.stream;

/** A setting that is missing, malformed or out of range; the message names the key and the rule. */
public final class InvalidConfigException extends RuntimeException {
  public InvalidConfigException(String message) {
    super(message);
  }

  /** @param cause what revealed the bad setting, kept for logs; the message alone is shown */
  public InvalidConfigException(String message, Throwable cause) {
    super(message, cause);
  }
}
