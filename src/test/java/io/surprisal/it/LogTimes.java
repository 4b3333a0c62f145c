package io.surprisal.it;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * When a detector's log says something: slf4j-simple starts each line with the local time to the
 * millisecond (simplelogger.properties), on the same clock as the test, so times from child JVMs
 * and from the test compare directly.
 */
final class LogTimes {
  static final Pattern LIVE = Pattern.compile("Model version (\\d+) is live");
  static final Pattern PUBLISHED = Pattern.compile("Published model version (\\d+)");
  static final Pattern TRAINER_STARTED =
      Pattern.compile("Trainer task \\S+ started with (\\d+) samples");

  private static final DateTimeFormatter FORMAT =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS");

  private LogTimes() {}

  /** A matching line: its time and the pattern's first group. */
  record Match(Instant time, long number) {}

  /** Every line matching {@code pattern} (whose group 1 is a number), in log order. */
  static List<Match> matches(List<String> lines, Pattern pattern) {
    List<Match> found = new ArrayList<>();
    for (String line : lines) {
      Matcher matcher = pattern.matcher(line);
      if (line.length() >= 23 && matcher.find()) {
        Instant time = LocalDateTime.parse(line.substring(0, 23), FORMAT)
            .atZone(ZoneId.systemDefault()).toInstant();
        found.add(new Match(time, Long.parseLong(matcher.group(1))));
      }
    }
    return found;
  }

  /** The first time each number (a model version, say) appeared. */
  static Map<Long, Instant> firstByNumber(List<String> lines, Pattern pattern) {
    Map<Long, Instant> first = new LinkedHashMap<>();
    for (Match match : matches(lines, pattern)) first.putIfAbsent(match.number(), match.time());
    return first;
  }
}
