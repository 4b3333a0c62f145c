package io.surprisal.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.surprisal.stream.DetectorConfigParser;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** README is the users' reference: every setting the parser knows is documented with its default. */
class ReadmeTest {
  @Test
  void shouldDocumentEveryDetectorSettingWithItsDefault() throws Exception {
    String readme = Files.readString(Path.of("README.md"));
    DetectorConfigParser.DEFAULTS.forEach((key, value) -> {
      String shown = value == null ? "required" : value.isEmpty() ? "empty" : "`" + value + "`";
      String expected = "| `" + key + "` | " + shown + " |";
      assertThat(readme).as("README row for " + key).contains(expected);
    });
  }
}
