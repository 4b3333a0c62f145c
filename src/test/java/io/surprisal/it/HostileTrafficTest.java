package io.surprisal.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.surprisal.event.BitVector;
import io.surprisal.generate.SyntheticMixtures;
import io.surprisal.kafka.DetectorTopics;
import io.surprisal.kafka.TopicAdmin;
import io.surprisal.model.BernoulliMixture;
import io.surprisal.model.Calibration;
import io.surprisal.model.ModelCodec;
import io.surprisal.model.PublishedModel;
import io.surprisal.stream.DetectorConfig;
import io.surprisal.stream.DetectorConfigParser;
import io.surprisal.stream.DetectorService;
import java.io.IOException;
import java.lang.reflect.Field;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile traffic against a running detector on a real broker, with the broker's real limits
 * (record size, timestamps): malformed and outsized events, keys and headers, clocks before 1970
 * and far ahead, poisoned model records and samples. For every hostile event there is exactly one
 * outcome, a dead letter with its reason or a score; the live model stays; valid events sent after
 * the attack are scored within seconds; read_committed readers see every valid event scored exactly
 * once; and a detector restarted on the same state (replaying the poisoned models topic) comes up
 * and scores. TopologyTestDriver enforces none of the broker's limits, hence this test.
 */
class HostileTrafficTest {
  private static final int DIMENSION = 16;
  private static final ObjectMapper JSON = new ObjectMapper();
  /** The events topic accepts records larger than the detector's producer may write (1 MiB). */
  private static final int EVENTS_MAX_MESSAGE_BYTES = 3_000_000;
  private static final Duration SCORED_WITHIN = Duration.ofSeconds(60);

  private final BernoulliMixture truth = SyntheticMixtures.separated(2, DIMENSION, 3);
  private final Random random = new Random(20261203L);

  /** A hostile event and what must come of it: a dead letter's reason prefix, or null (scored). */
  private record Attack(String name, ProducerRecord<byte[], byte[]> record, String reasonPrefix) {}

  @Test
  @Timeout(300)
  void shouldDeadLetterOrScoreEveryHostileRecordKeepTheLiveModelAndScoreAfterARestart(
      @TempDir Path state) throws Exception {
    try (TestBroker broker = TestBroker.embedded()) {
      String bootstrap = broker.bootstrapServers();
      DetectorConfig config = config(bootstrap, state, "exactly_once_v2");
      DetectorConfig.Topics topics = config.topics();
      try (TopicAdmin admin = new TopicAdmin(bootstrap)) {
        admin.ensureTopic(topics.events(), 3, (short) 1,
            Map.of("max.message.bytes", Integer.toString(EVENTS_MAX_MESSAGE_BYTES)));
        DetectorTopics.ensure(admin, topics, 3, (short) 1);
      }
      Properties client = client(bootstrap);
      try (KafkaProducer<byte[], byte[]> producer = producer(client)) {
        send(producer, new ProducerRecord<>(topics.models(), bytes("model"),
            ModelCodec.encode(published(1, truth))));

        List<Attack> attacks = attacks(topics.events());
        List<String> validBefore;
        try (DetectorService detector = new DetectorService(config)) {
          detector.start(Duration.ofSeconds(60));
          awaitLiveVersion(detector, 1);

          for (Attack attack : attacks) send(producer, attack.record());
          int poisonedModels = 0;
          for (byte[] poison : poisonedModels(topics)) {
            send(producer, new ProducerRecord<>(topics.models(), bytes("model"), poison));
            poisonedModels++;
          }
          for (byte[] sample : poisonedSamples()) {
            send(producer, new ProducerRecord<>(topics.samples(), null, sample));
          }
          validBefore = sendValid(producer, topics.events(), "before", 200);

          awaitScored(client, topics.scores(), validBefore);
          assertThat(detector.state().isRunningOrRebalancing()).isTrue();
          assertThat(detector.registry().current().version()).as("live model").isEqualTo(1);
          assertThat(detector.registry().refusedCount()).isEqualTo(poisonedModels);
        }

        // A restart replays the models topic, poisoned records last, and must still come up.
        List<String> validAfter;
        try (DetectorService restarted = new DetectorService(config)) {
          restarted.start(Duration.ofSeconds(60));
          awaitLiveVersion(restarted, 1);
          validAfter = sendValid(producer, topics.events(), "after", 50);
          awaitScored(client, topics.scores(), validAfter);
          assertThat(restarted.registry().current().version()).isEqualTo(1);
        }

        checkOutcomes(client, topics, attacks, validBefore, validAfter);
      }
    }
  }

