package spa.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * spad with no {@code -c} finds its configuration as a Debian daemon does: {@code /etc/spa/spad.conf}, else fwknop's
 * {@code /etc/fwknop} files, saying which; Debian's shipped fwknopd.conf and access.conf with only the keys filled
 * in pass the check and start it; the image's example {@code conf/} never shadows them. The system configuration
 * directory is a copy under a temporary directory ({@code -Dspa.sysconfdir}).
 */
class DebianDefaultsIT {
  private static final Duration LIMIT = Duration.ofSeconds(60);
  private static final Path SHIPPED = Path.of("/etc/fwknop");

  private final Image image = Image.get();

  /** A system configuration directory holding Debian's fwknop files, with keys in place of __CHANGEME__. */
  private static Path etc(Path dir) throws IOException {
    assertTrue(Files.isRegularFile(SHIPPED.resolve("fwknopd.conf")) && Files.isRegularFile(SHIPPED.resolve("access.conf")),
        "Debian's fwknop files not found in " + SHIPPED + ": install the Debian package fwknop-server (.ci/run does)");
    Path fwknop = Files.createDirectories(dir.resolve("etc/fwknop"));
    Keys keys = Keys.randomBase64();
    Files.writeString(fwknop.resolve("fwknopd.conf"), Files.readString(SHIPPED.resolve("fwknopd.conf")));
    String access = Files.readString(SHIPPED.resolve("access.conf"))
        .replaceFirst("(?m)^KEY_BASE64(\\s+)__CHANGEME__", "KEY_BASE64$1" + keys.stanzaVariables().get("KEY_BASE64"))
        .replaceFirst("(?m)^HMAC_KEY_BASE64(\\s+)__CHANGEME__",
            "HMAC_KEY_BASE64$1" + keys.stanzaVariables().get("HMAC_KEY_BASE64"));
    Files.writeString(fwknop.resolve("access.conf"), access);
    for (String f : List.of("fwknopd.conf", "access.conf")) {
      Files.setPosixFilePermissions(fwknop.resolve(f), PosixFilePermissions.fromString("rw-------"));
    }
    return dir.resolve("etc");
  }

  private Run.Result spad(Path dir, Path etc, String... args) throws Exception {
    List<String> argv = new java.util.ArrayList<>(List.of(image.spad().toString()));
    argv.addAll(List.of(args));
    return Run.run(argv, Map.of("JAVA_HOME", System.getProperty("java.home"), "SPA_JAVA_OPTS",
        "-Dspa.sysconfdir=" + etc), dir, LIMIT);
  }

  @Test
  void debiansShippedFilesWithKeysPassTheCheckAndSayWhichWasChosen(@TempDir Path dir) throws Exception {
    Path etc = etc(dir);
    Run.Result r = spad(dir, etc, "--exit-parse-config");
    assertEquals(0, r.exitCode(), r::describe);
    List<String> err = r.stderr().lines().toList();
    assertEquals("spad: no -c: reading fwknop's " + etc.resolve("fwknop/fwknopd.conf") + " and the access.conf beside"
        + " it (" + etc.resolve("spa/spad.conf") + " does not exist)", err.get(0), r::describe);
    assertTrue(err.stream().anyMatch(l -> l.startsWith("spad: warning: no access stanza has OPEN_PORTS")), r::describe);
    assertTrue(r.stdout().startsWith("spad: configuration is valid (1 access stanzas"), r::describe);
  }

  @Test
  void spadConfUnderEtcSpaWinsAndTheImagesExampleNeverShadowsIt(@TempDir Path dir) throws Exception {
    Path etc = etc(dir);
    Path spa = Files.createDirectories(etc.resolve("spa"));
    Files.writeString(spa.resolve("spad.conf"), "UDPSERV_PORT = 62299\naccess = [{ SOURCE = ANY, KEY = \"spa-test-key\","
        + " OPEN_PORTS = \"tcp/22\" }]\n");
    Files.setPosixFilePermissions(spa.resolve("spad.conf"), PosixFilePermissions.fromString("rw-------"));
    assertTrue(Files.isRegularFile(image.conf().resolve("spad.conf")), "the image's example is there to be passed over");
    Run.Result r = spad(dir, etc, "-D");
    assertEquals(0, r.exitCode(), r::describe);
    assertEquals("spad: no -c: reading " + spa.resolve("spad.conf"), r.stderr().lines().findFirst().orElse(""),
        r::describe);
    assertTrue(r.stdout().contains("62299"), r::describe);
  }

  @Test
  void debiansShippedFilesStartSpadWhichSaysOnceThatItIsReady(@TempDir Path dir) throws Exception {
    Path etc = etc(dir);
    Path pcap = dir.resolve("empty.pcap");
    // the classic pcap header of an empty capture: magic, version 2.4, zone, sigfigs, snaplen 65535, Ethernet
    Files.write(pcap, java.util.HexFormat.of().parseHex("d4c3b2a1020004000000000000000000ffff000001000000"));
    Run.Result r = spad(dir, etc, "-t", "--pcap-file", pcap.toString(), "-r", dir.resolve("run").toString(), "-d",
        dir.resolve("digest.cache").toString());
    assertEquals(0, r.exitCode(), r::describe);
    assertEquals(1, r.stderr().lines().filter(l -> l.startsWith("spad: ready: ")).count(), r::describe);
  }
}
