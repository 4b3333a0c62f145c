package io.surprisal.stream;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.surprisal.generate.SyntheticMixtures;
import io.surprisal.model.BernoulliMixture;
import io.surprisal.model.Calibration;
import io.surprisal.model.ModelCodec;
import io.surprisal.model.PublishedModel;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;

/**
 * 100,000 generated hostile payloads through the real topology: random bytes, invalid UTF-8,
 * truncated JSON, deep nesting, huge arrays, payloads near the size limit, NaN and Infinity,
 * fractional, negative, duplicate and out-of-range values, wrong types, nulls, empty keys. For each
 * one, no exception escapes, the payload is either scored or dead-lettered with a reason, and the
 * valid event sent right after it is scored.
 */
class HostileInputPropertyTest {
  private static final int DIMENSION = 32;
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Map<String, Integer> OUTCOMES = new TreeMap<>();

  private static TopologyTestDriver driver;
  private static TestInputTopic<byte[], byte[]> events;
  private static TestOutputTopic<byte[], byte[]> scores;
  private static TestOutputTopic<byte[], byte[]> deadLetters;
  private static long sequence;

  @BeforeContainer
  static void startTopology() {
    DetectorConfig config = DetectorConfigParser.parse(DetectorConfigParser.properties(
        "bootstrap.servers=unused:9092", "surprisal.feature.dimension=" + DIMENSION,
        "surprisal.sample.rate=0.01"));
    driver = new TopologyTestDriver(DetectorTopology.buildTopology(config), config.kafka(),
        Instant.ofEpochMilli(0));
    ByteArraySerializer bytes = new ByteArraySerializer();
    events = driver.createInputTopic("events", bytes, bytes);
    scores = driver.createOutputTopic("scores", new ByteArrayDeserializer(),
        new ByteArrayDeserializer());
    deadLetters = driver.createOutputTopic("dead-letters", new ByteArrayDeserializer(),
        new ByteArrayDeserializer());
    BernoulliMixture model = SyntheticMixtures.separated(2, DIMENSION, 1);
    driver.createInputTopic("models", new StringSerializer(), bytes).pipeInput("model",
        ModelCodec.encode(new PublishedModel(1, 0, 100, -10.0,
            new Calibration(-40, 0.001, 1, new double[] {-40}), model)));
  }

  @AfterContainer
  static void stopTopology() {
    System.out.println("Hostile payloads by outcome: " + OUTCOMES);
    driver.close();
  }

  @Property(tries = 100_000, seed = "20261125")
  void shouldScoreOrDeadLetterEveryPayloadAndKeepScoring(
      @ForAll("hostileKeys") byte[] key, @ForAll("hostilePayloads") byte[] payload)
      throws IOException {
    events.pipeInput(key, payload);
    List<byte[]> scored = scores.readValuesToList();
    List<byte[]> dead = deadLetters.readValuesToList();
    assertThat(scored.size() + dead.size()).as("one outcome per payload").isEqualTo(1);
    if (dead.isEmpty()) {
      count("scored");
    } else {
      JsonNode letter = JSON.readTree(dead.get(0));
      String reason = letter.get("reason").asText();
      assertThat(reason).isNotBlank();
      count(reasonClass(reason));
    }

    String id = "valid-" + sequence++;
    events.pipeInput("k".getBytes(StandardCharsets.UTF_8),
        ("{\"id\":\"" + id + "\",\"active\":[1,2]}").getBytes(StandardCharsets.UTF_8));
    JsonNode next = JSON.readTree(scores.readValue());
    assertThat(next.get("id").asText()).isEqualTo(id);
    assertThat(next.get("scored").asBoolean()).isTrue();
  }

  private static void count(String outcome) {
    OUTCOMES.merge(outcome, 1, Integer::sum);
  }

  /** The reason up to its first digit or quote: "features[3]=2 is not 0 or 1" → "features[". */
  private static String reasonClass(String reason) {
    String prefix = reason.split("[0-9\"'=:]", 2)[0].trim();
    return prefix.length() > 40 ? prefix.substring(0, 40) : prefix;
  }

  @Provide
  Arbitrary<byte[]> hostileKeys() {
    return Arbitraries.oneOf(
        Arbitraries.just((byte[]) null),
        Arbitraries.just(new byte[0]),
        Arbitraries.bytes().array(byte[].class).ofMaxSize(64));
  }

