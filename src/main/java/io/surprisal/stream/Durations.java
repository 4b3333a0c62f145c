package io.surprisal.stream;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses durations as people write them in properties: "500ms", "30s", "10m", "2h", "1d" or ISO-8601 "PT10M". */
public final class Durations {
  private static final Pattern SHORT = Pattern.compile("(-?\\d+)(ms|s|m|h|d)");
  private static final Pattern MILLISECONDS = Pattern.compile("-?\\d+");

  private Durations() {}

  /**
   * A duration in a {@code surprisal.*} setting: the forms of {@link #parse}, and also a plain
   * number of milliseconds, as Kafka's own {@code *.ms} settings take it. Only settings accept the
   * bare number: a command-line option such as {@code --duration 30} is refused rather than read
   * as 30 ms.
   *
   * @throws IllegalArgumentException whose message says which forms are accepted
   */
  public static Duration parseSetting(String text) {
    String trimmed = text.trim();
    if (MILLISECONDS.matcher(trimmed).matches()) {
      try {
        return Duration.ofMillis(Long.parseLong(trimmed));
      } catch (NumberFormatException e) {
        // Out of range for a long: fall through to the message naming the accepted forms.
      }
    }
    return parse(text);
  }

  /** @throws IllegalArgumentException whose message says which forms are accepted */
  public static Duration parse(String text) {
    String trimmed = text.trim();
    Matcher m = SHORT.matcher(trimmed);
    if (m.matches()) {
      long amount = Long.parseLong(m.group(1));
      return switch (m.group(2)) {
        case "ms" -> Duration.ofMillis(amount);
        case "s" -> Duration.ofSeconds(amount);
        case "m" -> Duration.ofMinutes(amount);
        case "h" -> Duration.ofHours(amount);
        default -> Duration.ofDays(amount);
      };
    }
    try {
      return Duration.parse(trimmed);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(
          "expected a duration such as 500ms, 30s, 10m, 2h, 1d or PT10M, got \"" + text + "\"");
    }
  }
}