  /**
   * Under at-least-once, a write the broker refuses (here an alert over the alerts topic's own
   * max.message.bytes, set below the producer's limit on purpose) is dropped and counted, and the
   * stream goes on (OutputFailureHandler); Kafka's default handler would stop it.
   */
  @Test
  @Timeout(180)
  void shouldDropAndCountAnAlertTheBrokerRefusesAndGoOnUnderAtLeastOnce(
      @TempDir Path state) throws Exception {
    try (TestBroker broker = TestBroker.embedded()) {
      String bootstrap = broker.bootstrapServers();
      DetectorConfig config = config(bootstrap, state, "at_least_once");
      DetectorConfig.Topics topics = config.topics();
      try (TopicAdmin admin = new TopicAdmin(bootstrap)) {
        admin.ensureTopic(topics.alerts(), 1, (short) 1, Map.of("max.message.bytes", "4000"));
        DetectorTopics.ensure(admin, topics, 1, (short) 1);
      }
      Properties client = client(bootstrap);
      try (KafkaProducer<byte[], byte[]> producer = producer(client);
          DetectorService detector = new DetectorService(config)) {
        send(producer, new ProducerRecord<>(topics.models(), bytes("model"),
            ModelCodec.encode(published(1, truth))));
        detector.start(Duration.ofSeconds(60));
        awaitLiveVersion(detector, 1);
        String bigAlert = "{\"id\":\"too-big\",\"bits\":\"" + improbable().toBitString()
            + "\",\"attributes\":{\"note\":\"" + "n".repeat(6000) + "\"}}";
        send(producer, event(topics.events(), "too-big", bytes(bigAlert)));
        List<String> valid = sendValid(producer, topics.events(), "next", 50);

        awaitScored(client, topics.scores(), valid);
        assertThat(detector.state().isRunningOrRebalancing()).isTrue();
        double dropped = detector.kafkaStreams().metrics().values().stream()
            .filter(m -> m.metricName().name().equals("dropped-records-total"))
            .mapToDouble(m -> ((Number) m.metricValue()).doubleValue()).sum();
        assertThat(dropped).as("records Kafka Streams counted as dropped").isEqualTo(1);
        assertThat(CommittedRecords.values(client, topics.alerts())).isEmpty();
      }
    }
  }

