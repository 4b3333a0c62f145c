package io.surprisal.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;

/** surprisal_build_info names the manifest's version, or "dev" where there is none. */
class BuildInfoTest {
  @Test
  void shouldLabelTheGaugeWithTheManifestVersion() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    new BuildInfo("0.1.0-SNAPSHOT").bindTo(registry);

    assertThat(registry.scrape()).contains("surprisal_build_info{version=\"0.1.0-SNAPSHOT\"} 1");
  }

  @Test
  void shouldReadDevWhenNoManifestNamesAVersion() {
    assertThat(new BuildInfo(null).version()).isEqualTo("dev");
    assertThat(new BuildInfo(" ").version()).isEqualTo("dev");
    // The tests run from target/classes: no jar, no manifest.
    assertThat(BuildInfo.ofThisJar().version()).isEqualTo("dev");
  }
}
