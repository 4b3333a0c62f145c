package io.surprisal.stream;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.types.Password;

/**
 * The {@code surprisal.*} settings parsed by Kafka's own machinery ({@link DetectorConfigDef}).
 * Being an {@link AbstractConfig}, it resolves {@code ${provider:path:key}} references through the
 * {@code config.providers} in the same properties (env, file, directory or a custom provider)
 * exactly as Kafka Streams resolves them in its own settings, and under the same JVM-wide
 * {@code org.apache.kafka.automatic.config.providers} restriction.
 */
final class DetectorSettings extends AbstractConfig {
  /** @param originals all the properties: the provider settings are Kafka keys, not ours */
  DetectorSettings(Map<?, ?> originals) {
    // doLog false: AbstractConfig would log at every parse; DetectorConfigParser.parseAtStart
    // logs the effective settings once, on one line.
    super(DetectorConfigDef.INSTANCE, originals, false);
  }

  Duration getDuration(String key) {
    return (Duration) DetectorConfigDef.INSTANCE.rule(key).read(getString(key));
  }

  @SuppressWarnings("unchecked")
  List<Integer> getIntegers(String key) {
    return (List<Integer>) DetectorConfigDef.INSTANCE.rule(key).read(getList(key));
  }

  /** A property outside ours, after its {@code ${...}} references are resolved; null if unset. */
  String resolvedOriginal(String key) {
    Object value = originals().get(key);
    return value == null ? null : value.toString();
  }

  /**
   * The settings in effect, sorted, on one line: "key=value, ...", each as it would be written in
   * a properties file; a password shows as [hidden].
   *
   * @param resolved values that replace the parsed ones (topic names with the application id)
   */
  String effective(Map<String, String> resolved) {
    Map<String, String> shown = new TreeMap<>();
    values().forEach((key, value) ->
        shown.put(key, value instanceof Password ? Password.HIDDEN : SettingRule.shown(value)));
    shown.putAll(resolved);
    List<String> pairs = new ArrayList<>();
    shown.forEach((key, value) -> pairs.add(key + "=" + value));
    return String.join(", ", pairs);
  }
}
