package io.surprisal.it;

/**
 * Rewrites a PromQL expression so that every comparison keeps its series: {@code a > 3} becomes
 * {@code a > bool 3}, which yields 0 or 1 for each series of {@code a} instead of filtering. An
 * alerting rule's expression returns series only while it fires; with bool comparisons it returns
 * them always, so a test can check that the whole expression, not only the metrics it names, finds
 * data. Label matchers inside braces ({@code =}, {@code !=}, {@code =~}) and strings are left alone.
 */
final class BoolComparisons {
  private BoolComparisons() {}

  static String rewrite(String promql) {
    StringBuilder out = new StringBuilder(promql.length() + 16);
    int braces = 0;
    char quote = 0;
    for (int i = 0; i < promql.length(); i++) {
      char c = promql.charAt(i);
      out.append(c);
      if (quote != 0) {
        if (c == '\\' && i + 1 < promql.length()) out.append(promql.charAt(++i));
        else if (c == quote) quote = 0;
        continue;
      }
      if (c == '"' || c == '\'' || c == '`') quote = c;
      else if (c == '{') braces++;
      else if (c == '}') braces--;
      else if (braces == 0 && isComparison(promql, i)) {
        boolean twoChars = i + 1 < promql.length() && promql.charAt(i + 1) == '=';
        if (twoChars) out.append(promql.charAt(++i));
        if (!promql.startsWith("bool", skipSpaces(promql, i + 1))) out.append(" bool");
      }
    }
    return out.toString();
  }

  /** Whether a comparison operator starts at i: ==, !=, >=, <=, > or <. */
  private static boolean isComparison(String s, int i) {
    char c = s.charAt(i);
    char next = i + 1 < s.length() ? s.charAt(i + 1) : 0;
    if (c == '>' || c == '<') return true;
    return (c == '=' || c == '!') && next == '=';
  }

  private static int skipSpaces(String s, int i) {
    while (i < s.length() && Character.isWhitespace(s.charAt(i))) i++;
    return i;
  }
}
