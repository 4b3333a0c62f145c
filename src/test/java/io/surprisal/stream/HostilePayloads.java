package io.surprisal.stream;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * Seeded generator of hostile event payloads for an L-bit detector: random bytes, random text,
 * near-valid events with wrong ids, shapes, values and types, truncated JSON, deep nesting, huge
 * arrays, payloads near Kafka's default 1 MB limit, NaN and Infinity, nulls and invalid UTF-8.
 * The same seed gives the same sequence, so a failure can be replayed.
 */
final class HostilePayloads {
  private static final List<String> ODD_DOCUMENTS = List.of(
      "{\"id\":\"n\",\"features\":[NaN]}", "{\"id\":\"n\",\"active\":[Infinity]}",
      "{\"id\":\"n\",\"active\":[-Infinity]}", "{\"id\":null,\"active\":[]}", "null", "[]",
      "\"text\"", "42", "{}", "{\"id\":\"\"}", "{\"id\":\"a\",\"bits\":null}",
      "{\"id\":\"a\",\"active\":null}", "{\"id\":\"a\",\"active\":{}}",
      "{\"id\":\"a\",\"active\":[1],\"timestamp\":-1}",
      "{\"id\":\"a\",\"active\":[1],\"attributes\":[]}", "\uFEFF{\"id\":\"bom\",\"active\":[1]}",
      "{\"id\":\"a\",\"active\":[1]}{\"id\":\"b\",\"active\":[2]}");
  private static final List<String> ODD_NUMBERS = List.of(
      "0.5", "1.0", "-0", "1e3", "2147483648", "99999999999999999999", "null", "\"1\"", "true",
      "[]", "{}");
  private static final List<String> ODD_IDS = List.of("null", "1", "\"\"", "[]", "{}", "true");

  private final SplittableRandom random;
  private final int dimension;

  HostilePayloads(long seed, int dimension) {
    this.random = new SplittableRandom(seed);
    this.dimension = dimension;
  }

  /** A record key: null, empty, or random bytes. */
  byte[] nextKey() {
    return switch (random.nextInt(3)) {
      case 0 -> null;
      case 1 -> new byte[0];
      default -> randomBytes(64);
    };
  }

  byte[] nextPayload() {
    int pick = random.nextInt(100);
    if (pick < 15) return randomBytes(200);
    if (pick < 25) return utf8(randomText(200));
    if (pick < 55) return utf8(nearValidEvent());
    if (pick < 70) {
      String event = nearValidEvent();
      return utf8(event.substring(0, random.nextInt(event.length())));
    }
    if (pick < 75) return utf8(deeplyNested(1 + random.nextInt(5_000)));
    if (pick < 77) return utf8(hugeArray(dimension + random.nextInt(200_000)));
    if (pick < 78) return nearSizeLimit(900_000 + random.nextInt(100_000));
    if (pick < 95) return utf8(ODD_DOCUMENTS.get(random.nextInt(ODD_DOCUMENTS.size())));
    return new byte[] {(byte) 0xC3, (byte) 0x28, '{', '}'}; // invalid UTF-8
  }

  private String nearValidEvent() {
    String id = random.nextInt(4) == 0
        ? ODD_IDS.get(random.nextInt(ODD_IDS.size()))
        : "\"" + randomText(8).replace("\\", "").replace("\"", "") + "x\"";
    String shape = switch (random.nextInt(5)) {
      case 0 -> "\"features\":" + numberArray();
      case 1 -> "\"active\":" + numberArray();
      case 2 -> "\"bits\":" + bitString();
      case 3 -> "\"active\":" + numberArray() + ",\"bits\":" + bitString();
      default -> "\"other\":1";
    };
    return "{\"id\":" + id + "," + shape + "}";
  }

  private String numberArray() {
    return IntStream.range(0, random.nextInt(dimension + 4))
        .mapToObj(i -> random.nextInt(5) == 0
            ? ODD_NUMBERS.get(random.nextInt(ODD_NUMBERS.size()))
            : String.valueOf(random.nextInt(-5, dimension + 6)))
        .collect(Collectors.joining(",", "[", "]"));
  }

  private String bitString() {
    String alphabet = "01x ";
    int length = dimension - 2 + random.nextInt(5);
    StringBuilder bits = new StringBuilder("\"");
    for (int i = 0; i < length; i++) {
      bits.append(random.nextInt(10) == 0 ? alphabet.charAt(random.nextInt(4))
          : alphabet.charAt(random.nextInt(2)));
    }
    return bits.append('"').toString();
  }

  private static String deeplyNested(int depth) {
    return "{\"id\":\"d\",\"active\":[1],\"attributes\":{\"x\":" + "[".repeat(depth)
        + "]".repeat(depth) + "}}";
  }

  private static String hugeArray(int length) {
    return IntStream.range(0, length).mapToObj(Integer::toString)
        .collect(Collectors.joining(",", "{\"id\":\"h\",\"active\":[", "]}"));
  }

  private static byte[] nearSizeLimit(int size) {
    String head = "{\"id\":\"big\",\"active\":[1],\"attributes\":{\"pad\":\"";
    return utf8(head + "x".repeat(Math.max(0, size - head.length() - 3)) + "\"}}");
  }

  private byte[] randomBytes(int maxLength) {
    byte[] bytes = new byte[random.nextInt(maxLength + 1)];
    random.nextBytes(bytes);
    return bytes;
  }

  private String randomText(int maxLength) {
    return random.ints(random.nextInt(maxLength + 1), 0, 0x3000)
        .filter(c -> !Character.isSurrogate((char) c))
        .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append)
        .toString();
  }

  private static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
