package io.surprisal.stream;

import io.surprisal.model.ModelFormatException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Optional HMAC signing of the records on the models topic, so that a writer without the shared
 * secret cannot replace the live model (surprisal.model.signing-key). It wraps the model's binary
 * form (ModelCodec) instead of changing it: model files and the codec's format versions stay as they
 * are.
 *
 * <p>Signed layout (big-endian):
 *
 * <pre>
 *   "SRPS"  u8 signatureVersion  payload (a ModelCodec record)  HMAC-SHA256[32] of every byte before it
 * </pre>
 *
 * A checksum (the codec's CRC-32) catches accidents; only the MAC catches a writer who re-encodes
 * a valid model, e.g. one fitted to poisoned traffic, which the trainer's acceptance gate never sees.
 *
 * <p>Thread-safe: a {@link Mac} is made per call (the global thread verifies, the trainer's stream
 * thread signs). {@link #toString()} never shows the secret, so a config that holds this can be
 * logged.
 */
public final class ModelSignature {
  /** Models are published and accepted without a signature. */
  public static final ModelSignature UNSIGNED = new ModelSignature(null);

  /** Shortest secret accepted: 32 characters, the HMAC-SHA256 output length. */
  public static final int MIN_SECRET_LENGTH = 32;

  static final int SIGNATURE_VERSION = 1;
  private static final String ALGORITHM = "HmacSHA256";
  private static final byte[] MAGIC = "SRPS".getBytes(StandardCharsets.US_ASCII);
  private static final int HEADER_BYTES = MAGIC.length + 1;
  private static final int MAC_BYTES = 32;

  private final SecretKeySpec key;

  private ModelSignature(SecretKeySpec key) {
    this.key = key;
  }

  /**
   * @param secret the shared secret, as UTF-8, at least {@value #MIN_SECRET_LENGTH} characters
   * @throws IllegalArgumentException naming the length, never the secret
   */
  public static ModelSignature withSecret(String secret) {
    if (secret == null || secret.length() < MIN_SECRET_LENGTH) {
      throw new IllegalArgumentException(
          "the model signing secret must have at least " + MIN_SECRET_LENGTH + " characters, got "
              + (secret == null ? 0 : secret.length()));
    }
    return new ModelSignature(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), ALGORITHM));
  }

  /** Whether a secret is set: records are signed on publish and must verify on receipt. */
  public boolean isEnabled() {
    return key != null;
  }

  /** Whether {@code record} starts with the signed-record header (it says nothing of the MAC). */
  public static boolean isSigned(byte[] record) {
    return record != null
        && record.length >= MAGIC.length
        && Arrays.equals(record, 0, MAGIC.length, MAGIC, 0, MAGIC.length);
  }

  /** The record to publish: {@code model} itself when unsigned, else header, model and MAC. */
  public byte[] sign(byte[] model) {
    if (key == null) return model;
    byte[] signed = new byte[HEADER_BYTES + model.length + MAC_BYTES];
    System.arraycopy(MAGIC, 0, signed, 0, MAGIC.length);
    signed[MAGIC.length] = SIGNATURE_VERSION;
    System.arraycopy(model, 0, signed, HEADER_BYTES, model.length);
    byte[] mac = mac(signed, signed.length - MAC_BYTES);
    System.arraycopy(mac, 0, signed, signed.length - MAC_BYTES, MAC_BYTES);
    return signed;
  }

  /**
   * The model bytes inside {@code record}, for ModelCodec to decode. With a secret, only a signed
   * record whose MAC verifies passes. Without one, an unsigned record passes as it is and a signed
   * one is unwrapped unchecked (there is nothing to check it with), so instances can be given the
   * secret one at a time.
   *
   * @throws ModelFormatException with the precise reason the record is refused
   */
  public byte[] verify(byte[] record) throws ModelFormatException {
    if (!isSigned(record)) {
      if (key == null) return record;
      throw new ModelFormatException(
          "model record is not signed, and surprisal.model.signing-key is set: only models signed"
              + " with the shared secret are accepted");
    }
    if (record.length < HEADER_BYTES + MAC_BYTES) {
      throw new ModelFormatException(
          "signed model record is truncated: " + record.length + " bytes, a signature alone takes "
              + (HEADER_BYTES + MAC_BYTES));
    }
    int version = Byte.toUnsignedInt(record[MAGIC.length]);
    if (version != SIGNATURE_VERSION) {
      throw new ModelFormatException(
          "unknown model signature version " + version + ", this build supports "
              + SIGNATURE_VERSION);
    }
    int macAt = record.length - MAC_BYTES;
    if (key != null) {
      byte[] expected = mac(record, macAt);
      // Constant time: how much of a forged MAC matched must not show in the timing.
      if (!MessageDigest.isEqual(expected, Arrays.copyOfRange(record, macAt, record.length))) {
        throw new ModelFormatException(
            "model signature does not verify: the record was signed with another secret or"
                + " altered after signing");
      }
    }
    return Arrays.copyOfRange(record, HEADER_BYTES, macAt);
  }

  private byte[] mac(byte[] bytes, int length) {
    try {
      Mac mac = Mac.getInstance(ALGORITHM);
      mac.init(key);
      mac.update(bytes, 0, length);
      return mac.doFinal();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("every Java runtime provides " + ALGORITHM, e);
    }
  }

  @Override
  public String toString() {
    return key == null ? "ModelSignature[unsigned]" : "ModelSignature[" + ALGORITHM + ", secret hidden]";
  }
}
