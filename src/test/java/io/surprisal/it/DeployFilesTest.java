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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The files an operator deploys with: Prometheus' own checker accepts the alerting rules and the
 * compose stack's Prometheus configuration, the alerting rules name no scrape job, and the Grafana
 * dashboard asks for its data source, job and instances through variables.
 * PrometheusScrapeIntegrationTest evaluates the queries themselves.
 */
class DeployFilesTest {
  private static final Path PROMTOOL =
      Path.of(System.getenv().getOrDefault("PROMTOOL_BIN", "/usr/bin/promtool"));
  private static final Path DASHBOARD = Path.of("dashboards/surprisal.json");
  /** A label matcher on the job label: {@code job="x"}, {@code job=~"x"}, {@code job!="x"}. */
  private static final Pattern JOB_MATCHER = Pattern.compile("\\bjob\\s*(=|!=|=~|!~)\\s*\"");
  /** A series selector's braces, e.g. {@code {job="$job",outcome="scored"}}. */
  private static final Pattern SELECTOR = Pattern.compile("\\{([^{}]*)}");
  /** An aggregation's grouping, e.g. {@code by (job, application_id)}. */
  private static final Pattern GROUPING = Pattern.compile("\\bby\\s*\\(([^)]*)\\)");

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
    JsonNode dashboard = new ObjectMapper().readTree(DASHBOARD.toFile());
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

  @Test
  void shouldSelectJobAndInstancesThroughVariablesInEveryDashboardQuery() throws IOException {
    JsonNode dashboard = new ObjectMapper().readTree(DASHBOARD.toFile());
    Map<String, JsonNode> variables = new HashMap<>();
    dashboard.get("templating").get("list").forEach(v -> variables.put(v.get("name").asText(), v));
    JsonNode job = variables.get("job");
    assertThat(job.get("type").asText()).isEqualTo("query");
    assertThat(job.get("query").asText()).isEqualTo("label_values(surprisal_build_info, job)");
    assertThat(job.get("datasource").get("uid").asText()).isEqualTo("${datasource}");
    JsonNode instance = variables.get("instance");
    assertThat(instance.get("type").asText()).isEqualTo("query");
    assertThat(instance.get("query").asText())
        .isEqualTo("label_values(surprisal_build_info{job=\"$job\"}, instance)");
    assertThat(instance.get("multi").asBoolean()).isTrue();
    assertThat(instance.get("includeAll").asBoolean()).isTrue();
    assertThat(instance.get("allValue").asText()).isEqualTo(".+");

    List<String> wrong = new ArrayList<>();
    int selectors = 0;
    for (JsonNode panel : dashboard.get("panels")) {
      for (JsonNode target : panel.path("targets")) {
        String expr = target.get("expr").asText();
        Matcher selector = SELECTOR.matcher(expr);
        while (selector.find()) {
          selectors++;
          String matchers = selector.group(1);
          if (!matchers.startsWith("job=\"$job\",instance=~\"$instance\"")) {
            wrong.add(panel.get("title").asText() + ": " + selector.group());
          }
        }
      }
    }
    assertThat(selectors).isGreaterThan(20);
    assertThat(wrong).as("selectors not filtered by the job and instance variables").isEmpty();
  }

  @Test
  void shouldAggregateEveryAlertingRuleByJobInsteadOfSelectingOne() throws IOException {
    JsonNode rules = DeployFiles.YAML.readTree(Path.of("deploy/prometheus/alerts.yml").toFile());
    List<String> wrong = new ArrayList<>();
    int rulesSeen = 0;
    for (JsonNode group : rules.get("groups")) {
      for (JsonNode rule : group.get("rules")) {
        rulesSeen++;
        String name = rule.get("alert").asText();
        String expr = rule.get("expr").asText();
        if (JOB_MATCHER.matcher(expr).find()) wrong.add(name + " selects a job: " + expr);
        Matcher grouping = GROUPING.matcher(expr);
        while (grouping.find()) {
          if (!List.of(grouping.group(1).split("\\s*,\\s*")).contains("job")) {
            wrong.add(name + " aggregates the job away: " + grouping.group());
          }
        }
      }
    }
    assertThat(rulesSeen).isGreaterThanOrEqualTo(8);
    assertThat(wrong).isEmpty();
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
