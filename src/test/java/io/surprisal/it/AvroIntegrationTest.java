package io.surprisal.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.surprisal.avro.AvroSchemas;
import io.surprisal.avro.FramedAvro;
import io.surprisal.avro.InTestSchemaRegistry;
import io.surprisal.event.BitVector;
import io.surprisal.generate.SyntheticMixtures;
import io.surprisal.kafka.DetectorTopics;
import io.surprisal.kafka.TopicAdmin;
import io.surprisal.model.BernoulliMixture;
import io.surprisal.stream.DetectorConfig;
import io.surprisal.stream.DetectorConfigParser;
import io.surprisal.stream.DetectorService;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.function.Predicate;
import java.util.stream.IntStream;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * surprisal.format=avro on a real broker and a schema registry over HTTP: Avro events go in, and
 * the scores and alerts that come out decode with the schemas the registry holds under their
 * topics' value subjects, as a registry-aware consumer decodes them; malformed Avro lands in dead
 * letters with its reason.
 */
class AvroIntegrationTest {
  private static final int DIMENSION = 16;
  private static final int NORMAL_EVENTS = 600;
  private static final Duration WAIT = Duration.ofSeconds(90);

  @Test
  @Timeout(240)
  void shouldScoreAvroEventsIntoAvroScoresAndAlertsAndDeadLetterMalformedAvro(
      @TempDir Path state) throws Exception {
    try (TestBroker broker = TestBroker.fromSystemProperty();
        InTestSchemaRegistry registry = InTestSchemaRegistry.start()) {
      DetectorConfig config = DetectorConfigParser.parse(DetectorConfigParser.properties(
          "bootstrap.servers=" + broker.bootstrapServers(),
          "application.id=surprisal-avro-it",
          "state.dir=" + Files.createDirectories(state.resolve("streams")),
          "surprisal.feature.dimension=" + DIMENSION,
          "surprisal.format=avro",
          "surprisal.schema.registry.url=" + registry.url(),
          "surprisal.sample.rate=1.0",
          "surprisal.alert.rate=0.01",
          "surprisal.min.training.size=400",
          "surprisal.holdout.fraction=0.5",
          "surprisal.regime.enabled=false",
          "surprisal.score=likelihood",
          "surprisal.trainer.check-interval=200ms"));
      try (TopicAdmin admin = new TopicAdmin(broker.bootstrapServers())) {
        DetectorTopics.ensure(admin, config.topics(), 3, (short) 1);
      }
      // The producer's side: it registers the event schema and frames with the id it got.
      int eventSchema = registry.register("events-value", AvroSchemas.EVENT);
      BernoulliMixture truth = SyntheticMixtures.separated(2, DIMENSION, 11);
      Random random = new Random(5);
      Properties client = DetectorConfigParser.properties(
          "bootstrap.servers=" + broker.bootstrapServers());

      try (DetectorService detector = new DetectorService(config);
          KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(
              client, new ByteArraySerializer(), new ByteArraySerializer())) {
        detector.start(Duration.ofSeconds(60));
        for (int i = 0; i < NORMAL_EVENTS; i++) {
          BitVector x = truth.sample(random);
          send(producer, "n" + i, FramedAvro.write(AvroSchemas.EVENT, eventSchema,
              Map.of("id", "n" + i, "bits", x.toBitString())));
        }
        producer.flush();
        RetrainingTraffic.awaitModelVersion(detector, 1);

        send(producer, "card-9", FramedAvro.write(AvroSchemas.EVENT, eventSchema,
            Map.of("id", "odd", "features", improbable(truth), "attributes",
                "{\"card\":\"c-9\"}")));
        send(producer, "json", "{\"id\":\"j\",\"active\":[1]}".getBytes(StandardCharsets.UTF_8));
        send(producer, "unknown", FramedAvro.write(AvroSchemas.EVENT, 9999,
            Map.of("id", "u", "active", List.of(1))));
        producer.flush();

        List<ConsumerRecord<byte[], byte[]>> letters =
            awaitRecords(client, config.topics().deadLetters(), records -> records.size() >= 2);
        assertThat(letters).extracting(l -> header(l, "__streams.errors.message"))
            .containsExactlyInAnyOrder(
                "avro frame must start with the magic byte 0x00, got 0x7b (not in the"
                    + " schema-registry framing; JSON sent to surprisal.format=avro?)",
                "avro schema id 9999 is unknown to the schema registry");

        List<GenericRecord> alerts = decoded(registry, "alerts-value",
            awaitRecords(client, config.topics().alerts(),
                records -> records.stream().anyMatch(r -> decodedId(registry, r).equals("odd"))));
        GenericRecord alert = alerts.stream()
            .filter(a -> a.get("id").toString().equals("odd")).findFirst().orElseThrow();
        assertThat(alert.get("key").toString()).isEqualTo("card-9");
        assertThat(alert.get("attributes").toString()).isEqualTo("{\"card\":\"c-9\"}");
        assertThat((Long) alert.get("modelVersion")).isGreaterThanOrEqualTo(1L);
        assertThat((double) alert.get("score")).isLessThan((double) alert.get("threshold"));

        List<GenericRecord> scores = decoded(registry, "scores-value",
            awaitRecords(client, config.topics().scores(),
                records -> records.size() >= NORMAL_EVENTS + 1));
        assertThat(scores).hasSize(NORMAL_EVENTS + 1);
        assertThat(scores).filteredOn(s -> s.get("id").toString().equals("odd"))
            .singleElement()
            .satisfies(s -> assertThat(s.get("alert")).isEqualTo(true));
      }
    }
  }

  private static void send(KafkaProducer<byte[], byte[]> producer, String key, byte[] value) {
    producer.send(new ProducerRecord<>("events", key.getBytes(StandardCharsets.UTF_8), value));
  }

  /** Every bit flips the truth's most likely value: far below the calibrated threshold. */
  private static List<Integer> improbable(BernoulliMixture truth) {
    return IntStream.range(0, DIMENSION)
        .mapToObj(d -> truth.theta(0, d) + truth.theta(1, d) > 1 ? 0 : 1).toList();
  }

  /** Each record decoded as a registry-aware consumer does: the id in its frame, then its schema. */
  private static List<GenericRecord> decoded(InTestSchemaRegistry registry, String subject,
      List<ConsumerRecord<byte[], byte[]>> records) {
    List<GenericRecord> decoded = new ArrayList<>();
    for (ConsumerRecord<byte[], byte[]> record : records) {
      int id = FramedAvro.schemaId(record.value());
      assertThat(registry.versions(subject)).as("the id in the frame").contains(id);
      decoded.add(FramedAvro.read(record.value(), registry.schema(id)));
    }
    return decoded;
  }

  private static String decodedId(InTestSchemaRegistry registry,
      ConsumerRecord<byte[], byte[]> record) {
    byte[] value = record.value();
    return FramedAvro.read(value, registry.schema(FramedAvro.schemaId(value))).get("id").toString();
  }

  private static List<ConsumerRecord<byte[], byte[]>> awaitRecords(Properties client,
      String topic, Predicate<List<ConsumerRecord<byte[], byte[]>>> done)
      throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (true) {
      List<ConsumerRecord<byte[], byte[]>> records = CommittedRecords.records(client, topic);
      if (done.test(records)) return records;
      if (System.nanoTime() > deadline) {
        throw new AssertionError(topic + " had " + records.size() + " records after " + WAIT);
      }
      Thread.sleep(500);
    }
  }

  private static String header(ConsumerRecord<byte[], byte[]> record, String key) {
    Header header = record.headers().lastHeader(key);
    return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
  }
}
