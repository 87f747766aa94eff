package spa.server.grant;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.InetAddress;
import java.nio.channels.Channels;
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
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import spa.core.Grant;
import spa.core.IpAddresses;
import spa.core.Nat;
import spa.core.ProtoPort;

/**
 * The active grants and the cycle closes still to run, as an append-only log: an opening or extension appends
 * the grant's line (one fsync per firewall batch), an expiry appends a {@code drop} line (not forced: a lost one
 * only leaves a line whose expiry has passed, which start-up ignores), a cycle close appends its {@code close}
 * line and, once run, a {@code done} line (both forced). Reading replays the lines in order. When the log holds
 * more than twice the lines of what is live, it is rewritten whole and atomically (temp file, fsync, rename),
 * so its size follows the live openings, and a change costs one line however many grants are open. A line that
 * cannot be read is reported and skipped, never fatal: the firewall itself is the other source of truth.
 *
 * <p>Grant line, tab-separated: {@code source dest access nat expires stanza}, where dest and nat are
 * {@code -} when absent, access is {@code tcp/22,udp/53}, nat is {@code kind,target,port,snat,snatAddress,dnat}
 * and expires is an ISO-8601 instant; a later line for the same opening replaces an earlier one. {@code drop}
 * and a grant's fields: that opening is closed. {@code close id due user group stanza command} (user and group
 * {@code -} when absent): a CMD_CYCLE_CLOSE to run after a restart; {@code done id}: it ran.
 */
public final class GrantJournal {
  private static final String HEADER = "# spad active grants: source dest access nat expires stanza";
  private static final String CLOSE = "close";
  private static final String DONE = "done";
  private static final String DROP = "drop";
  /** Lines beyond twice the live ones that the log may hold before it is rewritten. */
  private static final int COMPACT_SLACK = 64;
  private final Path file;
  /** What the file holds once replayed, and how many record lines it has. */
  private final Openings grants = new Openings();
  private final Map<String, String> closes = new LinkedHashMap<>();
  private int lines;
  private boolean read;

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

  /** The grants recorded, with a note per unreadable line in {@code problems}; the file is read again. */
  public synchronized List<Grant> load(List<String> problems) throws IOException {
    read(problems);
    return grants.all();
  }

  /** Replaces the journal's grants with {@code grants} (the cycle closes stay), rewriting the file whole. */
  public synchronized void store(List<Grant> grants) throws IOException {
    ensureRead();
    this.grants.clear();
    grants.forEach(this.grants::put);
    rewrite();
  }

  /** Records {@code opened} (new openings or extensions, each replacing its opening's line) with one fsync. */
  public synchronized void opened(List<Grant> opened) throws IOException {
    ensureRead();
    List<String> lines = new ArrayList<>(opened.size());
    for (Grant g : opened) {
      grants.put(g);
      lines.add(format(g));
    }
    append(lines, true);
  }

  /** Records that {@code g} is closed (not forced: a lost record only leaves an expired line). */
  public synchronized void closed(Grant g) throws IOException {
    ensureRead();
    grants.removeSame(g);
    append(List.of(DROP + "\t" + format(g)), false);
  }

  /** The cycle closes still to run, with a note per unreadable one in {@code problems}. */
  public synchronized List<CycleClose> loadCloses(List<String> problems) throws IOException {
    read(problems);
    List<CycleClose> out = new ArrayList<>();
    for (String line : closes.values()) {
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
    ensureRead();
    String line = formatClose(close);
    closes.put(close.id(), line);
    append(List.of(line), true);
  }

  /** Marks the close {@code id} done: it is not run again after a restart. */
  public synchronized void closeDone(String id) throws IOException {
    ensureRead();
    if (closes.remove(id) != null) {
      append(List.of(DONE + "\t" + id), true);
    }
  }

  private void ensureRead() throws IOException {
    if (!read) {
      read(new ArrayList<>());
    }
  }

  /** Replays the file into the live grants and closes; unreadable lines go to {@code problems}. */
  private void read(List<String> problems) throws IOException {
    grants.clear();
    closes.clear();
    lines = 0;
    read = true;
    if (!Files.exists(file)) {
      return;
    }
    int n = 0;
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      n++;
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      lines++;
      try {
        if (line.startsWith(CLOSE + "\t")) {
          closes.put(line.split("\t", 3)[1], line);
        } else if (line.startsWith(DONE + "\t")) {
          closes.remove(line.substring(DONE.length() + 1));
        } else if (line.startsWith(DROP + "\t")) {
          grants.removeSame(parse(line.substring(DROP.length() + 1)));
        } else {
          grants.put(parse(line));
        }
      } catch (IllegalArgumentException | ArrayIndexOutOfBoundsException e) {
        problems.add(file + ":" + n + ": " + e.getMessage());
      }
    }
  }

  /** Appends {@code records}; rewrites the file instead once it holds more than twice the live lines. */
  private void append(List<String> records, boolean force) throws IOException {
    int live = grants.size() + closes.size();
    if (lines + records.size() > 2 * live + COMPACT_SLACK || !Files.exists(file)) {
      rewrite();
      return;
    }
    StringBuilder sb = new StringBuilder();
    for (String r : records) {
      sb.append(r).append('\n');
    }
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
      java.nio.ByteBuffer buf = java.nio.ByteBuffer.wrap(sb.toString().getBytes(StandardCharsets.UTF_8));
      while (buf.hasRemaining()) {
        ch.write(buf);
      }
      if (force) {
        ch.force(false);
      }
    }
    lines += records.size();
  }

  private void rewrite() throws IOException {
    List<Grant> live = grants.all();
    write(live, closes.values());
    lines = live.size() + closes.size();
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

  /**
   * Writes the header, a line per grant and the cycle closes' lines to a temporary file, forces it and renames it
   * over the journal. Line by line through a small buffer: with 100,000 grants a file built whole in memory took
   * some 40 MB of short-lived arrays, which the heap's old generation received (they are large) and spad's RSS kept.
   */
  private void write(List<Grant> live, Collection<String> closeLines) throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path tmp = dir.resolve(file.getFileName() + ".tmp");
    try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.TRUNCATE_EXISTING)) {
      Writer w = new BufferedWriter(new OutputStreamWriter(Channels.newOutputStream(ch), StandardCharsets.UTF_8),
          1 << 16);
      w.write(HEADER);
      w.write('\n');
      for (Grant g : live) {
        w.write(format(g));
        w.write('\n');
      }
      for (String c : closeLines) {
        w.write(c);
        w.write('\n');
      }
      w.flush();
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
