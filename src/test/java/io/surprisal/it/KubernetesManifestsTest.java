package io.surprisal.it;

import static io.surprisal.it.DeployFiles.CONFIG_PATH;
import static io.surprisal.it.DeployFiles.DEPLOY;
import static io.surprisal.it.DeployFiles.METRICS_PORT;
import static io.surprisal.it.DeployFiles.ROOT;
import static io.surprisal.it.DeployFiles.YAML;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.surprisal.stream.DetectorConfig;
import io.surprisal.stream.DetectorConfigParser;
import io.surprisal.stream.InvalidConfigException;
import io.surprisal.stream.ModelSignature;
import java.io.IOException;
import java.io.StringReader;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * deploy/kubernetes/, checked without a cluster: every manifest reads strictly into the Kubernetes
 * API's model classes (fabric8), so a misspelt field fails; the kustomization lists every manifest;
 * the probes, port, scrape annotations, Services and ServiceMonitor agree with what the detector
 * serves; the selectors find the StatefulSet's pods; the ConfigMap is mounted where the image's
 * default command reads it, keeps state.dir on each instance's own volume claim, takes the signing
 * key from the Secret, and passes the detector's own parser.
 */
class KubernetesManifestsTest {
  /**
   * Unknown fields fail, except where a model class keeps them in its additional-properties map:
   * {@link #unknownFields} finds those.
   */
  private static final ObjectMapper STRICT_YAML =
      new YAMLMapper().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);
  private static final Path KUBERNETES = DEPLOY.resolve("kubernetes");
  /** Every manifest and the model class it must read into; kustomization.yaml lists them all. */
  private static final Map<String, Class<?>> MANIFESTS = Map.of(
      "configmap.yaml", ConfigMap.class,
      "secret.yaml", Secret.class,
      "service.yaml", Service.class,
      "service-headless.yaml", Service.class,
      "statefulset.yaml", StatefulSet.class,
      "poddisruptionbudget.yaml", PodDisruptionBudget.class,
      "servicemonitor.yaml", ServiceMonitor.class);
  private static final String SIGNING_KEY = "surprisal.model.signing-key";
  /** {@code ${dir:<directory>:<file>}}: Kafka's DirectoryConfigProvider reading one file. */
  private static final Pattern DIR_REFERENCE = Pattern.compile("\\$\\{dir:([^:}]+):([^:}]+)}");

  /**
   * The part of the Prometheus Operator's ServiceMonitor (monitoring.coreos.com/v1) the manifest
   * uses; fabric8 ships no model for it without a large dependency, and read strictly into these
   * records a field outside this part fails as a misspelt one would.
   */
  record ServiceMonitor(String apiVersion, String kind, ObjectMeta metadata, Spec spec) {
    record Spec(LabelSelector selector, List<Endpoint> endpoints) {}

    record Endpoint(String port, String path, String interval) {}
  }

  /** A Kustomize base: nothing but the resources it deploys. */
  record Kustomization(String apiVersion, String kind, List<String> resources) {}

  @Test
  void shouldReadEveryManifestStrictlyIntoTheKubernetesModel() throws Exception {
    List<String> unknown = new ArrayList<>();
    for (Map.Entry<String, Class<?>> manifest : MANIFESTS.entrySet()) {
      Object read = kubernetes(manifest.getKey(), manifest.getValue());
      unknownFields(read, manifest.getKey(), unknown);
      // A kind the file does not declare would still read: the model classes take any string.
      String kind = read instanceof ServiceMonitor monitor ? monitor.kind()
          : (String) read.getClass().getMethod("getKind").invoke(read);
      assertThat(kind).as(manifest.getKey()).isEqualTo(manifest.getValue().getSimpleName());
    }
    assertThat(unknown).as("fields the Kubernetes API does not have").isEmpty();
    assertThat(manifestFiles()).containsExactlyInAnyOrderElementsOf(MANIFESTS.keySet());
  }

  @Test
  void shouldListEveryManifestOfTheDirectoryInTheKustomization() throws IOException {
    Kustomization kustomization = kubernetes("kustomization.yaml", Kustomization.class);
    assertThat(kustomization.apiVersion()).isEqualTo("kustomize.config.k8s.io/v1beta1");
    assertThat(kustomization.kind()).isEqualTo("Kustomization");
    assertThat(kustomization.resources()).doesNotHaveDuplicates()
        .containsExactlyInAnyOrderElementsOf(manifestFiles());
  }

  @Test
  void shouldFailOnAMisspeltManifestField() {
    String misspelt = "apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: x}\nspec:\n"
        + "  template:\n    spec:\n      containers:\n        - name: x\n"
        + "          readinesProbe: {httpGet: {path: /ready, port: 9464}}\n";
    assertThatThrownBy(() -> {
      List<String> unknown = new ArrayList<>();
      unknownFields(STRICT_YAML.readValue(misspelt, StatefulSet.class), "StatefulSet", unknown);
      assertThat(unknown).isEmpty();
    }).hasMessageContaining("readinesProbe");
    String monitor = "apiVersion: monitoring.coreos.com/v1\nkind: ServiceMonitor\nspec:\n"
        + "  endpoints: [{port: http, pathh: /metrics}]\n";
    assertThatThrownBy(() -> STRICT_YAML.readValue(monitor, ServiceMonitor.class))
        .hasMessageContaining("pathh");
  }

  @Test
  void shouldProbeReadyAndHealthOnTheMetricsPortOfThreeReplicasOfOneApplication()
      throws IOException {
    StatefulSet statefulSet = statefulSet();
    assertThat(statefulSet.getApiVersion()).isEqualTo("apps/v1");
    assertThat(statefulSet.getSpec().getReplicas()).isEqualTo(3);
    Container container = container(statefulSet);
    assertThat(served()).contains("\"/ready\"", "\"/health\"");
    assertProbe(container.getReadinessProbe(), "/ready");
    assertProbe(container.getLivenessProbe(), "/health");
    assertThat(container.getPorts()).singleElement()
        .satisfies(p -> assertThat(p.getContainerPort()).isEqualTo(METRICS_PORT));
    assertThat(statefulSet.getSpec().getTemplate().getMetadata().getAnnotations())
        .containsAllEntriesOf(Map.of("prometheus.io/scrape", "true",
            "prometheus.io/port", Integer.toString(METRICS_PORT), "prometheus.io/path", "/metrics"));
    assertThat(container.getResources().getRequests()).containsKeys("cpu", "memory");
    assertThat(container.getResources().getLimits()).containsKeys("cpu", "memory");
    assertThat(container.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
    assertThat(pod(statefulSet).getSecurityContext().getRunAsNonRoot()).isTrue();
    // The image's default command is used: it reads the ConfigMap's file at CONFIG_PATH.
    assertThat(container.getCommand()).isNullOrEmpty();
    assertThat(container.getArgs()).isNullOrEmpty();
    DetectorConfig config = DetectorConfigParser.parse(resolvedWithKey(configMapProperties(),
        "a-signing-key-of-forty-characters-length"));
    assertThat(config.metricsEndpoint().port()).isEqualTo(METRICS_PORT);
    assertThat(config.metricsEndpoint().bind()).isEqualTo("0.0.0.0");
    assertThat(config.kafka().getProperty("application.id")).isEqualTo("surprisal");
  }

  @Test
  void shouldStartTheInstancesInParallelUnderTheHeadlessService() throws IOException {
    StatefulSet statefulSet = statefulSet();
    // Streams instances find each other through the consumer group: no ordered start needed.
    assertThat(statefulSet.getSpec().getPodManagementPolicy()).isEqualTo("Parallel");
    Service headless = kubernetes("service-headless.yaml", Service.class);
    assertThat(statefulSet.getSpec().getServiceName()).isEqualTo(headless.getMetadata().getName());
    assertThat(headless.getSpec().getClusterIP()).isEqualTo("None");
  }

  @Test
  void shouldKeepStateDirOnAVolumeClaimOfEachInstance() throws IOException {
    StatefulSet statefulSet = statefulSet();
    String stateDir = configMapProperties().getProperty("state.dir");
    VolumeMount mount = container(statefulSet).getVolumeMounts().stream()
        .filter(m -> stateDir.startsWith(m.getMountPath() + "/")).findFirst()
        .orElseThrow(() -> new AssertionError("no volume mounted above state.dir " + stateDir));
    PersistentVolumeClaim claim = statefulSet.getSpec().getVolumeClaimTemplates().stream()
        .filter(c -> c.getMetadata().getName().equals(mount.getName())).findFirst()
        .orElseThrow(() -> new AssertionError("state.dir " + stateDir + " is on volume "
            + mount.getName() + ", which is not a volumeClaimTemplate"));
    // A pod volume of the same name would be an emptyDir or the like, gone with the pod.
    assertThat(pod(statefulSet).getVolumes()).noneMatch(v -> v.getName().equals(mount.getName()));
    assertThat(claim.getSpec().getAccessModes()).containsExactly("ReadWriteOnce");
    assertThat(claim.getSpec().getResources().getRequests()).containsKey("storage");
  }

  @Test
  void shouldMountTheConfigMapWhereTheImageCommandReadsIt() throws IOException {
    StatefulSet statefulSet = statefulSet();
    ConfigMap configMap = kubernetes("configmap.yaml", ConfigMap.class);
    Volume volume = pod(statefulSet).getVolumes().stream().filter(v -> v.getConfigMap() != null)
        .findFirst().orElseThrow(() -> new AssertionError("no ConfigMap volume"));
    assertThat(volume.getConfigMap().getName()).isEqualTo(configMap.getMetadata().getName());
    VolumeMount mount = mountOf(statefulSet, volume);
    String file = CONFIG_PATH.substring(CONFIG_PATH.lastIndexOf('/') + 1);
    assertThat(mount.getMountPath() + "/" + file).isEqualTo(CONFIG_PATH);
    assertThat(configMap.getData()).containsKey(file);
  }

  @Test
  void shouldSelectTheStatefulSetsPodsFromEveryServiceAndTheDisruptionBudget() throws IOException {
    StatefulSet statefulSet = statefulSet();
    Map<String, String> podLabels = statefulSet.getSpec().getTemplate().getMetadata().getLabels();
    assertThat(statefulSet.getSpec().getSelector().getMatchLabels().entrySet())
        .isSubsetOf(podLabels.entrySet());
    for (String file : List.of("service.yaml", "service-headless.yaml")) {
      assertThat(kubernetes(file, Service.class).getSpec().getSelector().entrySet()).as(file)
          .isNotEmpty().isSubsetOf(podLabels.entrySet());
    }
    PodDisruptionBudget budget = kubernetes("poddisruptionbudget.yaml", PodDisruptionBudget.class);
    assertThat(budget.getApiVersion()).isEqualTo("policy/v1");
    // One instance rebalancing at a time.
    assertThat(budget.getSpec().getMaxUnavailable()).isEqualTo(new IntOrString(1));
    assertThat(budget.getSpec().getMinAvailable()).isNull();
    assertThat(budget.getSpec().getSelector().getMatchExpressions()).isNullOrEmpty();
    assertThat(budget.getSpec().getSelector().getMatchLabels().entrySet())
        .isNotEmpty().isSubsetOf(podLabels.entrySet());
  }

  @Test
  void shouldExposeTheMetricsPortThroughBothServices() throws IOException {
    StatefulSet statefulSet = statefulSet();
    for (String file : List.of("service.yaml", "service-headless.yaml")) {
      ServicePort port = kubernetes(file, Service.class).getSpec().getPorts().get(0);
      assertThat(port.getPort()).as(file).isEqualTo(METRICS_PORT);
      assertThat(resolve(port.getTargetPort(), statefulSet)).as(file).isEqualTo(METRICS_PORT);
    }
  }

  @Test
  void shouldScrapeOnlyTheMetricsServiceThroughTheServiceMonitorAsPrometheusDoes()
      throws IOException {
    ServiceMonitor monitor = kubernetes("servicemonitor.yaml", ServiceMonitor.class);
    assertThat(monitor.apiVersion()).isEqualTo("monitoring.coreos.com/v1");
    Map<String, String> wanted = monitor.spec().selector().getMatchLabels();
    assertThat(monitor.spec().selector().getMatchExpressions()).isNullOrEmpty();
    // Selecting the headless Service too would scrape every pod twice.
    List<String> selected = new ArrayList<>();
    for (String file : List.of("service.yaml", "service-headless.yaml")) {
      if (kubernetes(file, Service.class).getMetadata().getLabels().entrySet()
          .containsAll(wanted.entrySet())) {
        selected.add(file);
      }
    }
    assertThat(selected).containsExactly("service.yaml");
    Service service = kubernetes("service.yaml", Service.class);
    ServiceMonitor.Endpoint endpoint = monitor.spec().endpoints().get(0);
    assertThat(monitor.spec().endpoints()).hasSize(1);
    ServicePort port = service.getSpec().getPorts().stream()
        .filter(p -> endpoint.port().equals(p.getName())).findFirst()
        .orElseThrow(() -> new AssertionError("the metrics Service has no port named "
            + endpoint.port()));
    assertThat(resolve(port.getTargetPort(), statefulSet())).isEqualTo(METRICS_PORT);
    assertThat(endpoint.path()).isEqualTo("/metrics");
    String interval = YAML.readTree(DEPLOY.resolve("prometheus/prometheus.yml").toFile())
        .path("global").path("scrape_interval").asText();
    assertThat(endpoint.interval()).isNotEmpty().isEqualTo(interval);
  }

  /**
   * The Secret reaches the detector as a mounted volume, read by Kafka's DirectoryConfigProvider,
   * rather than as an environment variable: a test cannot set one in its own JVM, and a file is
   * kept out of the process environment (child processes, crash reports). Here the Secret's keys
   * are written as files to a temporary directory standing for the mount, and the real provider
   * and the detector's parser resolve the reference.
   */
  @Test
  void shouldTakeTheSigningKeyFromTheSecretThroughTheConfigProvider(@TempDir Path mount)
      throws Exception {
    StatefulSet statefulSet = statefulSet();
    Secret secret = kubernetes("secret.yaml", Secret.class);
    Volume volume = pod(statefulSet).getVolumes().stream().filter(v -> v.getSecret() != null)
        .findFirst().orElseThrow(() -> new AssertionError("no Secret volume"));
    assertThat(volume.getSecret().getSecretName()).isEqualTo(secret.getMetadata().getName());
    String mountPath = mountOf(statefulSet, volume).getMountPath();

    Properties properties = configMapProperties();
    Matcher reference = DIR_REFERENCE.matcher(properties.getProperty(SIGNING_KEY, ""));
    assertThat(reference.matches()).as(SIGNING_KEY + " is a ${dir:...} reference, got "
        + properties.getProperty(SIGNING_KEY)).isTrue();
    assertThat(reference.group(1)).isEqualTo(mountPath);
    assertThat(secret.getStringData()).containsOnlyKeys(reference.group(2));
    assertThat(properties.getProperty("config.providers")).isEqualTo("dir");
    assertThat(properties.getProperty("config.providers.dir.class"))
        .isEqualTo("org.apache.kafka.common.config.provider.DirectoryConfigProvider");

    // As shipped, the placeholder is refused: no detector signs with a key everyone knows.
    writeSecret(secret.getStringData(), mount);
    assertThatThrownBy(() -> DetectorConfigParser.parse(mounted(properties, mountPath, mount)))
        .isInstanceOf(InvalidConfigException.class).hasMessageContaining(SIGNING_KEY)
        .hasMessageContaining("at least " + ModelSignature.MIN_SECRET_LENGTH + " characters")
        .hasMessageNotContaining(secret.getStringData().get(reference.group(2)));

    // Replaced as secret.yaml says, the key reaches the detector: what it signs verifies with it.
    String key = "k3Yx9vQp2LmN8rT4wZ6aB1cD5eF7gH0jK2mP4sU6yW8";
    writeSecret(Map.of(reference.group(2), key), mount);
    DetectorConfig config = DetectorConfigParser.parse(mounted(properties, mountPath, mount));
    byte[] model = "model".getBytes(StandardCharsets.UTF_8);
    assertThat(ModelSignature.withSecret(key).verify(config.modelSignature().sign(model)))
        .isEqualTo(model);
  }

  private static void assertProbe(Probe probe, String path) throws IOException {
    assertThat(probe).as(path + " probe").isNotNull();
    assertThat(probe.getHttpGet().getPath()).isEqualTo(path);
    assertThat(resolve(probe.getHttpGet().getPort(), statefulSet())).isEqualTo(METRICS_PORT);
  }

  /** A port given as a number, or by the name of one of the StatefulSet's container ports. */
  private static int resolve(IntOrString port, StatefulSet statefulSet) {
    if (port.getIntVal() != null) return port.getIntVal();
    return container(statefulSet).getPorts().stream()
        .filter(p -> port.getStrVal().equals(p.getName())).findFirst()
        .orElseThrow(() -> new AssertionError("no container port named " + port.getStrVal()))
        .getContainerPort();
  }

  private static VolumeMount mountOf(StatefulSet statefulSet, Volume volume) {
    return container(statefulSet).getVolumeMounts().stream()
        .filter(m -> m.getName().equals(volume.getName())).findFirst()
        .orElseThrow(() -> new AssertionError("volume " + volume.getName() + " is not mounted"));
  }

  /** The routes the detector's HTTP server registers, from its source. */
  private static String served() throws IOException {
    return Files.readString(ROOT.resolve("src/main/java/io/surprisal/metrics/MetricsServer.java"))
        .replaceAll("\\s+", "");
  }

  private static StatefulSet statefulSet() throws IOException {
    return kubernetes("statefulset.yaml", StatefulSet.class);
  }

  private static PodSpec pod(StatefulSet statefulSet) {
    return statefulSet.getSpec().getTemplate().getSpec();
  }

  private static Container container(StatefulSet statefulSet) {
    return pod(statefulSet).getContainers().get(0);
  }

  private static <T> T kubernetes(String file, Class<T> type) throws IOException {
    return STRICT_YAML.readValue(KUBERNETES.resolve(file).toFile(), type);
  }

  /** The directory's manifests: every YAML file but the kustomization itself. */
  private static List<String> manifestFiles() throws IOException {
    try (var files = Files.list(KUBERNETES)) {
      return files.map(f -> f.getFileName().toString())
          .filter(name -> !name.equals("kustomization.yaml")).toList();
    }
  }

  /**
   * The fabric8 model classes keep fields they do not know in an "additional properties" map
   * instead of failing; a manifest is strict only when every such map, at any depth, is empty.
   */
  private static void unknownFields(Object node, String path, List<String> unknown)
      throws Exception {
    if (node == null) return;
    if (node instanceof Collection<?> items) {
      int i = 0;
      for (Object item : items) unknownFields(item, path + "[" + i++ + "]", unknown);
      return;
    }
    if (node instanceof Map<?, ?> map) {
      for (Map.Entry<?, ?> e : map.entrySet()) unknownFields(e.getValue(), path + "." + e.getKey(), unknown);
      return;
    }
    if (node instanceof Record record) {
      for (var component : record.getClass().getRecordComponents()) {
        unknownFields(component.getAccessor().invoke(record), path + "." + component.getName(),
            unknown);
      }
      return;
    }
    if (!node.getClass().getName().startsWith("io.fabric8.")) return;
    for (Method getter : node.getClass().getMethods()) {
      if (getter.getParameterCount() != 0 || Modifier.isStatic(getter.getModifiers())
          || !getter.getName().startsWith("get") || getter.getName().equals("getClass")) {
        continue;
      }
      Object value = getter.invoke(node);
      if (getter.getName().equals("getAdditionalProperties")) {
        ((Map<?, ?>) value).keySet().forEach(k -> unknown.add(path + "." + k));
      } else {
        unknownFields(value, path + "." + getter.getName().substring(3), unknown);
      }
    }
  }

  private static Properties configMapProperties() throws IOException {
    Properties properties = new Properties();
    properties.load(new StringReader(
        kubernetes("configmap.yaml", ConfigMap.class).getData().get("detector.properties")));
    return properties;
  }

  /** The Secret's keys as the kubelet mounts them: one file per key, named after it. */
  private static void writeSecret(Map<String, String> data, Path mount) throws IOException {
    for (Map.Entry<String, String> entry : data.entrySet()) {
      Files.writeString(mount.resolve(entry.getKey()), entry.getValue());
    }
  }

  /** The ConfigMap's properties with the Secret's mount path moved to {@code mount}. */
  private static Properties mounted(Properties properties, String mountPath, Path mount) {
    Properties moved = new Properties();
    properties.forEach((key, value) -> moved.put(key,
        value.toString().replace("${dir:" + mountPath + ":", "${dir:" + mount + ":")));
    return moved;
  }

  /**
   * The ConfigMap's properties with the signing-key reference replaced by a key, for the checks
   * that are not about the Secret.
   */
  private static Properties resolvedWithKey(Properties properties, String key) {
    Properties resolved = new Properties();
    resolved.putAll(properties);
    resolved.put(SIGNING_KEY, key);
    return resolved;
  }
}
