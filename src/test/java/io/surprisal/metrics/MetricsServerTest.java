package io.surprisal.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The endpoint's own rules, on a real JDK server over real sockets. */
class MetricsServerTest {
  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final MetricsServer.Probes probes = new MetricsServer.Probes() {
    @Override
    public String streamsState() {
      return "REBALANCING";
    }

    @Override
    public boolean healthy() {
      return true;
    }

    @Override
    public boolean ready() {
      return false;
    }

    @Override
    public long modelVersion() {
      return 0;
    }
  };

  @Test
  void shouldNameTheSettingsToChangeWhenThePortIsTaken() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      assertThatThrownBy(() -> new MetricsServer("127.0.0.1", taken.getLocalPort(), registry,
              probes, Map::of))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("cannot listen on 127.0.0.1:" + taken.getLocalPort())
          .hasMessageContaining("--metrics-port");
    }
  }

  @Test
  void shouldAnswerHeadWithHeadersOnlyAndReportAHealthyButUnreadyInstance() throws Exception {
    try (MetricsServer server = new MetricsServer("127.0.0.1", 0, registry, probes, Map::of)) {
      String base = "http://127.0.0.1:" + server.address().getPort() + "/";
      HttpClient http = HttpClient.newHttpClient();
      HttpResponse<String> head = http.send(HttpRequest.newBuilder(URI.create(base + "metrics"))
          .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(head.statusCode()).isEqualTo(200);
      assertThat(head.body()).isEmpty();
      HttpResponse<String> health = http.send(HttpRequest.newBuilder(URI.create(base + "health"))
          .build(), HttpResponse.BodyHandlers.ofString());
      assertThat(health.statusCode()).isEqualTo(200);
      assertThat(health.body()).contains("\"state\":\"REBALANCING\"");
      HttpResponse<String> ready = http.send(HttpRequest.newBuilder(URI.create(base + "ready"))
          .build(), HttpResponse.BodyHandlers.ofString());
      assertThat(ready.statusCode()).isEqualTo(503);
    }
  }
}
