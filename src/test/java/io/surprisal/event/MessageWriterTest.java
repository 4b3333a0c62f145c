package io.surprisal.event;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The hand-written writer of the per-event path must give databind's bytes exactly (so a field
 * added to a record but not to the writer fails here) and messages that the schemas accept.
 */
class MessageWriterTest {
  private static JsonSchema scoreSchema;
  private static JsonSchema alertSchema;

  private final SplittableRandom random = new SplittableRandom(7L);

  @BeforeAll
  static void loadSchemas() throws Exception {
    scoreSchema = Schemas.load("score.schema.json");
    alertSchema = Schemas.load("alert.schema.json");
  }

  @Test
  void shouldWriteScoresAsDatabindDoesAndAsTheSchemaAllows() {
    List<Score> scores = new ArrayList<>();
    scores.add(Score.unscored("e-1", null, null));
    scores.add(Score.unscored("e-\"quoted\"\n\u00e9\u2028", "k\\ey", 0L));
    for (int i = 0; i < 2_000; i++) {
      double logLikelihood = -random.nextDouble() * 1000;
      Latent latent = switch (i % 3) {
        case 0 -> new Latent(String.valueOf(i % 32), random.nextDouble());
        case 1 -> new Latent(null, null, List.of(random.nextGaussian(), -1e-300, 1e22));
        default -> null;
      };
      scores.add(new Score("e-" + i, i % 5 == 0 ? null : "entity-" + i, random.nextLong(0, 1L << 50),
          true, logLikelihood, logLikelihood, -30.0 - random.nextDouble(), random.nextDouble(),
          i % 7 == 0, 1L + i, latent, i % 2 == 0 ? null : 8 << (i % 4)));
    }
    for (Score score : scores) {
      byte[] written = MessageWriter.score(score);
      assertThat(text(written)).isEqualTo(text(MessageJson.write(score)));
      assertThat(Schemas.errors(scoreSchema, written)).as(text(written)).isEmpty();
      assertThat(MessageJson.read(written, Score.class)).isEqualTo(score);
    }
  }

  @Test
  void shouldWriteAlertsAsDatabindDoesAndAsTheSchemaAllows() {
    JsonNode attributes = MessageJson.read(
        "{\"shop\":\"s-9\",\"amount\":12.5,\"tags\":[\"a\",{\"b\":null}]}"
            .getBytes(StandardCharsets.UTF_8), JsonNode.class);
    List<Alert> alerts = List.of(
        new Alert("e-1", null, null, -70.25, -30.5, 0.0, 1, List.of(), null, null),
        new Alert("e-2", "card \"9\"", 5L, -1.0E-7, -1.0E-8, 0.0, 2,
            List.of(new FeatureContribution(3, 1, -4.5), new FeatureContribution(0, 0, -0.0)),
            attributes, new Latent("0110", 0.999)),
        new Alert("e-3", "k", 1_714_564_800_000L, -123.456, -100.0, 0.25, 3,
            List.of(new FeatureContribution(783, 1, -12.0)), attributes,
            new Latent(null, null, List.of(0.5, -2.25))));
    for (Alert alert : alerts) {
      byte[] written = MessageWriter.alert(alert);
      assertThat(text(written)).isEqualTo(text(MessageJson.write(alert)));
      assertThat(Schemas.errors(alertSchema, written)).as(text(written)).isEmpty();
    }
  }

  @Test
  void shouldWriteEventsThatParseBackToTheSameEventAndMatchTheEventSchema() throws Exception {
    JsonSchema eventSchema = Schemas.load("event.schema.json");
    EventParser parser = new EventParser(40);
    List<String> events = List.of(
        "{\"id\":\"a\",\"active\":[]}",
        "{\"id\":\"b\\\"\",\"timestamp\":17,\"bits\":\"0110000000000000000000000000000000000001\"}",
        "{\"id\":\"c\",\"active\":[39,0,7],\"attributes\":{\"x\":[1,{\"y\":null}]}}");
    for (String text : events) {
      Event event = parser.parse(text.getBytes(StandardCharsets.UTF_8));
      byte[] written = MessageWriter.event(event);
      assertThat(parser.parse(written)).isEqualTo(event);
      assertThat(Schemas.errors(eventSchema, written)).as(text(written)).isEmpty();
    }
  }

  private static String text(byte[] json) {
    return new String(json, StandardCharsets.UTF_8);
  }
}