  private void checkOutcomes(Properties client, DetectorConfig.Topics topics,
      List<Attack> attacks, List<String> validBefore, List<String> validAfter) throws Exception {
    Map<String, JsonNode> scoresById = new HashMap<>();
    List<ConsumerRecord<byte[], byte[]>> scoreRecords =
        CommittedRecords.records(client, topics.scores());
    Map<String, ConsumerRecord<byte[], byte[]>> scoreRecordById = new HashMap<>();
    for (ConsumerRecord<byte[], byte[]> record : scoreRecords) {
      JsonNode score = JSON.readTree(record.value());
      String id = score.get("id").asText();
      assertThat(scoresById.put(id, score)).as("one score for %s", id).isNull();
      scoreRecordById.put(id, record);
      assertThat(record.timestamp()).as("score timestamp of %s", id).isNotNegative();
    }
    List<ConsumerRecord<byte[], byte[]>> letters =
        CommittedRecords.records(client, topics.deadLetters());
    Map<String, ConsumerRecord<byte[], byte[]>> letterByAttack = new HashMap<>();
    for (ConsumerRecord<byte[], byte[]> letter : letters) {
      String attack = attackName(letter.key());
      assertThat(letterByAttack.put(attack, letter)).as("one dead letter for %s", attack).isNull();
    }
    Map<String, JsonNode> alertsById = new HashMap<>();
    for (byte[] alert : CommittedRecords.values(client, topics.alerts())) {
      JsonNode node = JSON.readTree(alert);
      assertThat(alertsById.put(node.get("id").asText(), node)).isNull();
    }

    for (Attack attack : attacks) {
      String id = attack.name();
      if (attack.reasonPrefix() == null) {
        assertThat(scoresById).as("%s is scored", id).containsKey(id);
        assertThat(letterByAttack).as("%s is not dead-lettered", id).doesNotContainKey(id);
      } else {
        ConsumerRecord<byte[], byte[]> letter = letterByAttack.get(id);
        assertThat(letter).as("dead letter of %s", id).isNotNull();
        assertThat(header(letter.headers(), "__streams.errors.message"))
            .as("reason of %s", id).startsWith(attack.reasonPrefix());
        assertThat(header(letter.headers(), "__streams.errors.topic")).isEqualTo(topics.events());
        byte[] sent = attack.record().value();
        String cutFrom = header(letter.headers(), "surprisal.errors.value.bytes");
        if (cutFrom == null) {
          assertThat(letter.value()).as("payload of %s", id).isEqualTo(sent);
        } else {
          assertThat(cutFrom).isEqualTo(Integer.toString(sent.length));
          assertThat(header(letter.headers(), "surprisal.errors.value.sha256"))
              .isEqualTo(sha256(sent));
          assertThat(sent).startsWith(letter.value());
        }
      }
    }
    assertThat(letters).hasSize((int) attacks.stream().filter(a -> a.reasonPrefix() != null).count());

    // The outputs that exercised a limit carry what the rules say.
    assertThat(scoresById.get("future-event-time").get("timestamp").asLong())
        .isEqualTo(4_102_444_800_000L);
    assertThat(header(scoreRecordById.get("huge-headers").headers(),
        "surprisal.headers.dropped.bytes")).isNotNull();
    assertThat(header(scoreRecordById.get("traced").headers(), "traceparent"))
        .isEqualTo("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
    JsonNode bigAlert = alertsById.get("huge-attributes");
    assertThat(bigAlert).as("alert of huge-attributes").isNotNull();
    assertThat(bigAlert.get("attributes").get("truncated").asBoolean()).isTrue();

    // Exactly once: every valid event scored once, none lost across the restart.
    for (String id : validBefore) assertThat(scoresById).containsKey(id);
    for (String id : validAfter) assertThat(scoresById).containsKey(id);
    for (JsonNode alert : alertsById.values()) {
      JsonNode score = scoresById.get(alert.get("id").asText());
      assertThat(score.get("alert").asBoolean()).as("alert matches its score").isTrue();
    }
  }

  private List<Attack> attacks(String events) throws Exception {
    List<Attack> attacks = new ArrayList<>();
    attacks.add(dead(events, "malformed", "{\"id\":\"malformed\",\"active\":[1,", "malformed JSON"));
    attacks.add(new Attack("binary-800k", event(events, "binary-800k", randomBytes(800_000)),
        "malformed JSON"));
    attacks.add(new Attack("binary-2m", event(events, "binary-2m", randomBytes(2_000_000)),
        "malformed JSON"));
    byte[] controlKey = new byte[300_000];
    System.arraycopy(bytes("key-control:"), 0, controlKey, 0, 12);
    for (int i = 12; i < controlKey.length; i++) controlKey[i] = (byte) (1 + i % 30);
    attacks.add(new Attack("key-control", new ProducerRecord<>(events, controlKey,
        bytes("{\"id\":\"key-control\",\"active\":[1]}")), "key has 300000 bytes"));
    String controlId = "\\u0001".repeat(200_000);
    attacks.add(dead(events, "id-control", "{\"id\":\"" + controlId + "\",\"active\":[1]}",
        "id has 200000 characters"));
    attacks.add(dead(events, "before-1970",
        "{\"id\":\"before-1970\",\"timestamp\":\"1969-07-20T20:17:40Z\",\"active\":[1]}",
        "timestamp \"1969-07-20T20:17:40Z\" is before 1970"));
    attacks.add(dead(events, "negative-epoch",
        "{\"id\":\"negative-epoch\",\"timestamp\":-5,\"active\":[1]}", "timestamp must be"));
    attacks.add(new Attack("empty", event(events, "empty", null), "payload is empty"));
    attacks.add(scored(events, "future-event-time",
        "{\"id\":\"future-event-time\",\"timestamp\":\"2100-01-01T00:00:00Z\",\"active\":[1]}"));
    ProducerRecord<byte[], byte[]> noTimestamp =
        event(events, "no-record-timestamp", bytes("{\"id\":\"no-record-timestamp\",\"active\":[2]}"));
    withoutTimestamp(noTimestamp);
    attacks.add(new Attack("no-record-timestamp", noTimestamp, null));
    Headers huge = new RecordHeaders().add("blob", randomBytes(900_000));
    attacks.add(new Attack("huge-headers", new ProducerRecord<>(events, null, bytes("huge-headers"),
        bytes("{\"id\":\"huge-headers\",\"active\":[3]}"), huge), null));
    Headers trace = new RecordHeaders().add("traceparent",
        bytes("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"));
    attacks.add(new Attack("traced", new ProducerRecord<>(events, null, bytes("traced"),
        bytes("{\"id\":\"traced\",\"active\":[4]}"), trace), null));
    String attributes = "{\"blob\":\"" + "a".repeat(2_000_000) + "\"}";
    attacks.add(scored(events, "huge-attributes", "{\"id\":\"huge-attributes\",\"bits\":\""
        + improbable().toBitString() + "\",\"attributes\":" + attributes + "}"));
    return attacks;
  }

  private static Attack dead(String topic, String name, String payload, String reason) {
    return new Attack(name, event(topic, name, bytes(payload)), reason);
  }

  private static Attack scored(String topic, String name, String payload) {
    return new Attack(name, event(topic, name, bytes(payload)), null);
  }

  private static ProducerRecord<byte[], byte[]> event(String topic, String name, byte[] value) {
    return new ProducerRecord<>(topic, bytes(name), value);
  }

  /**
   * The Java producer refuses negative timestamps, but other clients send -1 ("no timestamp"),
   * which the broker stores; this sets it where the constructor would not.
   */
  private static void withoutTimestamp(ProducerRecord<byte[], byte[]> record) throws Exception {
    Field timestamp = ProducerRecord.class.getDeclaredField("timestamp");
    timestamp.setAccessible(true);
    timestamp.set(record, -1L);
  }

  /** Records a hostile writer could put on the models topic; each must be refused. */
  private List<byte[]> poisonedModels(DetectorConfig.Topics topics) {
    List<byte[]> poisons = new ArrayList<>();
    poisons.add(randomBytes(219));
    byte[] corrupt = ModelCodec.encode(published(2, truth));
    corrupt[corrupt.length / 2] ^= 0x10;
    poisons.add(corrupt);
    poisons.add(ModelCodec.encode(published(3, SyntheticMixtures.separated(2, DIMENSION + 1, 3))));
    poisons.add(null); // a tombstone, newest of all: the live model must survive it and a restart
    return poisons;
  }

  /** Records a hostile writer could put on the samples topic; none may stop the trainer. */
  private List<byte[]> poisonedSamples() {
    byte[] trailing = ByteBuffer.allocate(8 + 4 + 100).putInt(DIMENSION).putInt(1).putInt(3).array();
    byte[] outOfRange = ByteBuffer.allocate(12).putInt(DIMENSION).putInt(1).putInt(99).array();
    return List.of(randomBytes(5), randomBytes(900_000), trailing, outOfRange, new byte[0]);
  }

  private List<String> sendValid(KafkaProducer<byte[], byte[]> producer, String topic,
      String prefix, int count) throws Exception {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      String id = prefix + "-" + i;
      ids.add(id);
      producer.send(event(topic, "valid-" + id, bytes(
          "{\"id\":\"" + id + "\",\"bits\":\"" + truth.sample(random).toBitString() + "\"}")));
    }
    producer.flush();
    return ids;
  }

