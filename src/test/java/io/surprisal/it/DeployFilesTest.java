package io.surprisal.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The files an operator deploys with: Prometheus' own checker accepts the alerting rules and the
 * compose stack's Prometheus configuration, and the Grafana dashboard asks for its data source
 * through a variable. PrometheusScrapeIntegrationTest evaluates the queries themselves.
 */
class DeployFilesTest {
  private static final Path PROMTOOL =
      Path.of(System.getenv().getOrDefault("PROMTOOL_BIN", "/usr/bin/promtool"));

  @Test
  void shouldPassPromtoolCheckRules() throws Exception {
    assertThat(promtool("check", "rules", "deploy/prometheus/alerts.yml")).contains("SUCCESS");
  }

  @Test
  void shouldPassPromtoolCheckConfig() throws Exception {
    assertThat(promtool("check", "config", "deploy/prometheus/prometheus.yml"))
        .contains("is valid prometheus config file syntax");
  }

  @Test
  void shouldTakeEveryDashboardQueryFromTheDatasourceVariable() throws IOException {
    JsonNode dashboard = new ObjectMapper().readTree(Path.of("dashboards/surprisal.json").toFile());
    JsonNode variables = dashboard.get("templating").get("list");
    assertThat(variables).anySatisfy(v -> {
      assertThat(v.get("name").asText()).isEqualTo("datasource");
      assertThat(v.get("type").asText()).isEqualTo("datasource");
      assertThat(v.get("query").asText()).isEqualTo("prometheus");
    });
    List<String> wrong = new ArrayList<>();
    int queries = 0;
    for (JsonNode panel : dashboard.get("panels")) {
      for (JsonNode target : panel.path("targets")) {
        queries++;
        if (!target.get("datasource").get("uid").asText().equals("${datasource}")) {
          wrong.add(panel.get("title").asText());
        }
      }
    }
    assertThat(queries).isGreaterThan(10);
    assertThat(wrong).as("panels with a fixed data source").isEmpty();
  }

  private static String promtool(String... args) throws IOException, InterruptedException {
    assumeTrue(Files.isExecutable(PROMTOOL),
        "no promtool at " + PROMTOOL + ": apt-get install prometheus (as .ci/run does)");
    List<String> command = new ArrayList<>();
    command.add(PROMTOOL.toString());
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as(output).isZero();
    return output;
  }
}
