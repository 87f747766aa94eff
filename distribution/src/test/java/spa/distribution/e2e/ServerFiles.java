package spa.distribution.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

/**
 * fwknopd.conf and access.conf for spad in the server namespace, with a digest file and run directory next to
 * them. Three stanzas, each with its own keys: access to tcp/22, NAT of tcp/55000 to the inner host, and the
 * ghost service on tcp/80.
 */
record ServerFiles(Path fwknopdConf, Path accessConf, Path digestFile, Path pidFile, Path runDir) {
  static final int UDP_PORT = 62201;
  static final int NAT_PORT = 55000;
  /** FW_ACCESS_TIMEOUT of the stanzas (seconds). */
  static final int TIMEOUT = 3;

  /** The keys of the three stanzas. */
  record StanzaKeys(Keys access, Keys nat, Keys ghost) {
    static StanzaKeys random() {
      return new StanzaKeys(Keys.random(), Keys.random(), Keys.random());
    }
  }

  static ServerFiles write(Path dir, StanzaKeys keys, List<String> globals) throws IOException {
    Path run = Files.createDirectories(dir.resolve("run"));
    StringBuilder conf = new StringBuilder("UDPSERV_PORT " + UDP_PORT + ";\n"
        + "FWKNOP_RUN_DIR " + run + ";\n"
        + "ENABLE_IPT_FORWARDING Y;\n"
        + "ENABLE_IPT_LOCAL_NAT Y;\n");
    globals.forEach(g -> conf.append(g).append('\n'));
    String access = "SOURCE ANY\n" + keys.access().stanzaLines() + "OPEN_PORTS tcp/22\nFW_ACCESS_TIMEOUT " + TIMEOUT
        + "\n\nSOURCE ANY\n" + keys.nat().stanzaLines() + "OPEN_PORTS tcp/" + NAT_PORT + "\nFW_ACCESS_TIMEOUT " + TIMEOUT
        + "\n\nSOURCE ANY\n" + keys.ghost().stanzaLines() + "OPEN_PORTS tcp/80\nFW_ACCESS_TIMEOUT " + TIMEOUT + "\n";
    return new ServerFiles(write(dir.resolve("fwknopd.conf"), conf.toString()), write(dir.resolve("access.conf"), access),
        dir.resolve("digest.cache"), run.resolve("spad.pid"), run);
  }

  private static Path write(Path file, String text) throws IOException {
    Files.writeString(file, text, StandardCharsets.UTF_8);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    return file;
  }
}
