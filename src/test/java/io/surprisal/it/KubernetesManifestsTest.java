package io.surprisal.it;

import static io.surprisal.it.DeployFiles.CONFIG_PATH;
import static io.surprisal.it.DeployFiles.DEPLOY;
import static io.surprisal.it.DeployFiles.METRICS_PORT;
import static io.surprisal.it.DeployFiles.ROOT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.surprisal.stream.DetectorConfig;
import io.surprisal.stream.DetectorConfigParser;
import java.io.IOException;
import java.io.StringReader;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/**
 * deploy/kubernetes/, checked without a cluster: every manifest reads strictly into the Kubernetes
 * API's model classes (fabric8), so a misspelt field fails; the probes, port, scrape annotations
 * and Service agree with what the detector serves; the ConfigMap is mounted where the image's
 * default command reads it and passes the detector's own parser.
 */
class KubernetesManifestsTest {
  /**
   * Unknown fields fail, except where a model class keeps them in its additional-properties map:
   * {@link #unknownFields} finds those.
   */
  private static final ObjectMapper STRICT_YAML =
      new YAMLMapper().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);

  @Test
  void shouldReadEveryManifestStrictlyIntoTheKubernetesModel() throws Exception {
    List<String> unknown = new ArrayList<>();
    unknownFields(kubernetes("configmap.yaml", ConfigMap.class), "ConfigMap", unknown);
    unknownFields(kubernetes("deployment.yaml", Deployment.class), "Deployment", unknown);
    unknownFields(kubernetes("service.yaml", Service.class), "Service", unknown);
    assertThat(unknown).as("fields the Kubernetes API does not have").isEmpty();
    try (var files = Files.list(DEPLOY.resolve("kubernetes"))) {
      assertThat(files.map(f -> f.getFileName().toString()))
          .containsExactlyInAnyOrder("configmap.yaml", "deployment.yaml", "service.yaml");
    }
  }

  @Test
  void shouldFailOnAMisspeltManifestField() {
    String misspelt = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: x}\nspec:\n"
        + "  template:\n    spec:\n      containers:\n        - name: x\n"
        + "          readinesProbe: {httpGet: {path: /ready, port: 9464}}\n";
    assertThatThrownBy(() -> {
      List<String> unknown = new ArrayList<>();
      unknownFields(STRICT_YAML.readValue(misspelt, Deployment.class), "Deployment", unknown);
      assertThat(unknown).isEmpty();
    }).hasMessageContaining("readinesProbe");
  }

  @Test
  void shouldProbeReadyAndHealthOnTheMetricsPortOfThreeReplicasOfOneApplication()
      throws IOException {
    Deployment deployment = kubernetes("deployment.yaml", Deployment.class);
    assertThat(deployment.getApiVersion()).isEqualTo("apps/v1");
    assertThat(deployment.getSpec().getReplicas()).isEqualTo(3);
    Container container = deployment.getSpec().getTemplate().getSpec().getContainers().get(0);
    assertThat(served()).contains("\"/ready\"", "\"/health\"");
    assertProbe(container.getReadinessProbe(), "/ready");
    assertProbe(container.getLivenessProbe(), "/health");
    assertThat(container.getPorts()).singleElement()
        .satisfies(p -> assertThat(p.getContainerPort()).isEqualTo(METRICS_PORT));
    assertThat(deployment.getSpec().getTemplate().getMetadata().getAnnotations()).containsAllEntriesOf(
        Map.of("prometheus.io/scrape", "true", "prometheus.io/port", Integer.toString(METRICS_PORT),
            "prometheus.io/path", "/metrics"));
    assertThat(container.getResources().getRequests()).containsKeys("cpu", "memory");
    assertThat(container.getResources().getLimits()).containsKeys("cpu", "memory");
    assertThat(deployment.getSpec().getSelector().getMatchLabels().entrySet())
        .isSubsetOf(deployment.getSpec().getTemplate().getMetadata().getLabels().entrySet());
    // The image's default command is used: it reads the ConfigMap's file at CONFIG_PATH.
    assertThat(container.getCommand()).isNullOrEmpty();
    assertThat(container.getArgs()).isNullOrEmpty();
    DetectorConfig config = DetectorConfigParser.parse(configMapProperties());
    assertThat(config.metricsEndpoint().port()).isEqualTo(METRICS_PORT);
    assertThat(config.metricsEndpoint().bind()).isEqualTo("0.0.0.0");
    assertThat(config.kafka().getProperty("application.id")).isEqualTo("surprisal");
  }

  @Test
  void shouldMountTheConfigMapWhereTheImageCommandReadsIt() throws IOException {
    Deployment deployment = kubernetes("deployment.yaml", Deployment.class);
    ConfigMap configMap = kubernetes("configmap.yaml", ConfigMap.class);
    var pod = deployment.getSpec().getTemplate().getSpec();
    Volume volume = pod.getVolumes().stream().filter(v -> v.getConfigMap() != null).findFirst()
        .orElseThrow(() -> new AssertionError("no ConfigMap volume"));
    assertThat(volume.getConfigMap().getName()).isEqualTo(configMap.getMetadata().getName());
    VolumeMount mount = pod.getContainers().get(0).getVolumeMounts().stream()
        .filter(m -> m.getName().equals(volume.getName())).findFirst().orElseThrow();
    String file = CONFIG_PATH.substring(CONFIG_PATH.lastIndexOf('/') + 1);
    assertThat(mount.getMountPath() + "/" + file).isEqualTo(CONFIG_PATH);
    assertThat(configMap.getData()).containsKey(file);
    // state.dir, when set, must be on a mounted volume: the image's root file system is not the place.
    String stateDir = configMapProperties().getProperty("state.dir");
    assertThat(pod.getContainers().get(0).getVolumeMounts())
        .anySatisfy(m -> assertThat(stateDir).startsWith(m.getMountPath() + "/"));
  }

  @Test
  void shouldExposeTheMetricsPortThroughTheService() throws IOException {
    Service service = kubernetes("service.yaml", Service.class);
    Deployment deployment = kubernetes("deployment.yaml", Deployment.class);
    ServicePort port = service.getSpec().getPorts().get(0);
    assertThat(port.getPort()).isEqualTo(METRICS_PORT);
    assertThat(resolve(port.getTargetPort(), deployment)).isEqualTo(METRICS_PORT);
    assertThat(deployment.getSpec().getTemplate().getMetadata().getLabels().entrySet())
        .containsAll(service.getSpec().getSelector().entrySet());
  }

  private static void assertProbe(Probe probe, String path) throws IOException {
    assertThat(probe).as(path + " probe").isNotNull();
    assertThat(probe.getHttpGet().getPath()).isEqualTo(path);
    assertThat(resolve(probe.getHttpGet().getPort(), kubernetes("deployment.yaml", Deployment.class)))
        .isEqualTo(METRICS_PORT);
  }

  /** A port given as a number, or by the name of one of the Deployment's container ports. */
  private static int resolve(IntOrString port, Deployment deployment) {
    if (port.getIntVal() != null) return port.getIntVal();
    return deployment.getSpec().getTemplate().getSpec().getContainers().get(0).getPorts().stream()
        .filter(p -> port.getStrVal().equals(p.getName())).findFirst()
        .orElseThrow(() -> new AssertionError("no container port named " + port.getStrVal()))
        .getContainerPort();
  }

  /** The routes the detector's HTTP server registers, from its source. */
  private static String served() throws IOException {
    return Files.readString(ROOT.resolve("src/main/java/io/surprisal/metrics/MetricsServer.java"))
        .replaceAll("\\s+", "");
  }

  private static <T> T kubernetes(String file, Class<T> type) throws IOException {
    return STRICT_YAML.readValue(DEPLOY.resolve("kubernetes").resolve(file).toFile(), type);
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
}
