package io.surprisal.cli;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import picocli.CommandLine.Option;

/**
 * Where to find the cluster and how to talk to it: a properties file (detector settings and any
 * Kafka client property, security included), single overrides, and the bootstrap servers.
 */
final class KafkaClientOptions {
  @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT[,...]",
      description = "Kafka bootstrap servers (overrides bootstrap.servers in the config file).")
  String bootstrapServers;

  @Option(names = {"-c", "--config"}, paramLabel = "FILE",
      description = "Properties file: surprisal.* settings and Kafka client properties.")
  Path configFile;

  @Option(names = {"-p", "--property"}, paramLabel = "KEY=VALUE",
      description = "One setting, overriding the config file; repeatable.")
  Map<String, String> overrides = Map.of();

  /** The merged properties: file, then overrides, then --bootstrap-servers. */
  Properties properties() {
    Properties properties = new Properties();
    if (configFile != null) {
      try (Reader reader = Files.newBufferedReader(configFile)) {
        properties.load(reader);
      } catch (IOException e) {
        throw new IllegalArgumentException("cannot read --config " + configFile + ": " + e.getMessage());
      }
    }
    properties.putAll(overrides);
    if (bootstrapServers != null) properties.setProperty("bootstrap.servers", bootstrapServers);
    return properties;
  }
}
