package io.surprisal.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A broker certificate for 127.0.0.1, made for one test run with the JDK's keytool: a PKCS12 key
 * store holding the key pair (self-signed, valid two days) and a PKCS12 trust store holding only
 * its certificate, which is all a client needs to verify the broker, host name included.
 */
record SelfSignedCertificate(Path keyStore, Path trustStore, String password) {

  static SelfSignedCertificate create(Path directory, String password)
      throws IOException, InterruptedException {
    Path keyStore = directory.resolve("broker.p12");
    Path certificate = directory.resolve("broker.pem");
    Path trustStore = directory.resolve("truststore.p12");
    keytool("-genkeypair", "-alias", "broker", "-keyalg", "RSA", "-keysize", "2048",
        "-validity", "2", "-dname", "CN=127.0.0.1",
        // Clients check the address they dialled against the subject alternative names.
        "-ext", "SAN=IP:127.0.0.1,DNS:localhost",
        "-storetype", "PKCS12", "-keystore", keyStore.toString(),
        "-storepass", password, "-keypass", password);
    keytool("-exportcert", "-rfc", "-alias", "broker", "-keystore", keyStore.toString(),
        "-storepass", password, "-file", certificate.toString());
    keytool("-importcert", "-noprompt", "-alias", "broker", "-file", certificate.toString(),
        "-storetype", "PKCS12", "-keystore", trustStore.toString(), "-storepass", password);
    return new SelfSignedCertificate(keyStore, trustStore, password);
  }

  private static void keytool(String... arguments) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
    command.addAll(List.of(arguments));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
      throw new IllegalStateException("keytool " + arguments[0] + " failed: " + output.strip());
    }
  }
}
