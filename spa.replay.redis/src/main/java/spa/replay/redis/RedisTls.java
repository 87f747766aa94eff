package spa.replay.redis;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;
import spa.core.ConfigException;
import spa.core.Settings;

/**
 * TLS for {@code rediss://}: the server's certificate is checked against {@code REDIS_CA_FILE} (PEM, one or more
 * CA certificates) or, without it, the Java runtime's trusted CAs, and its name or address against the URL's host.
 * There is no setting that turns either check off.
 */
final class RedisTls {
  private RedisTls() {}

  /** The socket factory trusting {@code REDIS_CA_FILE}'s CAs; null to use the runtime's. */
  static SSLSocketFactory factory(Settings settings) throws ConfigException {
    String file = settings.get("REDIS_CA_FILE").orElse(null);
    return file == null ? null : factory(Path.of(file.strip()));
  }

  static SSLSocketFactory factory(Path caFile) throws ConfigException {
    try (InputStream in = Files.newInputStream(caFile)) {
      KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
      trusted.load(null, null);
      int n = 0;
      for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
        trusted.setCertificateEntry("ca-" + n++, c);
      }
      if (n == 0) {
        throw new ConfigException(null, "REDIS_CA_FILE", caFile + " holds no PEM certificate");
      }
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trusted);
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(null, tmf.getTrustManagers(), null);
      return ctx.getSocketFactory();
    } catch (IOException e) {
      throw new ConfigException(null, "REDIS_CA_FILE", "cannot read " + caFile + ": " + e.getMessage());
    } catch (GeneralSecurityException e) {
      throw new ConfigException(null, "REDIS_CA_FILE", caFile + ": " + e.getMessage());
    }
  }

  /** Parameters that make the handshake check the server's name or address against the host connected to. */
  static SSLParameters verifyingHost() {
    SSLParameters p = new SSLParameters();
    p.setEndpointIdentificationAlgorithm("HTTPS");
    return p;
  }
}
