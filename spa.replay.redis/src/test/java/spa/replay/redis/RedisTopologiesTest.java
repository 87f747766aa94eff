package spa.replay.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import spa.core.ConfigException;
import spa.core.replay.ReplayStore.Answer;
import spa.test.support.Required;

/**
 * The store on the other shapes of Redis an operator runs, each made of real redis-server processes: a 3-node
 * Cluster, a master found through a Sentinel, and a TLS-only server whose certificate is checked (CA and address).
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class RedisTopologiesTest {
  private static final SecureRandom RANDOM = new SecureRandom();
  @TempDir
  Path dir;

  private static byte[] digest() {
    byte[] d = new byte[32];
    RANDOM.nextBytes(d);
    return d;
  }

  @Test
  void aThreeNodeClusterAnswersAsOneServerDoes() throws Exception {
    try (RedisProcess a = new RedisProcess("--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf");
        RedisProcess b = new RedisProcess("--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf");
        RedisProcess c = new RedisProcess("--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf")) {
      String out = a.cli("--cluster", "create", "127.0.0.1:" + a.port, "127.0.0.1:" + b.port, "127.0.0.1:" + c.port,
          "--cluster-replicas", "0", "--cluster-yes");
      assertTrue(out.contains("All 16384 slots covered"), out);
      for (RedisProcess n : List.of(a, b, c)) { // every node agrees before a client asks
        for (int i = 0; i < 400 && !n.cli("CLUSTER", "INFO").contains("cluster_state:ok"); i++) {
          Thread.sleep(25);
        }
      }
      // two seeds of three: the client learns the third from the cluster
      String url = "redis-cluster://127.0.0.1:" + a.port + ",127.0.0.1:" + b.port;
      try (RedisReplayStore g1 = new RedisReplayStore(); RedisReplayStore g2 = new RedisReplayStore()) {
        g1.start(RedisUrl.parse(url), 2000);
        g2.start(RedisUrl.parse(url), 2000);
        for (int i = 0; i < 60; i++) {
          byte[] d = digest();
          assertEquals(Answer.FIRST, g1.firstSeen(d, 1, 60_000));
          assertEquals(Answer.SEEN, g2.firstSeen(d, 1, 60_000));
          assertEquals(Answer.SEEN, g1.firstSeen(d, 1, 60_000));
        }
      }
      long keys = 0;
      for (RedisProcess n : List.of(a, b, c)) {
        long k = Long.parseLong(n.cli("DBSIZE"));
        assertTrue(k > 0, "every node holds records");
        keys += k;
      }
      assertEquals(60, keys);
    }
  }

  @Test
  void theMasterIsFoundThroughASentinel() throws Exception {
    try (RedisProcess master = new RedisProcess(); RedisProcess sentinel = RedisProcess.sentinel("spa-master", master.port)) {
      for (int i = 0; i < 400 && !sentinel.cli("SENTINEL", "get-master-addr-by-name", "spa-master")
          .contains(String.valueOf(master.port)); i++) {
        Thread.sleep(25);
      }
      String url = "redis-sentinel://127.0.0.1:" + sentinel.port + "/spa-master";
      try (RedisReplayStore g1 = new RedisReplayStore(); RedisReplayStore g2 = new RedisReplayStore()) {
        g1.start(RedisUrl.parse(url), 2000);
        g2.start(RedisUrl.parse(url), 2000);
        byte[] d = digest();
        assertEquals(Answer.FIRST, g1.firstSeen(d, 1, 60_000));
        assertEquals(Answer.SEEN, g2.firstSeen(d, 1, 60_000));
      }
      assertEquals("1", master.cli("DBSIZE"), "the record is on the master the Sentinel named");
    }
  }

  @Test
  void tlsChecksTheCertificateAgainstTheGivenCaAndTheAddress() throws Exception {
    Path ca = ca("ca");
    Path good = serverCert(ca, "good", "IP:127.0.0.1");
    Path wrongName = serverCert(ca, "wrong-name", "IP:127.0.0.2");
    Path otherCa = ca("other-ca");
    try (RedisProcess r = RedisProcess.tls(cert(good), key(good), cert(ca))) {
      String url = "rediss://127.0.0.1:" + r.port;
      try (RedisReplayStore s = new RedisReplayStore()) {
        s.start(RedisUrl.parse(url), 2000, RedisTls.factory(cert(ca)));
        assertEquals(Answer.FIRST, s.firstSeen(digest(), 1, 60_000));
      }
      ConfigException untrusted = assertThrows(ConfigException.class,
          () -> new RedisReplayStore().start(RedisUrl.parse(url), 2000, RedisTls.factory(cert(otherCa))));
      assertEquals(1, untrusted.toString().lines().count(), untrusted.toString());
      assertTrue(untrusted.toString().contains("does not answer"), untrusted.toString());
      ConfigException runtimeCas = assertThrows(ConfigException.class,
          () -> new RedisReplayStore().start(RedisUrl.parse(url), 2000, null));
      assertTrue(runtimeCas.toString().contains("does not answer"), "the runtime's CAs do not know the test's CA");
    }
    try (RedisProcess r = RedisProcess.tls(cert(wrongName), key(wrongName), cert(ca))) {
      ConfigException mismatch = assertThrows(ConfigException.class, () -> new RedisReplayStore().start(
          RedisUrl.parse("rediss://127.0.0.1:" + r.port), 2000, RedisTls.factory(cert(ca))));
      assertTrue(mismatch.toString().contains("does not answer"), mismatch.toString());
    }
    ConfigException noFile = assertThrows(ConfigException.class, () -> RedisTls.factory(dir.resolve("missing.pem")));
    assertTrue(noFile.toString().contains("REDIS_CA_FILE"), noFile.toString());
  }

  private Path cert(Path base) {
    return base.resolveSibling(base.getFileName() + ".crt");
  }

  private Path key(Path base) {
    return base.resolveSibling(base.getFileName() + ".key");
  }

  private Path ca(String name) throws Exception {
    Path base = dir.resolve(name);
    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=" + name,
        "-keyout", key(base).toString(), "-out", cert(base).toString());
    return base;
  }

  private Path serverCert(Path ca, String name, String san) throws Exception {
    Path base = dir.resolve(name);
    Path csr = dir.resolve(name + ".csr");
    Path ext = dir.resolve(name + ".ext");
    Files.writeString(ext, "subjectAltName=" + san + "\n");
    openssl("req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=" + name, "-keyout", key(base).toString(),
        "-out", csr.toString());
    openssl("x509", "-req", "-in", csr.toString(), "-CA", cert(ca).toString(), "-CAkey", key(ca).toString(),
        "-CAcreateserial", "-days", "2", "-extfile", ext.toString(), "-out", cert(base).toString());
    return base;
  }

  private void openssl(String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(Required.programs("openssl").toString()));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertEquals(0, p.waitFor(), out);
  }
}
