package io.surprisal.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

/**
 * The gauge {@code surprisal.build.info{version}}, always 1: which build an instance runs, in the
 * Prometheus "info metric" style, so a dashboard can show it and a query can join on it. The
 * version is the jar manifest's Implementation-Version (the build writes the project version
 * there); run from classes, as the tests do, there is no manifest and it reads {@value #DEV}.
 */
final class BuildInfo implements MeterBinder {
  static final String DEV = "dev";

  private final String version;

  BuildInfo(String version) {
    this.version = version == null || version.isBlank() ? DEV : version;
  }

  /** The build this class was loaded from. */
  static BuildInfo ofThisJar() {
    return new BuildInfo(BuildInfo.class.getPackage().getImplementationVersion());
  }

  String version() {
    return version;
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    Gauge.builder("surprisal.build.info", () -> 1)
        .description("Always 1; the version label names the build this instance runs")
        .tag("version", version).register(registry);
  }
}
