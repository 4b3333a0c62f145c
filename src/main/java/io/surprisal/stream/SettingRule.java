package io.surprisal.stream;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.function.Function;
import java.util.function.Predicate;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;

/**
 * The rule one {@code surprisal.*} setting must meet, as a Kafka {@link ConfigDef.Validator}. Its
 * text serves twice: as the "valid values" of docs/configuration.md and in the error
 * "KEY must be TEXT, got VALUE", so the reference and the refusal always say the same thing.
 *
 * <p>Some settings are read as more than Kafka's types offer (a duration, a list of integers): the
 * rule then converts the value Kafka parsed, and {@link DetectorSettings} reads it through the
 * same conversion.
 *
 * @param <T> what the rule tests, after conversion
 */
final class SettingRule<T> implements ConfigDef.Validator {
  private final String text;
  private final Function<Object, T> convert;
  private final Predicate<T> test;
  private final boolean readsDurations;

  private SettingRule(
      String text, Function<Object, T> convert, Predicate<T> test, boolean readsDurations) {
    this.text = text;
    this.convert = convert;
    this.test = test;
    this.readsDurations = readsDurations;
  }

  /** A rule on the value as Kafka parsed it (Integer for INT, Double for DOUBLE, and so on). */
  static <T> SettingRule<T> of(Class<T> type, String text, Predicate<T> test) {
    return new SettingRule<>(text, type::cast, test, false);
  }

  /** A rule that holds for every value of the type; its text names the form expected. */
  static <T> SettingRule<T> any(Class<T> type, String text) {
    return of(type, text, v -> true);
  }

  /** A STRING setting read as a duration ({@link Durations#parseSetting}). */
  static SettingRule<Duration> duration(String text, Predicate<Duration> test) {
    return new SettingRule<>(text, v -> Durations.parseSetting((String) v), test, true);
  }

  /** A LIST setting read as integers. */
  static SettingRule<List<Integer>> integers(String text, Predicate<List<Integer>> test) {
    return new SettingRule<>(text, SettingRule::integerList, test, false);
  }

  /** Whether this rule reads its STRING value as a duration, which the reference shows as such. */
  boolean readsDurations() {
    return readsDurations;
  }

  /** The value converted as the rule reads it; call only on a value the rule accepted. */
  T read(Object value) {
    return convert.apply(value);
  }

  @Override
  public void ensureValid(String name, Object value) {
    check(name, value, shown(value));
  }

  /**
   * As {@link #ensureValid}, but naming the value as the user wrote it ("2", not "2.0"), which
   * {@link DetectorConfigDef} still has before Kafka parses it.
   */
  void check(String name, Object value, String written) {
    T converted;
    try {
      converted = convert.apply(value);
    } catch (NumberFormatException e) {
      throw new ConfigException(name + " must be " + text + ", got \"" + written + "\"");
    } catch (IllegalArgumentException e) {
      // Our own conversions (durations) say which forms they accept.
      throw new ConfigException(name + ": " + e.getMessage());
    }
    if (!test.test(converted)) {
      throw new ConfigException(name + " must be " + text + ", got " + written);
    }
  }

  /** The rule as the reference shows it under "valid values". */
  @Override
  public String toString() {
    return text;
  }

  /**
   * A value as a person would write it: 2 rather than 2.0, a list comma-separated, a secret by
   * its length only.
   */
  static String shown(Object value) {
    if (value instanceof Double d && Double.isFinite(d)) {
      return BigDecimal.valueOf(d).stripTrailingZeros().toPlainString();
    }
    if (value instanceof Collection<?> values) {
      List<String> parts = new ArrayList<>();
      values.forEach(v -> parts.add(String.valueOf(v)));
      return String.join(",", parts);
    }
    if (value instanceof Password secret) return secret.value().length() + " characters";
    return String.valueOf(value);
  }

  private static List<Integer> integerList(Object value) {
    List<Integer> values = new ArrayList<>();
    for (Object part : (List<?>) value) values.add(Integer.parseInt(part.toString().trim()));
    return values;
  }
}
