package io.surprisal.avro;

/**
 * A schema registry request that did not give what was asked for. {@link #unknownSchema()} tells
 * a registry that answered "no such id" (the record's fault) from one that could not be asked or
 * answered with an error (the registry's).
 */
public final class RegistryException extends Exception {
  private final boolean unknownSchema;

  RegistryException(String message, boolean unknownSchema) {
    super(message);
    this.unknownSchema = unknownSchema;
  }

  RegistryException(String message, Throwable cause) {
    super(message, cause);
    this.unknownSchema = false;
  }

  /** Whether the registry answered that the schema id does not exist (HTTP 404). */
  public boolean unknownSchema() {
    return unknownSchema;
  }
}
