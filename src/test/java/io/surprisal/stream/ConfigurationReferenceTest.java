package io.surprisal.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import org.junit.jupiter.api.Test;

/**
 * docs/configuration.md is the users' reference for settings: its table is generated from
 * DetectorConfigDef, so every setting is there with its type, default and rule, and none that no
 * longer exists.
 */
class ConfigurationReferenceTest {
  /** Set to true to rewrite the table instead of comparing it. */
  private static final String REGENERATE = "surprisal.docs.regenerate";

  @Test
  void shouldHaveTheSettingsTableOfDocsConfigurationMdGeneratedFromTheDefinitions()
      throws Exception {
    String expected =
        ConfigurationReference.withTable(Files.readString(ConfigurationReference.DOCUMENT));
    if (Boolean.getBoolean(REGENERATE)) {
      Files.writeString(ConfigurationReference.DOCUMENT, expected);
    }
    String document = Files.readString(ConfigurationReference.DOCUMENT);
    assertThat(document)
        .as("docs/configuration.md's settings table differs from DetectorConfigDef. Regenerate it"
            + " with\n  mvn -o -q test -Dtest=ConfigurationReferenceTest -D" + REGENERATE + "=true\n"
            + "or by running io.surprisal.stream.ConfigurationReference from the project"
            + " directory; the text outside the markers is kept")
        .isEqualTo(expected);
  }

  @Test
  void shouldListEveryDetectorSettingWithItsDefault() {
    String table = ConfigurationReference.table();
    DetectorConfigParser.DEFAULTS.forEach((key, value) -> {
      String shown = value == null ? "required" : value.isEmpty() ? "empty" : "`" + value + "`";
      assertThat(table).contains("| `" + key + "` | ");
      assertThat(table).contains(" | " + shown + " | ");
    });
    assertThat(table)
        .contains("| `surprisal.retrain.interval` | duration | `10m` | > 0 | medium | ")
        .contains("| `surprisal.model.signing-key` | password | empty | empty (models unsigned)"
            + " or a secret of at least 32 characters | high | ");
  }

  @Test
  void shouldKeepTheProseAroundTheMarkersAndRefuseADocumentWithoutThem() {
    String document = "intro\n" + ConfigurationReference.BEGIN + "\nold table\n"
        + ConfigurationReference.END + "\noutro\n";

    assertThat(ConfigurationReference.withTable(document))
        .startsWith("intro\n" + ConfigurationReference.BEGIN + "\n| key | type |")
        .endsWith("|\n" + ConfigurationReference.END + "\noutro\n")
        .doesNotContain("old table");
    assertThatThrownBy(() -> ConfigurationReference.withTable("no markers"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
