package io.surprisal.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.surprisal.stream.DetectorConfigParser;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * docs/configuration.md is the users' reference for settings: every setting the parser knows is
 * documented there with its default.
 */
class ReadmeTest {
  @Test
  void shouldDocumentEveryDetectorSettingWithItsDefault() throws Exception {
    String reference = Files.readString(Path.of("docs", "configuration.md"));
    DetectorConfigParser.DEFAULTS.forEach((key, value) -> {
      String shown = value == null ? "required" : value.isEmpty() ? "empty" : "`" + value + "`";
      String expected = "| `" + key + "` | " + shown + " |";
      assertThat(reference).as("docs/configuration.md row for " + key).contains(expected);
    });
  }
}
