package io.surprisal.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.surprisal.cli.SurprisalCommand;
import io.surprisal.stream.DetectorConfigParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Document;
import picocli.CommandLine;

/**
 * What the tests of deploy/ share: where the files are, what the detector serves, and the checks
 * that a command line is one the CLI accepts, deploy/Dockerfile's instructions. Nothing here runs a
 * container or a cluster.
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

  /**
   * deploy/Dockerfile's instructions as {KEYWORD, arguments}, continuation lines joined, comments
   * dropped.
   */
  static List<String[]> dockerfile() throws IOException {
    String text = Files.readString(DEPLOY.resolve("Dockerfile"))
        .replaceAll("(?m)^\\s*#.*\\n", "").replaceAll("\\\\\\n", " ");
    List<String[]> instructions = new ArrayList<>();
    for (String line : text.split("\n")) {
      if (line.isBlank()) continue;
      String[] parts = line.trim().split("\\s+", 2);
      instructions.add(new String[] {parts[0].toUpperCase(), parts.length > 1 ? parts[1] : ""});
    }
    return instructions;
  }

  /** The arguments of the one instruction of that keyword. */
  static String dockerfileInstruction(List<String[]> instructions, String keyword) {
    List<String> found = instructions.stream().filter(i -> i[0].equals(keyword)).map(i -> i[1])
        .toList();
    assertThat(found).as(keyword).hasSize(1);
    return found.get(0).trim();
  }

  /** The one instruction of that keyword, in exec (JSON array) form. */
  static List<String> dockerfileArray(List<String[]> instructions, String keyword)
      throws IOException {
    return strings(new ObjectMapper().readTree(dockerfileInstruction(instructions, keyword)));
  }
}