  private static void awaitScored(Properties client, String scores, List<String> ids)
      throws Exception {
    long deadline = System.nanoTime() + SCORED_WITHIN.toNanos();
    while (true) {
      java.util.Set<String> seen = CommittedRecords.values(client, scores).stream()
          .map(v -> new String(v, StandardCharsets.UTF_8))
          .map(HostileTrafficTest::idOf)
          .collect(Collectors.toSet());
      if (seen.containsAll(ids)) return;
      if (System.nanoTime() > deadline) {
        throw new AssertionError("valid events not scored within " + SCORED_WITHIN + ": "
            + ids.stream().filter(id -> !seen.contains(id)).limit(5).toList() + "...");
      }
      Thread.sleep(500);
    }
  }

  private static String idOf(String scoreJson) {
    try {
      return JSON.readTree(scoreJson).get("id").asText();
    } catch (IOException e) {
      throw new AssertionError("score is not JSON: " + scoreJson, e);
    }
  }

  private static void awaitLiveVersion(DetectorService detector, long version)
      throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (detector.registry().current() == null
        || detector.registry().current().version() != version) {
      assertThat(System.nanoTime()).as("model version %d live", version).isLessThan(deadline);
      Thread.sleep(100);
    }
  }

  private BitVector improbable() {
    int[] bits = IntStream.range(0, DIMENSION)
        .map(d -> truth.theta(0, d) + truth.theta(1, d) > 1 ? 0 : 1).toArray();
    return BitVector.ofDense(bits);
  }

  private PublishedModel published(long version, BernoulliMixture model) {
    Random sampler = new Random(version);
    double[] holdout = IntStream.range(0, 2000)
        .mapToDouble(i -> model.logLikelihood(model.sample(sampler))).sorted().toArray();
    Calibration calibration = new Calibration(holdout[2], 0.001, holdout.length, holdout);
    return new PublishedModel(version, System.currentTimeMillis(), 2000, -8.0, calibration, model);
  }

  private static DetectorConfig config(String bootstrap, Path state, String guarantee) {
    return DetectorConfigParser.parse(DetectorConfigParser.properties(
        "bootstrap.servers=" + bootstrap,
        "application.id=surprisal-hostile",
        "state.dir=" + state,
        "processing.guarantee=" + guarantee,
        "commit.interval.ms=100",
        "surprisal.feature.dimension=" + DIMENSION,
        "surprisal.sample.rate=1.0",
        // No fit during the test: the published model is the one that must stay live.
        "surprisal.window.size=50000",
        "surprisal.min.training.size=50000"));
  }

  private static Properties client(String bootstrap) {
    Properties client = new Properties();
    client.setProperty("bootstrap.servers", bootstrap);
    return client;
  }

  private static KafkaProducer<byte[], byte[]> producer(Properties client) {
    Properties p = new Properties();
    p.putAll(client);
    p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Integer.toString(EVENTS_MAX_MESSAGE_BYTES));
    p.put(ProducerConfig.LINGER_MS_CONFIG, "0");
    return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
  }

  private static void send(KafkaProducer<byte[], byte[]> producer,
      ProducerRecord<byte[], byte[]> record) throws Exception {
    producer.send(record).get();
  }

  /** The attack a dead letter belongs to: its key up to the first ':' (see key-control). */
  private static String attackName(byte[] key) {
    String text = new String(key, StandardCharsets.UTF_8);
    int colon = text.indexOf(':');
    return colon < 0 ? text : text.substring(0, colon);
  }

  private static String header(Headers headers, String key) {
    Header header = headers.lastHeader(key);
    return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
  }

  private byte[] randomBytes(int size) {
    byte[] bytes = new byte[size];
    random.nextBytes(bytes);
    bytes[0] = (byte) 0xFF; // never valid JSON, never valid UTF-8
    return bytes;
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static String sha256(byte[] bytes) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
  }
}
