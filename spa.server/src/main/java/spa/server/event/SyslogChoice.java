package spa.server.event;

import java.util.Locale;
import java.util.Optional;
import spa.core.Settings;

/**
 * Whether spad's lines also go to syslog, and as what: when the configuration sets {@code SYSLOG_IDENTITY} or
 * {@code SYSLOG_FACILITY}, unless standard output already is the systemd journal ({@code JOURNAL_STREAM} names
 * it): there the journal has every line once, under the unit's {@code SyslogIdentifier=} and
 * {@code SyslogFacility=}.
 */
public record SyslogChoice(String identity, String facility) {

  /** For this process: its {@code JOURNAL_STREAM} and what its standard output is. */
  public static Optional<SyslogChoice> of(Settings g) {
    String stdout;
    try {
      stdout = java.nio.file.Files.readSymbolicLink(java.nio.file.Path.of("/proc/self/fd/1")).toString();
    } catch (java.io.IOException | UnsupportedOperationException e) {
      stdout = null;
    }
    return of(g, System.getenv("JOURNAL_STREAM"), stdout);
  }

  /**
   * @param journalStream the environment's {@code JOURNAL_STREAM} ({@code device:inode}), or null
   * @param stdout what standard output is ({@code /proc/self/fd/1}'s target: {@code socket:[inode]}), or null
   */
  public static Optional<SyslogChoice> of(Settings g, String journalStream, String stdout) {
    boolean asked = set(g, "SYSLOG_IDENTITY") || set(g, "SYSLOG_FACILITY");
    if (!asked || journal(journalStream, stdout)) {
      return Optional.empty();
    }
    String identity = g.get("SYSLOG_IDENTITY").map(String::strip).filter(s -> !s.isEmpty()).orElse("spad");
    String facility = g.get("SYSLOG_FACILITY").map(String::strip).orElse("LOG_DAEMON");
    return Optional.of(new SyslogChoice(identity, facility));
  }

  /** logger(1)'s name of the facility: {@code LOG_LOCAL3} is {@code local3}. */
  public String loggerFacility() {
    String f = facility.toLowerCase(Locale.ROOT);
    return f.startsWith("log_") ? f.substring(4) : f;
  }

  private static boolean set(Settings g, String key) {
    return g.has(key) && !"default".equals(g.origin(key));
  }

  /** Standard output is the journal's stream: JOURNAL_STREAM's inode is the socket's. */
  static boolean journal(String journalStream, String stdout) {
    if (journalStream == null || stdout == null) {
      return false;
    }
    int colon = journalStream.indexOf(':');
    return colon > 0 && stdout.equals("socket:[" + journalStream.substring(colon + 1).strip() + "]");
  }
}
