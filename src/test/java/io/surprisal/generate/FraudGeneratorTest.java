package io.surprisal.generate;

import static io.surprisal.generate.FraudFeatures.*;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.surprisal.event.Event;
import io.surprisal.event.EventParser;
import io.surprisal.generate.EventGenerator.GeneratedEvent;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.Test;

class FraudGeneratorTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void shouldNameEveryBitOnceInSnakeCase() {
    assertThat(FraudFeatures.dimension()).isEqualTo(26);
    assertThat(new HashSet<>(NAMES)).hasSize(NAMES.size());
    assertThat(NAMES).allMatch(name -> name.matches("[a-z0-9]+(_[a-z0-9]+)*"));
    assertThat(NAMES.get(CARD_PRESENT)).isEqualTo("card_present");
    assertThat(NAMES.get(NEW_DEVICE)).isEqualTo("new_device");
    assertThat(NAMES.get(DECLINED_RECENTLY)).isEqualTo("declined_recently");
    for (int band : AMOUNT_BANDS) assertThat(NAMES.get(band)).startsWith("amount_");
  }

  @Test
  void shouldSetOneChannelOneAmountBandAndAtMostOneCategoryInEveryTransaction() throws Exception {
    FraudGenerator generator = new FraudGenerator(0.05, 3, "tx-");
    EventParser parser = new EventParser(FraudFeatures.dimension());
    for (int i = 0; i < 50_000; i++) {
      Event event = parser.parse(generator.next().json());
      boolean cardPresent = event.features().get(CARD_PRESENT);
      boolean online = event.features().get(ONLINE);
      assertThat(cardPresent ^ online).as("event %d: card present xor online", i).isTrue();
      if (event.features().get(ATM_WITHDRAWAL)) assertThat(cardPresent).isTrue();
      assertThat(count(event, AMOUNT_BANDS)).as("event %d: amount bands", i).isEqualTo(1);
      assertThat(count(event, CATEGORIES)).as("event %d: categories", i).isLessThanOrEqualTo(1);
    }
  }

  @Test
  void shouldInjectFraudAtTheSetRateAndKeepTheTruthOutOfTheEvent() throws Exception {
    FraudGenerator generator = new FraudGenerator(0.01, 9, "tx-");
    int fraud = 0;
    for (int i = 0; i < 100_000; i++) {
      GeneratedEvent event = generator.next();
      if (event.anomaly()) fraud++;
      JsonNode json = JSON.readTree(event.json());
      JsonNode attributes = json.get("attributes");
      List<String> fields = new ArrayList<>();
      attributes.fieldNames().forEachRemaining(fields::add);
      assertThat(fields).containsExactly("source", "sequence", "flags");
      List<String> flags = new ArrayList<>();
      attributes.get("flags").forEach(flag -> flags.add(flag.asText()));
      List<String> active = new ArrayList<>();
      json.get("active").forEach(index -> active.add(NAMES.get(index.asInt())));
      assertThat(flags).isEqualTo(active);
    }
    // 1% of 100,000: 1,000 ± 31.5 (binomial sd); the range is four of them either side.
    assertThat(fraud).isBetween(874, 1_126);
  }

  @Test
  void shouldDrawEveryPatternAndSegmentFeatureSomewhere() throws Exception {
    FraudGenerator generator = new FraudGenerator(0.02, 4, "tx-");
    EventParser parser = new EventParser(FraudFeatures.dimension());
    int[] normalCounts = new int[FraudFeatures.dimension()];
    int normal = 0;
    for (int i = 0; i < 100_000; i++) {
      GeneratedEvent generated = generator.next();
      if (generated.anomaly()) continue;
      normal++;
      Event event = parser.parse(generated.json());
      for (int d = 0; d < normalCounts.length; d++) if (event.features().get(d)) normalCounts[d]++;
    }
    // Every feature occurs in normal traffic (no bit is constant, so none is a giveaway alone),
    // and the flags fraud leans on stay rare there.
    for (int d = 0; d < normalCounts.length; d++) {
      assertThat(normalCounts[d]).as(NAMES.get(d)).isPositive();
    }
    // 0.5% of ~98,000 normal transactions: standard error 0.00023.
    assertThat((double) normalCounts[VELOCITY_HIGH] / normal).isBetween(0.004, 0.006);
    assertThat((double) normalCounts[NEW_DEVICE] / normal).isLessThan(0.01);
    assertThat((double) normalCounts[HIGH_RISK_MCC] / normal).isLessThan(0.01);
  }

  @Test
  void shouldRepeatTheSameTransactionsForTheSameSeed() {
    FraudGenerator a = new FraudGenerator(0.01, 5, "tx-");
    FraudGenerator b = new FraudGenerator(0.01, 5, "tx-");
    for (int i = 0; i < 5_000; i++) {
      GeneratedEvent x = a.next();
      GeneratedEvent y = b.next();
      assertThat(x.key()).isEqualTo(y.key());
      assertThat(x.anomaly()).isEqualTo(y.anomaly());
      assertThat(withoutTimestamp(x)).isEqualTo(withoutTimestamp(y));
    }
  }

  private static JsonNode withoutTimestamp(GeneratedEvent event) {
    try {
      var node = (com.fasterxml.jackson.databind.node.ObjectNode) JSON.readTree(event.json());
      node.remove("timestamp");
      return node;
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static int count(Event event, int[] features) {
    int n = 0;
    for (int f : features) if (event.features().get(f)) n++;
    return n;
  }
}
