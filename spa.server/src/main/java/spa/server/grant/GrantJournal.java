package spa.server.grant;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import spa.core.Grant;
import spa.core.IpAddresses;
import spa.core.Nat;
import spa.core.ProtoPort;

/**
 * The active grants, one per line, rewritten whole and atomically (temp file, fsync, rename) on every
 * change. Grants are few and change at knock rate, so simplicity wins over an append log. A line that
 * cannot be read is reported and skipped, never fatal: the firewall itself is the other source of truth.
 *
 * <p>Line format, tab-separated: {@code source dest access nat expires stanza}, where dest and
 * nat are {@code -} when absent, access is {@code tcp/22,udp/53} and nat is
 * {@code kind,target,port,snat,snatAddress,dnat} and expires is an ISO-8601 instant.
 */
public final class GrantJournal {
  private static final String HEADER = "# spad active grants: source dest access nat expires stanza";
  private final Path file;

  public GrantJournal(Path file) {
    this.file = file;
  }

  public Path file() {
    return file;
  }

  /** The grants recorded, with a note per unreadable line in {@code problems}. */
  public List<Grant> load(List<String> problems) throws IOException {
    List<Grant> out = new ArrayList<>();
    if (!Files.exists(file)) {
      return out;
    }
    int n = 0;
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      n++;
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      try {
        out.add(parse(line));
      } catch (IllegalArgumentException e) {
        problems.add(file + ":" + n + ": " + e.getMessage());
      }
    }
    return out;
  }

  /** Replaces the journal's content with {@code grants}. */
  public void store(List<Grant> grants) throws IOException {
    StringBuilder sb = new StringBuilder(HEADER).append('\n');
    for (Grant g : grants) {
      sb.append(format(g)).append('\n');
    }
    Path dir = file.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path tmp = dir.resolve(file.getFileName() + ".tmp");
    try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.TRUNCATE_EXISTING)) {
      ch.write(java.nio.ByteBuffer.wrap(sb.toString().getBytes(StandardCharsets.UTF_8)));
      ch.force(true);
    }
    try {
      Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
    } catch (UnsupportedOperationException ignored) {
      // not a POSIX file system
    }
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  static String format(Grant g) {
    return g.source().getHostAddress() + '\t'
        + (g.destination() == null ? "-" : g.destination().getHostAddress()) + '\t'
        + String.join(",", g.access().stream().map(ProtoPort::toString).toList()) + '\t'
        + formatNat(g.nat()) + '\t'
        + g.expires() + '\t'
        + clean(g.stanza());
  }

  private static String formatNat(Nat nat) {
    if (nat == null) {
      return "-";
    }
    return nat.kind() + "," + (nat.target() == null ? "" : nat.target().getHostAddress()) + "," + nat.port() + ","
        + nat.snat() + "," + (nat.snatAddress() == null ? "" : nat.snatAddress().getHostAddress()) + "," + nat.dnat();
  }

  static Grant parse(String line) {
    String[] f = line.split("\t", -1);
    if (f.length != 6) {
      throw new IllegalArgumentException("expected 6 tab-separated fields, found " + f.length);
    }
    List<ProtoPort> access = f[2].isEmpty() ? List.of() : ProtoPort.parseList(f[2], 0);
    Instant expires;
    try {
      expires = Instant.parse(f[4]);
    } catch (java.time.format.DateTimeParseException e) {
      throw new IllegalArgumentException("expiry is not an ISO-8601 instant: " + f[4]);
    }
    return new Grant(address(f[0]), "-".equals(f[1]) ? null : address(f[1]), access, parseNat(f[3]),
        expires, f[5]);
  }

  private static Nat parseNat(String s) {
    if ("-".equals(s)) {
      return null;
    }
    String[] p = s.split(",", -1);
    if (p.length != 6) {
      throw new IllegalArgumentException("bad nat field: " + s);
    }
    try {
      return new Nat(Nat.Kind.valueOf(p[0]), p[1].isEmpty() ? null : address(p[1]), Integer.parseInt(p[2]),
          Nat.Snat.valueOf(p[3]), p[4].isEmpty() ? null : address(p[4]), Boolean.parseBoolean(p[5]));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("bad nat field: " + s);
    }
  }

  /** Parses a literal address only; never resolves a name. */
  private static InetAddress address(String literal) {
    InetAddress a = IpAddresses.literal(literal);
    if (a == null) {
      throw new IllegalArgumentException("not an IP address: " + literal);
    }
    return a;
  }


  private static String clean(String s) {
    return s == null ? "" : s.replace('\t', ' ').replace('\n', ' ').replace('\r', ' ');
  }
}
