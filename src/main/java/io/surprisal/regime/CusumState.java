package io.surprisal.regime;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a {@link LikelihoodCusum} needs to continue after a restart ({@code armed}: false after it
 * fired, until the caller re-arms it); its byte form is what the
 * trainer task keeps in its changelogged store (format version first, so a later layout can still
 * read this one).
 */
public record CusumState(
    long modelVersion,
    boolean armed,
    double statistic,
    long runLength,
    double runSurprise,
    long runStartedAt,
    Map<String, Long> before,
    Map<String, Long> during) {
  static final int FORMAT_VERSION = 1;

  public CusumState {
    before = Map.copyOf(before);
    during = Map.copyOf(during);
  }

  /** This state after {@link LikelihoodCusum#rearm}: listening, from a clean start. */
  public CusumState rearmed() {
    return new CusumState(modelVersion, true, 0, 0, 0, runStartedAt, Map.of(), Map.of());
  }

  public byte[] encode() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeByte(FORMAT_VERSION);
      out.writeLong(modelVersion);
      out.writeBoolean(armed);
      out.writeDouble(statistic);
      out.writeLong(runLength);
      out.writeDouble(runSurprise);
      out.writeLong(runStartedAt);
      writeCounts(out, before);
      writeCounts(out, during);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  /** @throws IllegalArgumentException when the bytes are not a state of a known format */
  public static CusumState decode(byte[] bytes) {
    try (DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(bytes))) {
      int version = in.readUnsignedByte();
      if (version != FORMAT_VERSION) {
        throw new IllegalArgumentException(
            "Unknown regime detector state version " + version + ", this build reads " + FORMAT_VERSION);
      }
      return new CusumState(in.readLong(), in.readBoolean(), in.readDouble(), in.readLong(), in.readDouble(),
          in.readLong(), readCounts(in), readCounts(in));
    } catch (IOException e) {
      throw new IllegalArgumentException("regime detector state is truncated: " + bytes.length + " bytes");
    }
  }

  private static void writeCounts(DataOutputStream out, Map<String, Long> counts) throws IOException {
    out.writeInt(counts.size());
    for (Map.Entry<String, Long> e : new TreeMap<>(counts).entrySet()) {
      out.writeUTF(e.getKey());
      out.writeLong(e.getValue());
    }
  }

  private static Map<String, Long> readCounts(DataInputStream in) throws IOException {
    int size = in.readInt();
    if (size < 0 || size > LatentCounts.MAX_STATES + 1) {
      throw new IllegalArgumentException("regime detector state holds " + size
          + " latent states, at most " + (LatentCounts.MAX_STATES + 1) + " are possible");
    }
    Map<String, Long> counts = new LinkedHashMap<>();
    for (int i = 0; i < size; i++) counts.put(in.readUTF(), in.readLong());
    return counts;
  }
}
