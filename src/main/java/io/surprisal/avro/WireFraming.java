package io.surprisal.avro;

import io.surprisal.event.InvalidEventException;
import java.nio.ByteBuffer;

/**
 * The schema-registry wire framing that registry-aware consumers and Kafka Connect's Avro
 * converters read: one magic byte 0, the writer schema's registry id as 4 bytes big-endian, then
 * the Avro binary encoding of the value (no container file, no schema in the message).
 */
public final class WireFraming {
  public static final byte MAGIC_BYTE = 0;
  /** Magic byte and schema id. */
  public static final int HEADER_BYTES = 5;

  private WireFraming() {}

  /** The header alone, for a writer to put in front of the Avro binary it encodes. */
  public static byte[] header(int schemaId) {
    return ByteBuffer.allocate(HEADER_BYTES).put(MAGIC_BYTE).putInt(schemaId).array();
  }

  /** A framed value: header, then the Avro binary. */
  public static byte[] frame(int schemaId, byte[] avroBinary) {
    return ByteBuffer.allocate(HEADER_BYTES + avroBinary.length)
        .put(MAGIC_BYTE).putInt(schemaId).put(avroBinary).array();
  }

  /**
   * The writer schema id of a framed value; its Avro binary starts at {@link #HEADER_BYTES}.
   *
   * @throws InvalidEventException when the value is empty, shorter than the header or does not
   *     start with the magic byte (JSON sent to an Avro detector, or another framing)
   */
  public static int schemaId(byte[] payload) throws InvalidEventException {
    if (payload == null || payload.length == 0) {
      throw new InvalidEventException("payload is empty");
    }
    if (payload[0] != MAGIC_BYTE) {
      throw new InvalidEventException(String.format(
          "avro frame must start with the magic byte 0x00, got 0x%02x (not in the schema-registry"
              + " framing; JSON sent to surprisal.format=avro?)", payload[0] & 0xff));
    }
    if (payload.length < HEADER_BYTES) {
      throw new InvalidEventException("avro frame has " + payload.length + " bytes, fewer than the "
          + HEADER_BYTES + " of its header (magic byte and schema id)");
    }
    return ByteBuffer.wrap(payload, 1, 4).getInt();
  }
}
