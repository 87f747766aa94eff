package spa.distribution.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static spa.distribution.e2e.Site.A4;
import static spa.distribution.e2e.Site.SERVER4;
import static spa.distribution.e2e.Daemons.await;
import static spa.distribution.e2e.Daemons.read;
import static spa.distribution.e2e.Daemons.writePrivate;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import spa.cmd.exec.Command;
import spa.cmd.exec.CommandResult;
import spa.distribution.Tools;

/**
 * SPA carried in ICMP echo and raw TCP payloads: Debian's {@code fwknop -P icmp} and {@code -P tcpraw} send from
 * the client namespace with raw sockets, and the image's spad and Debian's fwknopd, both in test mode and both
 * sniffing the server's interface with the same {@code PCAP_FILTER} at once, each accept both packets; and so do
 * they the image's {@code spa} raw knocks ({@code -P udpraw}, {@code tcpraw}, {@code icmp}) with a spoofed source
 * ({@code -Q}), each granted to that source.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class RawSpaCaptureIT {
  private static final Duration WAIT = Duration.ofSeconds(15);
  /** The server namespace's interface towards the client (NetnsTopology). */
  private static final String INTERFACE = "c0";
  /** The source address spa writes into its raw packets: no namespace has it. */
  private static final String SPOOFED = "198.18.3.77";
  private static final String FWKNOPD_ACCEPTED = "(stanza #1) --test mode enabled, skipping firewall manipulation.";

  @TempDir
  Path dir;

  @Test
  void icmpAndRawTcpKnocksFromFwknopAreAcceptedByTheirPayloadAsByFwknopd() throws Exception {
    Tools.require("fwknop", "fwknop-client");
    List<Json> accepted = sniffBoth("icmp or tcp port 62201", 2, (site, keys) -> {
      for (String proto : List.of("icmp", "tcpraw")) {
        List<String> argv = new ArrayList<>(List.of("env", "HOME=" + Files.createTempDirectory(dir, "home"),
            "fwknop", "--no-save-args", "--no-rc-file", "-A", "tcp/22", "-a", A4, "-D", SERVER4, "-P", proto));
        argv.addAll(keys.clientArgs());
        CommandResult r = site.runInClient(Command.of(argv).withTimeout(Duration.ofSeconds(30)));
        assertTrue(r.ok(), () -> "fwknop -P " + proto + " failed: " + r.failure());
      }
    });
    assertEquals(List.of("icmp", "tcp"), accepted.stream().map(e -> e.get("proto")).sorted().toList());
    for (Json e : accepted) {
      assertEquals(A4, e.get("src"), e.line());
      assertEquals(A4, e.get("allow"), e.line());
      assertEquals("[\"tcp/22\"]", e.get("access"), e.line());
    }
  }

  /** The image's {@code spa -P udpraw|tcpraw|icmp -Q SPOOF -s}: both servers take the spoofed source as the address to open for. */
  @Test
  void rawKnocksFromSpaWithASpoofedSourceAreGrantedToThatSource() throws Exception {
    Path image = OnSite.imageUnderTest();
    List<Json> accepted = sniffBoth("icmp or tcp port 62201 or udp port 62201", 3, (site, keys) -> {
      for (String proto : List.of("udpraw", "tcpraw", "icmp")) {
        List<String> argv = new ArrayList<>(List.of("env", "HOME=" + Files.createTempDirectory(dir, "home"),
            "JAVA_HOME=" + System.getProperty("java.home"), image.resolve("bin/spa").toString(), "--no-save-args",
            "--no-rc-file", "-A", "tcp/22", "-s", "-D", SERVER4, "-P", proto, "-Q", SPOOFED));
        argv.addAll(keys.clientArgs());
        CommandResult r = site.runInClient(Command.of(argv).withTimeout(Duration.ofSeconds(30)));
        assertTrue(r.ok(), () -> "spa -P " + proto + " failed: " + r.failure());
      }
    });
    assertEquals(List.of("icmp", "tcp", "udp"), accepted.stream().map(e -> e.get("proto")).sorted().toList());
    for (Json e : accepted) {
      assertEquals(SPOOFED, e.get("src"), e.line());
      assertEquals(SPOOFED, e.get("allow"), e.line());
    }
  }

  /** Knocks (as sent by {@code sends}) that the image's spad and fwknopd, sniffing at once, each accept. */
  private interface Sends {
    void send(Site site, Keys keys) throws Exception;
  }

  /** Runs both servers on the client-facing interface with {@code filter}; {@code count} accepts from each. */
  private List<Json> sniffBoth(String filter, int count, Sends sends) throws Exception {
    Path fwknopd = Tools.require("fwknopd", "fwknop-server");
    Path image = OnSite.imageUnderTest();
    Keys keys = Keys.random();
    Path run = Files.createDirectories(dir.resolve("run"));
    Path conf = writePrivate(dir.resolve("fwknopd.conf"), "PCAP_INTF " + INTERFACE
        + "\nPCAP_FILTER " + filter + "\nFWKNOP_RUN_DIR " + run + "\n");
    Path access = writePrivate(dir.resolve("access.conf"), "SOURCE ANY\n" + keys.stanzaLines() + "OPEN_PORTS tcp/22\n");
    Path fwLog = dir.resolve("fwknopd.log");
    Path events = dir.resolve("spad.events");
    Path spadErr = dir.resolve("spad.err");
    Supplier<String> both = () -> "--- fwknopd:\n" + read(fwLog) + "--- spad:\n" + read(events) + read(spadErr);
    try (Site site = Site.create(); Daemons daemons = new Daemons(site, dir)) {
      daemons.start(fwLog, fwLog, fwknopd.toString(), "-f", "-t", "-v", "-c", conf.toString(), "-a",
          access.toString(), "-d", dir.resolve("fwknopd.digest").toString(), "-p", run.resolve("fwknopd.pid").toString());
      daemons.start(events, spadErr, "env", "JAVA_HOME=" + System.getProperty("java.home"),
          image.resolve("bin/spad").toString(), "-t", "-v", "--capture", "pcap", "--log-format", "json", "-c",
          conf.toString(), "-a", access.toString(), "-d", dir.resolve("spad.digest").toString(), "-p",
          run.resolve("spad.pid").toString(), "-r", run.toString());
      await("fwknopd sniffing", () -> read(fwLog).contains("Starting fwknopd main event loop."), both, WAIT);
      await("spad capturing", () -> read(spadErr).contains("ready: capturing with pcap"), both, WAIT);

      sends.send(site, keys);

      await(count + " accepts from each", () -> accepts(read(events)).size() == count
          && read(fwLog).split(Pattern.quote(FWKNOPD_ACCEPTED), -1).length == count + 1, both, WAIT);
      if (count == 3) {
        assertTrue(read(fwLog).contains(SPOOFED), both.get());
      }
      return accepts(read(events));
    }
  }

  private static List<Json> accepts(String events) {
    return events.lines().filter(l -> l.startsWith("{")).map(Json::new).filter(e -> "accept".equals(e.event()))
        .toList();
  }
}
