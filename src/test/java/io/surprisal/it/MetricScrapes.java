package io.surprisal.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reading Prometheus text scrapes, and the metric names docs/operations.md documents. */
final class MetricScrapes {
  /** A row of docs/operations.md's metric tables: | `name` | type | ... */
  private static final Pattern METRIC_ROW =
      Pattern.compile("^\\| `([a-z_:][a-z0-9_:]*)` \\| (counter|gauge|histogram|summary) \\|",
          Pattern.MULTILINE);

  private MetricScrapes() {}

  /**
   * Every metric name in docs/operations.md's metric tables, as Prometheus names it, with its
   * type.
   */
  static Map<String, String> documented() throws IOException {
    Map<String, String> names = new TreeMap<>();
    Matcher m = METRIC_ROW.matcher(Files.readString(Path.of("docs", "operations.md")));
    while (m.find()) names.put(m.group(1), m.group(2));
    if (names.isEmpty()) throw new AssertionError("docs/operations.md has no metric table rows");
    return names;
  }

  /** The value of one exact series of a scrape, NaN when absent. */
  static double sample(String scrape, String series) {
    for (String line : scrape.split("\n")) {
      if (line.startsWith(series + " ")) {
        return Double.parseDouble(line.substring(series.length() + 1).trim());
      }
    }
    return Double.NaN;
  }

  /** The metric family names of a scrape (from its # TYPE lines), counters with _total. */
  static Set<String> families(String scrape) {
    Set<String> names = new TreeSet<>();
    Matcher m = Pattern.compile("^# TYPE (\\S+) (\\S+)$", Pattern.MULTILINE).matcher(scrape);
    while (m.find()) {
      String name = m.group(1);
      names.add(m.group(2).equals("counter") && !name.endsWith("_total") ? name + "_total" : name);
    }
    return names;
  }
}
