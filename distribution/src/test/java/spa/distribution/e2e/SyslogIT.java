package spa.distribution.e2e;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static spa.distribution.e2e.Site.A4;
import static spa.distribution.e2e.Site.SERVER4;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import spa.test.support.Required;

/**
 * fwknopd.conf's {@code SYSLOG_IDENTITY} and {@code SYSLOG_FACILITY}: spad's lines (the ready line, the events)
 * reach {@code /dev/log} as datagrams with that identity, spad's pid and that facility. The receiver is socat on a
 * {@code /dev/log} of a {@link Sandbox} (an overlay over /dev), so the machine's syslog never sees the test.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SyslogIT {
  /** LOG_LOCAL3 (19) * 8 + LOG_INFO (6). */
  private static final String LOCAL3_INFO = "<158>";

  private final Path image = Path.of(System.getProperty("spa.image")).toAbsolutePath();
  private Site site;
  private Sandbox sandbox;
  private Process receiver;

  @AfterAll
  void cleanUp() throws Exception {
    if (receiver != null) {
      receiver.destroyForcibly();
      receiver.waitFor(10, TimeUnit.SECONDS);
    }
    if (sandbox != null) {
      sandbox.close();
    }
    if (site != null) {
      site.close();
    }
  }

  @Test
  void spadsLinesReachDevLogWithTheConfiguredIdentityAndFacility(@TempDir Path dir) throws Exception {
    Required.root();
    Required.programs("socat", "logger", "unshare", "nsenter");
    site = Site.create();
    Backend.NFTABLES.reset(site);
    sandbox = Sandbox.create(dir.resolve("sandbox"), "dev");
    Path received = dir.resolve("received");
    List<String> socat = new ArrayList<>(sandbox.prefix());
    socat.addAll(List.of("socat", "-u", "UNIX-RECV:/dev/log", "OPEN:" + received + ",creat,append"));
    receiver = new ProcessBuilder(socat).redirectErrorStream(true).redirectOutput(dir.resolve("socat.out").toFile())
        .start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!sandbox.run("test", "-S", "/dev/log").ok()) {
      assertTrue(receiver.isAlive() && System.nanoTime() < deadline, () -> "socat did not bind /dev/log");
      Thread.sleep(20);
    }

    Path work = Files.createDirectories(dir.resolve("e2e"));
    ServerFiles.StanzaKeys keys = ServerFiles.StanzaKeys.random();
    List<String> conf = new ArrayList<>(Backend.NFTABLES.conf());
    conf.addAll(List.of("SYSLOG_IDENTITY spa-test;", "SYSLOG_FACILITY LOG_LOCAL3;"));
    ServerFiles files = ServerFiles.write(work, keys, conf);
    List<String> env = new ArrayList<>(sandbox.prefix());
    env.addAll(List.of("env", "JAVA_HOME=" + System.getProperty("java.home")));
    try (Spad spad = Spad.start(site, image, files, Backend.NFTABLES, "spad", env)) {
      String tag = "spa-test[" + spad.pid() + "]: ";
      await(received, "the ready line",
          d -> d.startsWith(LOCAL3_INFO) && d.contains(tag + "ready: capturing with udp"));
      Knocker.SPA.knock(site, image, work, keys.access(), "-A", "tcp/22", "-a", A4, "-D", SERVER4);
      spad.await("grant for " + A4, e -> e.is("grant", A4), Duration.ofSeconds(10));
      await(received, "the grant event", d -> d.startsWith(LOCAL3_INFO) && d.contains(tag + "{")
          && d.contains("\"grant\"") && d.contains(A4));
    }
  }

  /** Waits for a datagram matching {@code what} among those socat wrote (each starts with its {@code <PRI>}). */
  private static void await(Path received, String what, Predicate<String> match) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (true) {
      String all = Files.exists(received) ? Files.readString(received) : "";
      if (List.of(all.split("(?=<\\d{1,3}>[A-Z][a-z]{2} )")).stream().anyMatch(match)) {
        return;
      }
      assertTrue(System.nanoTime() < deadline, () -> "no datagram with " + what + " at /dev/log:\n" + all);
      Thread.sleep(50);
    }
  }
}
