package io.surprisal.model;

/**
 * A model record whose declared dimension L is not the one its reader needs, refused from the shape
 * header alone (see {@link ModelCodec#decode(byte[], int)}). The reader knows where its dimension
 * comes from, so it can name that setting from {@link #declared()} and {@link #expected()}.
 */
public final class ModelDimensionException extends ModelFormatException {
  private final int declared;
  private final int expected;

  ModelDimensionException(int declared, int expected) {
    super("model dimension " + declared + " differs from the expected dimension " + expected);
    this.declared = declared;
    this.expected = expected;
  }

  /** L as the record declares it. */
  public int declared() {
    return declared;
  }

  public int expected() {
    return expected;
  }
}
