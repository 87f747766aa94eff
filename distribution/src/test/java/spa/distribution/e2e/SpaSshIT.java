package spa.distribution.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static spa.distribution.e2e.Site.A4;
import static spa.distribution.e2e.Site.SERVER4;
import static spa.distribution.e2e.Site.SSH;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import spa.cmd.exec.Command;
import spa.cmd.exec.CommandResult;
import spa.fw.testkit.Probe;

/**
 * {@code spa ssh HOST ARGS} against the image's spad guarding tcp/22 with nftables: the port is closed until the
 * knock, which spa sends for the address the connection leaves from, and the {@code ssh} it then runs (a fake in
 * {@code PATH} that records its arguments and connects to the port) gets through.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SpaSshIT extends OnSite {
  @TempDir
  Path dir;

  @Test
  void knocksWaitsAndHandsOverToSsh() throws Exception {
    Backend backend = Backend.NFTABLES;
    backend.reset(site);
    ServerFiles.StanzaKeys keys = ServerFiles.StanzaKeys.random();
    Path home = Files.createDirectories(dir.resolve("home"));
    Path rc = home.resolve(".fwknoprc");
    Files.writeString(rc, "[" + SERVER4 + "]\nSPA_SERVER " + SERVER4 + "\nSPA_SERVER_PORT " + ServerFiles.UDP_PORT
        + "\nUSE_HMAC Y\n" + keys.access().stanzaLines());
    Files.setPosixFilePermissions(rc, PosixFilePermissions.fromString("rw-------"));
    Path bin = Files.createDirectories(dir.resolve("bin"));
    Path log = dir.resolve("ssh.log");
    Path ssh = bin.resolve("ssh");
    Files.writeString(ssh, "#!/bin/sh\necho \"$*\" > '" + log + "'\nexec nc -N -w 2 " + SERVER4 + " " + SSH
        + " </dev/null >> '" + log + "'\n");
    Files.setPosixFilePermissions(ssh, PosixFilePermissions.fromString("rwx------"));

    try (Spad spad = Spad.start(site, image, ServerFiles.write(dir, keys, backend.conf()), backend, "spad-ssh")) {
      Probe before = site.connect(A4, SERVER4, SSH);
      assertEquals(Probe.Outcome.FILTERED, before.outcome(), () -> "before the knock: " + before);

      CommandResult r = site.runInClient(Command.of(List.of("env", "HOME=" + home, "PATH=" + bin
          + ":/usr/sbin:/usr/bin:/sbin:/bin", "JAVA_HOME=" + System.getProperty("java.home"),
          image.resolve("bin/spa").toString(), "ssh", SERVER4, "-l", "bob", "uptime"))
          .withTimeout(Duration.ofSeconds(30)));
      assertTrue(r.ok(), () -> "spa ssh failed: " + r.failure() + "\n" + spad.output());
      Json grant = spad.await("grant for " + A4, e -> e.is("grant", A4), Duration.ofSeconds(5));
      assertEquals("[\"tcp/22\"]", grant.get("access"), grant.line());
      assertEquals(SERVER4 + " -l bob uptime\nssh " + A4 + "\n", Files.readString(log),
          "ssh ran with the arguments and reached the port from the knocking address");
    }
  }
}
