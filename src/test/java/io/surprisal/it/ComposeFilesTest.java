package io.surprisal.it;

import static io.surprisal.it.DeployFiles.CONFIG_PATH;
import static io.surprisal.it.DeployFiles.DEPLOY;
import static io.surprisal.it.DeployFiles.YAML;
import static io.surprisal.it.DeployFiles.assertCommandLineAccepts;
import static io.surprisal.it.DeployFiles.pom;
import static io.surprisal.it.DeployFiles.strings;
import static io.surprisal.it.DeployFiles.text;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import io.surprisal.stream.DetectorConfig;
import io.surprisal.stream.DetectorConfigParser;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/**
 * deploy/compose.yaml, checked without a Docker engine: it passes the Compose Specification's JSON
 * Schema; its builds, images and mounted files exist; its commands are ones the CLI accepts; its
 * Prometheus scrapes the detector's service on its metrics port and its Grafana finds the
 * dashboards; and deploy/config/detector.properties passes the detector's own parser.
 */
class ComposeFilesTest {
  @Test
  void shouldValidateTheComposeFileAgainstTheComposeSpecification() throws IOException {
    JsonSchema spec = composeSpecification();
    assertThat(spec.validate(compose())).isEmpty();

    ObjectNode misspelt = compose().deepCopy();
    ObjectNode detector = (ObjectNode) misspelt.get("services").get("surprisal");
    detector.set("healthchek", detector.remove("healthcheck"));
    assertThat(spec.validate(misspelt)).extracting(ValidationMessage::getMessage)
        .anySatisfy(message -> assertThat(message).contains("healthchek"));
  }

  @Test
  void shouldStartEveryComposeServiceFromAnImageOrABuildThatExists() throws Exception {
    JsonNode services = compose().get("services");
    List<String> names = new ArrayList<>();
    services.fieldNames().forEachRemaining(names::add);
    assertThat(names).containsExactlyInAnyOrder(
        "kafka", "surprisal", "generator", "prometheus", "grafana");
    services.fields().forEachRemaining(service -> {
      JsonNode build = service.getValue().path("build");
      if (!build.isMissingNode()) {
        Path context = DEPLOY.resolve(build.get("context").asText()).normalize();
        assertThat(context.resolve(build.get("dockerfile").asText()))
            .as(service.getKey() + " build").isEqualTo(DEPLOY.resolve("Dockerfile").normalize());
      } else {
        assertThat(service.getValue().path("image").asText())
            .as(service.getKey() + " image").matches("[a-z0-9./-]+:[A-Za-z0-9._-]+");
      }
    });
    assertThat(services.get("kafka").get("image").asText())
        .as("the broker image is Kafka's own, at the version the project builds against")
        .isEqualTo("apache/kafka:" + text(pom(), "kafka.version"));
    assertThat(services.get("prometheus").get("image").asText()).startsWith("prom/prometheus:");
    assertThat(services.get("grafana").get("image").asText()).startsWith("grafana/grafana:");
    assertThat(services.get("generator").get("image").asText())
        .isEqualTo(services.get("surprisal").get("image").asText());
  }

  @Test
  void shouldMountOnlyFilesThatExistInTheRepository() throws IOException {
    List<String> missing = new ArrayList<>();
    int mounts = 0;
    for (JsonNode service : compose().get("services")) {
      for (JsonNode volume : service.path("volumes")) {
        mounts++;
        String source = volume.asText().split(":")[0];
        if (!Files.exists(DEPLOY.resolve(source))) missing.add(source);
      }
    }
    assertThat(mounts).isEqualTo(5);
    assertThat(missing).isEmpty();
  }

  @Test
  void shouldRunTheDetectorAndGeneratorWithCommandsTheCliAccepts() throws IOException {
    JsonNode services = compose().get("services");
    List<String> detector = strings(services.get("surprisal").get("command"));
    assertCommandLineAccepts(detector);
    assertThat(detector.subList(0, 3)).containsExactly("run", "-c", CONFIG_PATH);
    assertThat(mountTargetOf(services.get("surprisal"), "./config/detector.properties"))
        .isEqualTo(CONFIG_PATH);
    List<String> generator = strings(services.get("generator").get("command"));
    assertCommandLineAccepts(generator);
    assertThat(String.join(" ", generator))
        .isEqualTo("generate --bootstrap-servers kafka:9092 --count 100000000 --rate 1000");
    // The broker's internal listener is the address both use.
    assertThat(services.get("kafka").get("environment").get("KAFKA_ADVERTISED_LISTENERS").asText())
        .contains("PLAINTEXT://kafka:9092");
  }

