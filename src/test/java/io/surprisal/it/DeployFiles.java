package io.surprisal.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.surprisal.cli.SurprisalCommand;
import io.surprisal.stream.DetectorConfigParser;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Document;
import picocli.CommandLine;

/**
 * What the tests of deploy/ share: where the files are, what the detector serves, and the checks
 * that a command line is one the CLI accepts. Nothing here runs a container or a cluster.
 */
final class DeployFiles {
  static final Path ROOT = Path.of(System.getProperty("basedir", "."));
  static final Path DEPLOY = ROOT.resolve("deploy");
  static final YAMLMapper YAML = new YAMLMapper();
  /** The port the detector serves /metrics, /health and /ready on unless told otherwise. */
  static final int METRICS_PORT =
      Integer.parseInt(DetectorConfigParser.DEFAULTS.get("surprisal.metrics.port"));
  /** Where the image's default command reads the detector's settings. */
  static final String CONFIG_PATH = "/config/detector.properties";

  private DeployFiles() {}

  /** Parses (never runs) a command line with the CLI's own picocli model: options must exist. */
  static void assertCommandLineAccepts(List<String> args) {
    CommandLine commandLine = new CommandLine(new SurprisalCommand());
    CommandLine.ParseResult parsed = commandLine.parseArgs(args.toArray(String[]::new));
    assertThat(parsed.hasSubcommand()).as(String.join(" ", args)).isTrue();
  }

  static List<String> strings(JsonNode array) {
    List<String> values = new ArrayList<>();
    array.forEach(v -> values.add(v.asText()));
    return values;
  }

  static Document pom() throws Exception {
    return DocumentBuilderFactory.newInstance().newDocumentBuilder()
        .parse(ROOT.resolve("pom.xml").toFile());
  }

  static String text(Document pom, String tag) {
    return pom.getElementsByTagName(tag).item(0).getTextContent().trim();
  }
}
