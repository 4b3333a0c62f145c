package io.surprisal.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import javax.net.ssl.SSLHandshakeException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.streams.errors.StreamsException;
import org.junit.jupiter.api.Test;

/** SaslSslTest sees the first two through a real broker; the authorization branch only here. */
class KafkaFailuresTest {

  @Test
  void shouldNameTheJaasSettingWhenSaslCredentialsAreRefusedDeepInTheCauseChain() {
    var failure = new IllegalStateException("Kafka Streams stopped before it was running",
        new StreamsException(new SaslAuthenticationException("Invalid username or password")));

    assertThat(KafkaFailures.describe(failure)).hasValueSatisfying(line -> assertThat(line)
        .contains("refused the SASL credentials (Invalid username or password)")
        .contains("sasl.jaas.config"));
  }

  @Test
  void shouldGiveTheRootCauseAndTheTrustStoreSettingsWhenTheHandshakeFails() {
    var failure = new SslAuthenticationException("SSL handshake failed",
        new SSLHandshakeException("PKIX path building failed"));

    assertThat(KafkaFailures.describe(failure)).hasValueSatisfying(line -> assertThat(line)
        .contains("SSL handshake failed: PKIX path building failed")
        .contains("ssl.truststore.location"));
  }

  @Test
  void shouldSayWhatThePrincipalNeedsWhenAnOperationIsDenied() {
    var failure = new TopicAuthorizationException(Set.of("scores"));

    assertThat(KafkaFailures.describe(failure)).hasValueSatisfying(line -> assertThat(line)
        .contains("denied an operation").contains("scores").contains("application.id"));
  }

  @Test
  void shouldLeaveOtherFailuresAlone() {
    assertThat(KafkaFailures.describe(new IllegalStateException("disk full"))).isEmpty();
  }
}
