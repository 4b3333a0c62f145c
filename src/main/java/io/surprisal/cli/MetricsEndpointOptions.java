package io.surprisal.cli;

import java.util.Properties;
import picocli.CommandLine.Option;

/**
 * Where the HTTP endpoint (metrics, health, readiness, status page) listens: shortcuts for the
 * {@code surprisal.metrics.bind} and {@code surprisal.metrics.port} settings, which they override.
 */
final class MetricsEndpointOptions {
  @Option(names = "--metrics-bind", paramLabel = "ADDRESS",
      description = "Address of the metrics and status-page endpoint, e.g. 0.0.0.0 in a container "
          + "(surprisal.metrics.bind, default 127.0.0.1).")
  String bind;

  @Option(names = "--metrics-port", paramLabel = "PORT",
      description = "Port of the metrics and status-page endpoint; 0 picks a free one "
          + "(surprisal.metrics.port, default 9464).")
  Integer port;

  /** Sets the options that were given over the same keys in {@code properties}. */
  void applyTo(Properties properties) {
    if (bind != null) properties.setProperty("surprisal.metrics.bind", bind);
    if (port != null) properties.setProperty("surprisal.metrics.port", Integer.toString(port));
  }
}
