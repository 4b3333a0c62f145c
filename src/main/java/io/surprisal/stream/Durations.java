package io.surprisal.stream;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses durations as people write them in properties: "500ms", "30s", "10m", "2h", "1d" or ISO-8601 "PT10M". */
public final class Durations {
  private static final Pattern SHORT = Pattern.compile("(-?\\d+)(ms|s|m|h|d)");

  private Durations() {}

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