  @Test
  void shouldScrapeTheDetectorServiceOnItsMetricsPort() throws IOException {
    JsonNode services = compose().get("services");
    JsonNode prometheus = services.get("prometheus");
    Path config = DEPLOY.resolve("prometheus/prometheus.yml");
    assertThat(mountTargetOf(prometheus, "./prometheus/prometheus.yml"))
        .isEqualTo("/etc/prometheus/prometheus.yml");
    JsonNode prometheusConfig = YAML.readTree(config.toFile());
    for (JsonNode ruleFile : prometheusConfig.get("rule_files")) {
      // rule_files are relative to the configuration file, inside the container as here.
      assertThat(mountTargetOf(prometheus, "./prometheus/" + ruleFile.asText()))
          .isEqualTo("/etc/prometheus/" + ruleFile.asText());
    }
    DetectorConfig detector = DetectorConfigParser.parse(composeProperties());
    List<String> targets = new ArrayList<>();
    for (JsonNode job : prometheusConfig.get("scrape_configs")) {
      assertThat(job.path("metrics_path").asText("/metrics")).isEqualTo("/metrics");
      for (JsonNode staticConfig : job.get("static_configs")) {
        staticConfig.get("targets").forEach(t -> targets.add(t.asText()));
      }
    }
    assertThat(targets).containsExactly("surprisal:" + detector.metricsEndpoint().port());
    assertThat(services.has("surprisal")).isTrue();
    assertThat(strings(services.get("surprisal").get("command")))
        .as("listening beyond the container's loopback").containsSequence("--metrics-bind", "0.0.0.0");
  }

  @Test
  void shouldProvisionGrafanaWithTheDashboardsAndTheComposePrometheus() throws IOException {
    JsonNode grafana = compose().get("services").get("grafana");
    assertThat(mountTargetOf(grafana, "./grafana/provisioning")).isEqualTo("/etc/grafana/provisioning");
    JsonNode provider = YAML.readTree(
        DEPLOY.resolve("grafana/provisioning/dashboards/surprisal.yml").toFile()).get("providers").get(0);
    assertThat(mountTargetOf(grafana, "../dashboards"))
        .isEqualTo(provider.get("options").get("path").asText());
    JsonNode datasource = YAML.readTree(
        DEPLOY.resolve("grafana/provisioning/datasources/prometheus.yml").toFile())
        .get("datasources").get(0);
    assertThat(datasource.get("url").asText()).isEqualTo("http://prometheus:9090");
  }

  @Test
  void shouldParseTheComposeDetectorPropertiesWithTheDetectorsOwnParser() throws IOException {
    DetectorConfig config = DetectorConfigParser.parse(composeProperties());
    assertThat(config.dimension()).isEqualTo(64);
    assertThat(config.kafka().getProperty("bootstrap.servers")).isEqualTo("kafka:9092");
    assertThat(config.kafka().getProperty("application.id")).isEqualTo("surprisal");
  }

  /**
   * The Compose Specification's JSON Schema, vendored in the test resources (see its README). Its
   * draft-04 style {@code "id"} annotations are no 2019-09 keyword and the validator refuses them,
   * so they are dropped; they name sub-schemas and constrain nothing.
   */
  private static JsonSchema composeSpecification() throws IOException {
    JsonNode schema;
    try (InputStream in = ComposeFilesTest.class.getResourceAsStream(
        "/compose-spec/compose-spec.json")) {
      schema = new ObjectMapper().readTree(in);
    }
    dropIdAnnotations(schema);
    return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V201909).getSchema(schema);
  }

  private static void dropIdAnnotations(JsonNode node) {
    if (node instanceof ObjectNode object && object.path("id").isTextual()) object.remove("id");
    node.forEach(ComposeFilesTest::dropIdAnnotations);
  }

  private static JsonNode compose() throws IOException {
    return YAML.readTree(DEPLOY.resolve("compose.yaml").toFile());
  }

  private static Properties composeProperties() throws IOException {
    Properties properties = new Properties();
    try (var reader = Files.newBufferedReader(DEPLOY.resolve("config/detector.properties"))) {
      properties.load(reader);
    }
    return properties;
  }

  private static String mountTargetOf(JsonNode service, String source) {
    for (JsonNode volume : service.path("volumes")) {
      String[] parts = volume.asText().split(":");
      if (parts[0].equals(source)) return parts[1];
    }
    throw new AssertionError("no volume mounts " + source);
  }
}
