package io.surprisal.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.surprisal.kafka.EmbeddedKafkaBroker;
import io.surprisal.stream.DetectorConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 6, item 7: an authenticated, encrypted cluster. The in-process broker gets a SASL_SSL
 * listener (a certificate made for this run, PLAIN credentials in the listener's JAAS settings);
 * the detector, a child JVM, reaches it through its properties file alone, creates its topics
 * and scores. With a wrong password it stops at start with a message that says so.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SaslSslTest {
  private static final String LISTENER = "SASL_SSL";
  private static final String USER = "detector";
  private static final String PASSWORD = "detector-secret-6f1c";

  private Path work;
  private SelfSignedCertificate certificate;
  private EmbeddedKafkaBroker broker;

  @BeforeAll
  void startBrokerWithSaslSslListener() throws Exception {
    work = DetectorProcess.emptyDirectory(
        Path.of("target", "reliability", "sasl-ssl").toAbsolutePath());
    certificate = SelfSignedCertificate.create(work, "store-secret-91d2");
    String jaas = "org.apache.kafka.common.security.plain.PlainLoginModule required"
        + " user_" + USER + "=\"" + PASSWORD + "\";";
    broker = EmbeddedKafkaBroker.start(Map.of("sasl.enabled.mechanisms", "PLAIN"), List.of(
        new EmbeddedKafkaBroker.Listener(LISTENER, "SASL_SSL", Map.of(
            "sasl.enabled.mechanisms", "PLAIN",
            "plain.sasl.jaas.config", jaas,
            "ssl.keystore.type", "PKCS12",
            "ssl.keystore.location", certificate.keyStore().toString(),
            "ssl.keystore.password", certificate.password(),
            "ssl.key.password", certificate.password()))));
  }

  @AfterAll
  void stopBroker() {
    if (broker != null) broker.close();
  }

  @Test
  @Timeout(300)
  void shouldScoreThroughSaslSslWithOnlyThePropertiesFile() throws Exception {
    Properties security = clientSecurity(PASSWORD);
    Properties settings = FaultTestSettings.detector(
        broker.bootstrapServers(LISTENER), "sasl-it", work.resolve("state"));
    settings.putAll(security);
    DetectorConfig.Topics topics = FaultTestSettings.topics(settings);
    Path config = DetectorProcess.writeConfig(work.resolve("detector.properties"), settings);
    Properties client = FaultTestSettings.client(broker.bootstrapServers(LISTENER));
    client.putAll(security);
    ExactlyOnceAccount account;
    // The detector creates its topics itself, through the secured listener.
    try (DetectorProcess detector = new DetectorProcess(
        "detector", config, work, List.of("--replication", "1", "--partitions", "2"))) {
      detector.start();
      detector.awaitRunning(Duration.ofSeconds(120));
      try (BackgroundTraffic traffic =
          new BackgroundTraffic(client, topics.events(), 1_000, 0.01, 7L, "sasl-")) {
        traffic.start();
        detector.awaitLog("Model version 1 is live", Duration.ofSeconds(120));
        Thread.sleep(3_000);
        traffic.stop();
        DetectorCrashTest.awaitAllScored(client, topics, traffic, detector);
        detector.stop(Duration.ofSeconds(60));
        account = ExactlyOnceAccount.read(client, topics, traffic.anomalies());
      }
    }
    System.out.println("SASL_SSL test: " + account);
    assertThat(account.lostEvents()).isZero();
    assertThat(account.scored()).as("events scored by a model").isGreaterThan(1_000);
    assertThat(account.balanced()).isTrue();
  }

  @Test
  @Timeout(120)
  void shouldStopAtStartWithAClearMessageWhenThePasswordIsWrong() throws Exception {
    String message = failedStart("wrong-password", clientSecurity("not-the-password"), List.of());
    assertThat(message).contains("refused the SASL credentials")
        .contains("Invalid username or password").contains("sasl.jaas.config");
  }

  /** Without topic creation the first client to meet the broker is Kafka Streams itself. */
  @Test
  @Timeout(120)
  void shouldStopAtStartWithAClearMessageWhenThePasswordIsWrongAndStreamsConnectsFirst()
      throws Exception {
    String message = failedStart("wrong-password-streams", clientSecurity("not-the-password"),
        List.of("--no-create-topics"));
    assertThat(message).contains("refused the SASL credentials")
        .contains("Invalid username or password");
  }

  @Test
  @Timeout(120)
  void shouldStopAtStartWithAClearMessageWhenTheBrokerCertificateIsNotTrusted() throws Exception {
    Properties security = clientSecurity(PASSWORD);
    security.stringPropertyNames().stream().filter(key -> key.startsWith("ssl.truststore"))
        .forEach(security::remove);
    String message = failedStart("untrusted-certificate", security, List.of());
    assertThat(message).contains("TLS handshake").contains("ssl.truststore.location");
  }

  /**
   * Starts a detector with these security settings, expects it to exit by itself within 60 s
   * with code 2, and returns the one line it printed about why.
   */
  private String failedStart(String name, Properties security, List<String> arguments)
      throws Exception {
    Properties settings = FaultTestSettings.detector(
        broker.bootstrapServers(LISTENER), name, work.resolve("state-" + name));
    settings.putAll(security);
    Path config = DetectorProcess.writeConfig(work.resolve(name + ".properties"), settings);
    List<String> all = new java.util.ArrayList<>(List.of("--replication", "1", "--partitions", "2"));
    all.addAll(arguments);
    try (DetectorProcess detector = new DetectorProcess(name, config, work, all)) {
      long started = System.nanoTime();
      detector.start();
      int code = detector.awaitExit(Duration.ofSeconds(60));
      long millis = (System.nanoTime() - started) / 1_000_000;
      String log = detector.currentLog();
      String message = log.lines().filter(line -> line.startsWith("surprisal: ")).findFirst()
          .orElseThrow(() -> new AssertionError(name + " printed no surprisal: line:\n" + log));
      System.out.printf("%s: exit %d after %d ms: %s%n", name, code, millis, message);
      assertThat(code).as("exit code").isEqualTo(2);
      return message;
    }
  }

  /** What a client needs for this listener: the protocol, the credentials, the trust store. */
  private Properties clientSecurity(String password) {
    Properties p = new Properties();
    p.setProperty("security.protocol", "SASL_SSL");
    p.setProperty("sasl.mechanism", "PLAIN");
    p.setProperty("sasl.jaas.config", "org.apache.kafka.common.security.plain.PlainLoginModule"
        + " required username=\"" + USER + "\" password=\"" + password + "\";");
    p.setProperty("ssl.truststore.type", "PKCS12");
    p.setProperty("ssl.truststore.location", certificate.trustStore().toString());
    p.setProperty("ssl.truststore.password", certificate.password());
    return p;
  }
}