  @Provide
  Arbitrary<byte[]> hostilePayloads() {
    return Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(10, Arbitraries.bytes().array(byte[].class).ofMaxSize(200)),
        net.jqwik.api.Tuple.of(10, utf8(Arbitraries.strings().ofMaxLength(200))),
        net.jqwik.api.Tuple.of(20, utf8(plausibleEvents())),
        net.jqwik.api.Tuple.of(10, utf8(plausibleEvents().flatMap(json ->
            Arbitraries.integers().between(0, Math.max(0, json.length() - 1))
                .map(cut -> json.substring(0, cut))))),
        net.jqwik.api.Tuple.of(3, utf8(Arbitraries.integers().between(1, 5_000)
            .map(depth -> "{\"id\":\"d\",\"active\":[1],\"attributes\":{\"x\":"
                + "[".repeat(depth) + "]".repeat(depth) + "}}"))),
        net.jqwik.api.Tuple.of(2, utf8(Arbitraries.integers().between(DIMENSION, 200_000)
            .map(n -> "{\"id\":\"h\",\"active\":[" + IntStream.range(0, n)
                .mapToObj(Integer::toString).collect(Collectors.joining(",")) + "]}"))),
        net.jqwik.api.Tuple.of(1, Arbitraries.integers().between(900_000, 1_000_000)
            .map(size -> nearSizeLimit(size))),
        net.jqwik.api.Tuple.of(3, Arbitraries.of(
            "{\"id\":\"n\",\"features\":[NaN]}", "{\"id\":\"n\",\"active\":[Infinity]}",
            "{\"id\":\"n\",\"active\":[-Infinity]}", "{\"id\":null,\"active\":[]}",
            "null", "[]", "\"text\"", "42", "{}", "{\"id\":\"\"}", "{\"id\":\"a\",\"bits\":null}",
            "{\"id\":\"a\",\"active\":null}", "{\"id\":\"a\",\"active\":{}}",
            "{\"id\":\"a\",\"active\":[1],\"timestamp\":-1}",
            "{\"id\":\"a\",\"active\":[1],\"attributes\":[]}",
            "\uFEFF{\"id\":\"bom\",\"active\":[1]}")
            .map(s -> s.getBytes(StandardCharsets.UTF_8))),
        net.jqwik.api.Tuple.of(2, Arbitraries.just(new byte[] {(byte) 0xC3, (byte) 0x28,
            '{', '}'})));
  }

  /** Events close to valid: right and wrong ids, shapes, values and types. */
  private Arbitrary<String> plausibleEvents() {
    Arbitrary<String> id = Arbitraries.oneOf(
        Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(8).map(s -> "\"" + s + "\""),
        Arbitraries.of("null", "1", "\"\"", "[]", "{}", "true"));
    Arbitrary<String> number = Arbitraries.oneOf(
        Arbitraries.integers().between(-5, DIMENSION + 5).map(String::valueOf),
        Arbitraries.of("0.5", "1.0", "-0", "1e3", "2147483648", "99999999999999999999", "null",
            "\"1\"", "true", "[]", "{}"));
    Arbitrary<String> array = number.list().ofMaxSize(DIMENSION + 3)
        .map(values -> values.stream().collect(Collectors.joining(",", "[", "]")));
    Arbitrary<String> bits = Arbitraries.strings().withChars("01x ").ofMinLength(DIMENSION - 2)
        .ofMaxLength(DIMENSION + 2).map(s -> "\"" + s + "\"");
    Arbitrary<String> shape = Arbitraries.oneOf(
        array.map(a -> "\"features\":" + a), array.map(a -> "\"active\":" + a),
        bits.map(b -> "\"bits\":" + b),
        Combinators.combine(array, bits).as((a, b) -> "\"active\":" + a + ",\"bits\":" + b),
        Arbitraries.just("\"other\":1"));
    return Combinators.combine(id, shape).as((i, s) -> "{\"id\":" + i + "," + s + "}");
  }

  private static byte[] nearSizeLimit(int size) {
    StringBuilder json = new StringBuilder("{\"id\":\"big\",\"active\":[1],\"attributes\":{\"pad\":\"");
    json.append("x".repeat(Math.max(0, size - json.length() - 3))).append("\"}}");
    return json.toString().getBytes(StandardCharsets.UTF_8);
  }

  private static Arbitrary<byte[]> utf8(Arbitrary<String> strings) {
    return strings.map(s -> s.getBytes(StandardCharsets.UTF_8));
  }
}
