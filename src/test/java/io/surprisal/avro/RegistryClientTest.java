package io.surprisal.avro;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RegistryClientTest {
  private final InTestSchemaRegistry registry = InTestSchemaRegistry.start();
  private final RegistryClient client = new RegistryClient(registry.url(), Duration.ofSeconds(5));

  @AfterEach
  void stop() {
    registry.close();
  }

  @Test
  void shouldRegisterSchemasOverHttpAndGetTheSameIdForTheSameSchema() throws Exception {
    int scores = client.register("scores-value", AvroSchemas.SCORE);
    int alerts = client.register("alerts-value", AvroSchemas.ALERT);

    assertThat(client.register("scores-value", AvroSchemas.SCORE)).isEqualTo(scores);
    assertThat(alerts).isNotEqualTo(scores);
    assertThat(registry.versions("scores-value")).containsExactly(scores);
    assertThat(registry.schema(alerts)).isEqualTo(AvroSchemas.ALERT);
  }

  @Test
  void shouldLookUpASchemaByIdOverHttp() throws Exception {
    int id = registry.register("events-value", AvroSchemas.EVENT);

    assertThat(client.schema(id)).isEqualTo(AvroSchemas.EVENT);
  }

  @Test
  void shouldKeepASchemaItLookedUpOnceAfterTheRegistryIsGone() throws Exception {
    int id = registry.register("events-value", AvroSchemas.EVENT);
    client.schema(id);
    registry.close();

    assertThat(client.schema(id)).isEqualTo(AvroSchemas.EVENT);
  }

  @Test
  void shouldTellAnUnknownIdFromAnUnreachableRegistry() {
    RegistryException unknown = catchThrowableOfType(RegistryException.class,
        () -> client.schema(42));
    registry.close();
    RegistryException unreachable = catchThrowableOfType(RegistryException.class,
        () -> client.schema(43));

    assertThat(unknown.unknownSchema()).isTrue();
    assertThat(unknown.getMessage()).startsWith("looking up schema id 42: the registry "
        + registry.url() + " does not know it (404 ");
    assertThat(unreachable.unknownSchema()).isFalse();
    assertThat(unreachable.getMessage())
        .startsWith("looking up schema id 43: registry " + registry.url() + " cannot be reached");
  }
}
