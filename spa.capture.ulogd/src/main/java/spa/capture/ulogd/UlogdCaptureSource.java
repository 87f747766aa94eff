package spa.capture.ulogd;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import spa.core.ConfigException;
import spa.core.Settings;
import spa.core.spi.CaptureSource;

/**
 * The {@code ulogd} capture: reads SPA packets from the pcap file that ulogd2's PCAP output plugin
 * writes for an NFLOG rule, so that spa needs neither libpcap nor a socket on the SPA port. For example
 * ({@code nft add rule inet filter input udp dport 62201 log group 1} and, in ulogd.conf,
 * {@code stack=log1:NFLOG,base1:BASE,pcap1:PCAP}). ulogd2 writes raw IP (link type 101) records;
 * every link type spa decodes is accepted.
 *
 * <p>Settings (spa's own keys; fwknopd has no such mode):
 * <ul>
 *   <li>{@code ULOGD_PCAP_FILE}: the file, default {@code /var/log/ulog/ulogd.pcap}, the directory that
 *       Debian's logrotate rule for ulogd2 covers. ulogd2's own built-in default, used when its
 *       {@code [pcap1]} section sets no {@code file=}, is {@code /var/log/ulogd.pcap}.
 *   <li>{@code ULOGD_POLL_MILLIS}: how often the file is checked for new records, rotation and
 *       truncation, 1..1000, default 20. Polling (one {@code stat} and one size check per interval) is
 *       used rather than a directory watch because it sees every kind of change the same way,
 *       including on file systems without inotify; it bounds the added latency to the interval.
 * </ul>
 * Packets already in the file at start are skipped; a missing file is waited for.
 */
public final class UlogdCaptureSource implements CaptureSource {

  public static final String FILE = "ULOGD_PCAP_FILE";
  public static final String POLL = "ULOGD_POLL_MILLIS";
  public static final String DEFAULT_FILE = "/var/log/ulog/ulogd.pcap";
  /** How long a rotated-away file is still read: until the writer has reopened its file. */
  static final long ROTATION_GRACE_MILLIS = 2000;

  @Override
  public String name() {
    return "ulogd";
  }

  @Override
  public UlogdCapture start(Settings settings, Sink sink) throws ConfigException, IOException {
    String f = settings.get(FILE).map(String::trim).orElse(DEFAULT_FILE);
    Path file;
    try {
      file = Path.of(f.isEmpty() ? DEFAULT_FILE : f);
    } catch (InvalidPathException e) {
      throw settings.invalid(FILE, "not a usable path: " + e.getReason());
    }
    if (Files.isDirectory(file)) {
      throw settings.invalid(FILE, file + " is a directory, not a pcap file");
    }
    long poll = 20;
    String p = settings.get(POLL).map(String::trim).orElse(null);
    if (p != null) {
      try {
        poll = Long.parseLong(p);
      } catch (NumberFormatException e) {
        poll = -1;
      }
      if (poll < 1 || poll > 1000) {
        throw settings.invalid(POLL, "must be a number of milliseconds 1..1000, not '" + p + "'");
      }
    }
    return UlogdCapture.start(file, poll, ROTATION_GRACE_MILLIS, sink);
  }
}
