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
import java.time.Duration;
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
 *
 * <p>The journal also holds the CMD_CYCLE_CLOSE commands still to run, one line each:
 * {@code close id due user group stanza command} (user and group {@code -} when absent), so that what a
 * cycle opened is closed after a restart. Every change, of either kind, rewrites the whole file atomically and
 * keeps the lines of the other kind; a close that ran is marked done by removing its line.
 */
public final class GrantJournal {
  private static final String HEADER = "# spad active grants: source dest access nat expires stanza";
  private static final String CLOSE = "close";
  private final Path file;

  /**
   * A cycle close still to run.
   *
   * @param id unique within the journal
   * @param due when to run it
   * @param user who runs it, or null for spad's own user
   * @param group the group to run it with, or null
   * @param stanza the access stanza it belongs to, for events
   * @param command the expanded command line
   */
  public record CycleClose(String id, Instant due, String user, String group, String stanza, String command) {
    public CycleClose {
      if (id == null || id.isBlank() || !clean(id).equals(id) || id.contains(" ")) {
        throw new IllegalArgumentException("bad cycle close id: " + id);
      }
      if (command == null || command.isBlank()) {
        throw new IllegalArgumentException("a cycle close needs a command");
      }
      command = clean(command);
      stanza = clean(stanza);
    }
  }

  public GrantJournal(Path file) {
    this.file = file;
  }

  public Path file() {
    return file;
  }

  /** The grants recorded, with a note per unreadable line in {@code problems}. */
  public synchronized List<Grant> load(List<String> problems) throws IOException {
    List<Grant> out = new ArrayList<>();
    if (!Files.exists(file)) {
      return out;
    }
    int n = 0;
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      n++;
      if (line.isBlank() || line.startsWith("#") || line.startsWith(CLOSE + "\t")) {
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

  /** Replaces the journal's grants with {@code grants}; the cycle closes stay. */
  public synchronized void store(List<Grant> grants) throws IOException {
    List<String> lines = new ArrayList<>();
    for (Grant g : grants) {
      lines.add(format(g));
    }
    lines.addAll(lines(true));
    write(lines);
  }

  /** The cycle closes still to run, with a note per unreadable one in {@code problems}. */
  public synchronized List<CycleClose> loadCloses(List<String> problems) throws IOException {
    List<CycleClose> out = new ArrayList<>();
    for (String line : lines(true)) {
      try {
        out.add(parseClose(line));
      } catch (IllegalArgumentException e) {
        problems.add(file + ": cycle close: " + e.getMessage());
      }
    }
    return out;
  }

  /** Records {@code close} durably before it is scheduled. */
  public synchronized void addClose(CycleClose close) throws IOException {
    List<String> lines = lines(false);
    lines.addAll(lines(true));
    lines.add(formatClose(close));
    write(lines);
  }

  /** Marks the close {@code id} done: it is not run again after a restart. */
  public synchronized void closeDone(String id) throws IOException {
    List<String> lines = lines(false);
    for (String l : lines(true)) {
      if (!l.startsWith(CLOSE + "\t" + id + "\t")) {
        lines.add(l);
      }
    }
    write(lines);
  }

  /** The file's record lines of one kind: cycle closes or grants (lines kept as they are). */
  private List<String> lines(boolean closes) throws IOException {
    List<String> out = new ArrayList<>();
    if (!Files.exists(file)) {
      return out;
    }
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      if (!line.isBlank() && !line.startsWith("#") && line.startsWith(CLOSE + "\t") == closes) {
        out.add(line);
      }
    }
    return out;
  }

  private static String formatClose(CycleClose c) {
    return String.join("\t", CLOSE, c.id(), c.due().toString(), dash(c.user()), dash(c.group()), dash(c.stanza()),
        c.command());
  }

  private static CycleClose parseClose(String line) {
    String[] f = line.split("\t", -1);
    if (f.length != 7) {
      throw new IllegalArgumentException("expected 7 tab-separated fields, found " + f.length);
    }
    Instant due;
    try {
      due = Instant.parse(f[2]);
    } catch (java.time.format.DateTimeParseException e) {
      throw new IllegalArgumentException("due time is not an ISO-8601 instant: " + f[2]);
    }
    return new CycleClose(f[1], due, undash(f[3]), undash(f[4]), undash(f[5]), f[6]);
  }

  private static String dash(String s) {
    return s == null || s.isBlank() ? "-" : clean(s);
  }

  private static String undash(String s) {
    return "-".equals(s) ? null : s;
  }

  private void write(List<String> lines) throws IOException {
    StringBuilder sb = new StringBuilder(HEADER).append('\n');
    for (String l : lines) {
      sb.append(l).append('\n');
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

  /**
   * The held opening with the journal's details where the firewall's listing is coarser: the exact expiry
   * (firewalls keep whole seconds) when both agree to the second, and the stanza name.
   */
  static Grant precise(Grant held, Grant recorded) {
    boolean sameSecond = Math.abs(Duration.between(held.expires(), recorded.expires()).toMillis()) < 1000;
    String stanza = held.stanza() == null || held.stanza().isEmpty() ? recorded.stanza() : held.stanza();
    return new Grant(held.source(), held.destination(), held.access(), held.nat(),
        sameSecond ? recorded.expires() : held.expires(), stanza);
  }
}
