package spa.distribution.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static spa.distribution.e2e.Site.A4;
import static spa.distribution.e2e.Site.B4;
import static spa.distribution.e2e.Site.SERVER4;
import static spa.distribution.e2e.Site.SSH;
import static spa.distribution.e2e.Site.tcp;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import spa.cmd.exec.Command;
import spa.cmd.exec.CommandResult;
import spa.fw.testkit.Probe;
import spa.test.support.GnupgHomes;

/**
 * A GnuPG knock in network namespaces: the image's spad (plugin {@code cipher-gpg}, nftables) guards tcp/22 with
 * a GPG stanza; Debian's {@code fwknop --gpg-*} and the image's {@code spa -g}, each signing with the client's
 * key, knock from client A, and the port opens for A only. spad runs with a PATH whose {@code gpg},
 * {@code gpg2}, {@code gpg-agent} and {@code gpgconf} record being started: none is, and no agent socket appears
 * in spad's GnuPG home.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class GpgKnockIT extends OnSite {
  private static final Duration EVENT_WAIT = Duration.ofSeconds(15);
  private static final List<String> FAKES = List.of("gpg", "gpg2", "gpg-agent", "gpgconf");

  @TempDir
  static Path dir;
  private GnupgHomes homes;
  private GnupgHomes.Home server;
  private GnupgHomes.Home client;
  private Path spadHome;
  private Path started;
  private Spad spad;

  @BeforeAll
  void startSpad() throws Exception {
    homes = new GnupgHomes();
    server = homes.create(dir.resolve("server-gnupg"), "server", 2048, "server pass", false);
    client = homes.create(dir.resolve("client-gnupg"), "client", 2048, "", true);
    homes.trust(server, client);
    homes.trust(client, server);
    spadHome = GnupgHomes.copyWithoutSockets(server.dir(), dir.resolve("spad-gnupg"));
    Path fakeBin = Files.createDirectories(dir.resolve("fake-bin"));
    started = dir.resolve("started");
    for (String name : FAKES) {
      Path f = fakeBin.resolve(name);
      Files.writeString(f, "#!/bin/sh\necho \"" + name + " $*\" >> " + started + "\nexit 2\n");
      Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
    Path run = Files.createDirectories(dir.resolve("run"));
    Path conf = write(dir.resolve("fwknopd.conf"), "UDPSERV_PORT " + ServerFiles.UDP_PORT + ";\nFWKNOP_RUN_DIR "
        + run + ";\nGPG_HOME_DIR " + spadHome + ";\n");
    Path access = write(dir.resolve("access.conf"), "SOURCE ANY\nGPG_DECRYPT_ID " + server.keyId()
        + "\nGPG_DECRYPT_PW " + server.passphrase() + "\nGPG_REMOTE_ID " + client.signerFingerprint().substring(32)
        + "\nOPEN_PORTS tcp/22\nFW_ACCESS_TIMEOUT " + ServerFiles.TIMEOUT + "\n");
    ServerFiles files = new ServerFiles(conf, access, dir.resolve("digest.cache"), run.resolve("spad.pid"), run);
    Backend.NFTABLES.reset(site);
    spad = Spad.start(site, image, files, Backend.NFTABLES, "spad",
        List.of("env", "PATH=" + fakeBin + ":" + System.getenv("PATH")));
  }

  @AfterAll
  void stop() throws Exception {
    if (spad != null) {
      spad.close();
    }
    if (homes != null) {
      homes.close();
    }
  }

  @ParameterizedTest
  @EnumSource(Knocker.class)
  void signedGpgKnockOpensTcp22ForTheKnockerOnly(Knocker knocker) throws Exception {
    int grantsBefore = spad.all(e -> e.is("grant", A4)).size();
    if (grantsBefore > 0) { // the other knocker's opening: closed by its timeout first
      spad.await("expiry of the earlier opening for " + A4,
          e -> spad.all(x -> x.is("expire", A4)).size() >= grantsBefore, EVENT_WAIT);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5); // the kernel's element timeout, a little later
      while (site.connect(A4, SERVER4, SSH).outcome() != Probe.Outcome.FILTERED && System.nanoTime() < deadline) {
        Thread.sleep(200);
      }
    }
    List<Probe> before = site.connectAll(tcp(A4, SERVER4, SSH), tcp(B4, SERVER4, SSH));
    before.forEach(p -> assertEquals(Probe.Outcome.FILTERED, p.outcome(), () -> "before the knock: " + p));

    Path home = Files.createTempDirectory(dir, "home");
    List<String> argv = new ArrayList<>(List.of("env", "HOME=" + home, "JAVA_HOME=" + System.getProperty("java.home")));
    argv.addAll(knocker.argv(image));
    argv.addAll(List.of("-A", "tcp/22", "-a", A4, "-D", SERVER4, "-p", String.valueOf(ServerFiles.UDP_PORT),
        "--gpg-encryption", "--gpg-recipient-key", server.keyId(), "--gpg-home-dir", client.dir().toString(),
        "--gpg-signer-key", client.keyId(), "--gpg-no-signing-pw"));
    CommandResult r = site.runInClient(Command.of(argv).withTimeout(Duration.ofSeconds(60)));
    assertTrue(r.ok(), () -> knocker + " failed: " + r.failure());

    spad.await("grant " + (grantsBefore + 1) + " for " + A4,
        e -> e.is("grant", A4) && spad.all(g -> g.is("grant", A4)).size() > grantsBefore, EVENT_WAIT);
    Json accept = spad.all(e -> e.is("accept", A4)).getLast();
    assertEquals(client.signerFingerprint(), accept.get("signer"), accept.line());
    List<Probe> after = site.connectAll(tcp(A4, SERVER4, SSH), tcp(B4, SERVER4, SSH));
    assertTrue(after.get(0).reached("ssh") && after.get(0).peerIs(A4), () -> "A after its knock: " + after.get(0)
        + "\n" + Backend.NFTABLES.snapshot(site) + "\n" + spad.output());
    assertEquals(Probe.Outcome.FILTERED, after.get(1).outcome(), () -> "B, who did not knock: " + after.get(1));

    assertTrue(!Files.exists(started), () -> "spad started " + read(started));
    assertEquals(List.of(), GnupgHomes.sockets(spadHome), "a gpg agent ran for spad's GnuPG home");
  }

  private static String read(Path f) {
    try {
      return Files.readString(f);
    } catch (java.io.IOException e) {
      return e.toString();
    }
  }

  private static Path write(Path file, String text) throws java.io.IOException {
    Files.writeString(file, text, StandardCharsets.UTF_8);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    return file;
  }
}
