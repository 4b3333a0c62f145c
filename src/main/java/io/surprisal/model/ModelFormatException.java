package io.surprisal.model;

/** Bytes that are not a model this build can trust: corrupt, truncated, unknown or invalid. */
public class ModelFormatException extends Exception {
  public ModelFormatException(String message) {
    super(message);
  }

  public ModelFormatException(String message, Throwable cause) {
    super(message, cause);
  }
}
