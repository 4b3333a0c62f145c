package io.surprisal.event;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

/** The JSON Schemas in schemas/, the wire contract, loaded for tests that check real messages. */
public final class Schemas {
  private static final Path SCHEMAS = Path.of(System.getProperty("basedir", "."), "schemas");
  private static final ObjectMapper JSON = new ObjectMapper();

  private Schemas() {}

  /** Loads schemas/NAME as draft 2020-12, with "format" asserted (the contract means it). */
  public static JsonSchema load(String name) throws IOException {
    JsonSchemaFactory factory = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);
    SchemaValidatorsConfig config =
        SchemaValidatorsConfig.builder().formatAssertionsEnabled(true).build();
    try (InputStream in = Files.newInputStream(SCHEMAS.resolve(name))) {
      return factory.getSchema(in, config);
    }
  }

  /** The schema's complaints about one message; empty when it conforms. */
  public static Set<ValidationMessage> errors(JsonSchema schema, byte[] message) {
    try {
      return schema.validate(JSON.readTree(message));
    } catch (IOException e) {
      throw new AssertionError("not JSON: " + new String(message, StandardCharsets.UTF_8), e);
    }
  }
}
