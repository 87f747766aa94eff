package spa.distribution;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import spa.core.DigestType;
import spa.core.EncryptionMode;

/**
 * A fwknopd.conf and access.conf for a UDP server on a loopback port with every request kind enabled; both
 * fwknopd and spad read them as they are.
 */
record FwknopFiles(Path fwknopdConf, Path accessConf) {

  /** One access.conf stanza, {@code SOURCE ANY}, allowing NAT and commands. */
  record Stanza(Keys keys, EncryptionMode mode, DigestType hmac) {}

  static FwknopFiles write(Path dir, List<Stanza> stanzas, int udpPort) throws IOException {
    Path conf = write(dir.resolve("fwknopd.conf"), String.join("\n",
        "ENABLE_UDP_SERVER Y;",
        "UDPSERV_PORT " + udpPort + ";",
        "ENABLE_SPA_PACKET_AGING Y;",
        "MAX_SPA_PACKET_AGE 120;",
        "ENABLE_IPT_FORWARDING Y;",
        "ENABLE_IPT_LOCAL_NAT Y;",
        "FWKNOP_RUN_DIR " + dir + ";", ""));
    StringBuilder access = new StringBuilder();
    for (Stanza s : stanzas) {
      access.append("SOURCE ANY\n");
      s.keys().stanzaVariables().forEach((k, v) -> access.append(k).append(' ').append(v).append('\n'));
      access.append("HMAC_DIGEST_TYPE ").append(s.hmac().fwknopName()).append('\n')
          .append("ENCRYPTION_MODE ").append(s.mode().name()).append('\n')
          .append("ENABLE_CMD_EXEC Y\n\n");
    }
    return new FwknopFiles(conf, write(dir.resolve("access.conf"), access.toString()));
  }

  /** The stanza a case needs, by its place in {@code stanzas} counted from 1 as both servers number them. */
  static int stanzaNumber(List<Stanza> stanzas, SpaCase c) {
    int i = stanzas.indexOf(new Stanza(c.keys(), c.mode(), c.hmac()));
    if (i < 0) {
      throw new IllegalArgumentException("no stanza for " + c);
    }
    return i + 1;
  }

  /** Writes {@code text} to {@code file}, readable by its owner only (as both servers want). */
  static Path write(Path file, String text) throws IOException {
    Files.writeString(file, text, StandardCharsets.UTF_8);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    return file;
  }
}
