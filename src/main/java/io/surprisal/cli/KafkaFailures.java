package io.surprisal.cli;

import java.util.Optional;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.SslAuthenticationException;

/**
 * One line for a failure to talk to the cluster that the user must fix in the properties file
 * (credentials, trust store, permissions), so that the command prints what is wrong and where to
 * look instead of a stack trace. Other failures are not described here.
 */
final class KafkaFailures {
  private KafkaFailures() {}

  /** The description of the first such failure in the cause chain, if there is one. */
  static Optional<String> describe(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof SaslAuthenticationException) {
        return Optional.of("the Kafka cluster refused the SASL credentials (" + t.getMessage()
            + "): check sasl.mechanism and the username and password in sasl.jaas.config");
      }
      if (t instanceof SslAuthenticationException) {
        return Optional.of("the TLS handshake with the Kafka cluster failed (" + rootMessage(t)
            + "): check ssl.truststore.location and ssl.truststore.password, and that the"
            + " broker's certificate names the host in bootstrap.servers");
      }
      if (t instanceof AuthenticationException) {
        return Optional.of("the Kafka cluster refused to authenticate this client ("
            + t.getMessage() + "): check security.protocol and the sasl.* and ssl.* settings");
      }
      if (t instanceof AuthorizationException) {
        return Optional.of("the Kafka cluster denied an operation (" + t.getMessage()
            + "): the principal needs read and write on the detector's topics, its consumer"
            + " group (application.id) and its transactional ids");
      }
    }
    return Optional.empty();
  }

  /** TLS failures wrap the useful part (e.g. "PKIX path building failed") several levels down. */
  private static String rootMessage(Throwable t) {
    Throwable root = t;
    while (root.getCause() != null && root.getCause() != root) root = root.getCause();
    return root == t ? t.getMessage() : t.getMessage() + ": " + root.getMessage();
  }
}
