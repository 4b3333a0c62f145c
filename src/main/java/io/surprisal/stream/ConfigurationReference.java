package io.surprisal.stream;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.apache.kafka.common.config.ConfigDef;

/**
 * Writes the settings table of docs/configuration.md from {@link DetectorConfigDef}, between two
 * markers; the prose around them is kept as written. ConfigurationReferenceTest fails when the
 * file and the definitions differ.
 */
public final class ConfigurationReference {
  public static final Path DOCUMENT = Path.of("docs", "configuration.md");
  static final String BEGIN = "<!-- settings table: generated from DetectorConfigDef by"
      + " io.surprisal.stream.ConfigurationReference; edit the definitions, not this table -->";
  static final String END = "<!-- end of settings table -->";

  private ConfigurationReference() {}

  /** Rewrites the table in docs/configuration.md (or the file named), run from the project. */
  public static void main(String[] args) throws IOException {
    Path document = args.length > 0 ? Path.of(args[0]) : DOCUMENT;
    Files.writeString(document, withTable(Files.readString(document)));
    System.out.println("Wrote the settings table of " + document);
  }

  /** The document with the text between its markers replaced by the table. */
  public static String withTable(String document) {
    int begin = document.indexOf(BEGIN);
    int end = document.indexOf(END);
    if (begin < 0 || end < begin) {
      throw new IllegalArgumentException("expected the markers " + BEGIN + " and " + END
          + " around the settings table, in this order");
    }
    return document.substring(0, begin + BEGIN.length()) + "\n" + table()
        + document.substring(end);
  }

  /** One row per setting, in the order of the definitions. */
  public static String table() {
    StringBuilder table = new StringBuilder(
        "| key | type | default | valid values | importance | meaning |\n"
            + "| --- | --- | --- | --- | --- | --- |\n");
    for (ConfigDef.ConfigKey key : DetectorConfigDef.INSTANCE.configKeys().values()) {
      table.append("| `").append(key.name).append("` | ")
          .append(type(key)).append(" | ")
          .append(shownDefault(DetectorConfigDef.writtenDefault(key))).append(" | ")
          .append(key.validator).append(" | ")
          .append(key.importance.name().toLowerCase(Locale.ROOT)).append(" | ")
          .append(key.documentation).append(" |\n");
    }
    return table.toString();
  }

  private static String type(ConfigDef.ConfigKey key) {
    if (key.validator instanceof SettingRule<?> rule && rule.readsDurations()) return "duration";
    return key.type.name().toLowerCase(Locale.ROOT);
  }

  private static String shownDefault(String value) {
    if (value == null) return "required";
    return value.isEmpty() ? "empty" : "`" + value + "`";
  }
}
