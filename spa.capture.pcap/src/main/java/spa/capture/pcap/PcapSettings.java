package spa.capture.pcap;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import spa.core.ConfigException;
import spa.core.Settings;

/**
 * The fwknopd.conf settings of the pcap capture, with fwknopd's defaults and range checks.
 *
 * @param intf {@code PCAP_INTF}, default {@code eth0}
 * @param filter {@code PCAP_FILTER}, default {@code udp port 62201}; blank means no filter
 * @param snaplen {@code MAX_SNIFF_BYTES}, default 1500, 1..32768 (live capture only)
 * @param promiscuous {@code ENABLE_PCAP_PROMISC}, default N
 * @param anyDirection {@code ENABLE_PCAP_ANY_DIRECTION}, default N (inbound packets only)
 * @param file {@code PCAP_FILE} ({@code --pcap-file}): read this file instead of an interface; null if unset
 * @param bufferSize {@code SPA_PCAP_BUFFER_SIZE} (spa's own), bytes of the kernel's capture buffer, default 32 MiB,
 *     4096..1073741824 (live capture only): what holds packets while the capture thread is behind
 */
public record PcapSettings(String intf, String filter, int snaplen, boolean promiscuous, boolean anyDirection,
    Path file, int bufferSize) {

  public static final String INTF = "PCAP_INTF";
  public static final String FILTER = "PCAP_FILTER";
  public static final String SNAPLEN = "MAX_SNIFF_BYTES";
  public static final String PROMISC = "ENABLE_PCAP_PROMISC";
  public static final String ANY_DIRECTION = "ENABLE_PCAP_ANY_DIRECTION";
  public static final String FILE = "PCAP_FILE";
  public static final String BUFFER_SIZE = "SPA_PCAP_BUFFER_SIZE";
  public static final int DEFAULT_BUFFER_SIZE = 32 << 20;
  static final long MIN_BUFFER_SIZE = 4096;
  static final long MAX_BUFFER_SIZE = 1 << 30;

  public static PcapSettings from(Settings s) throws ConfigException {
    String intf = s.get(INTF).map(String::trim).orElse("eth0");
    if (intf.isEmpty()) {
      throw s.invalid(INTF, "must name a network interface");
    }
    String filter = s.get(FILTER).map(String::trim).orElse("udp port 62201");
    int snaplen = 1500;
    String v = s.get(SNAPLEN).map(String::trim).orElse(null);
    if (v != null) {
      try {
        snaplen = Integer.parseInt(v);
      } catch (NumberFormatException e) {
        snaplen = -1;
      }
      if (snaplen < 1 || snaplen > 32768) {
        throw s.invalid(SNAPLEN, "must be a number 1..32768, not '" + v + "'");
      }
    }
    String file = s.get(FILE).map(String::trim).orElse("");
    Path path = null;
    if (!file.isEmpty()) {
      try {
        path = Path.of(file);
      } catch (InvalidPathException e) {
        throw s.invalid(FILE, "not a usable path: " + e.getReason());
      }
    }
    return new PcapSettings(intf, filter, snaplen, s.flag(PROMISC, false), s.flag(ANY_DIRECTION, false), path,
        bufferSize(s));
  }

  private static int bufferSize(Settings s) throws ConfigException {
    String v = s.get(BUFFER_SIZE).map(String::trim).orElse(null);
    if (v == null) {
      return DEFAULT_BUFFER_SIZE;
    }
    long n;
    try {
      n = Long.parseLong(v);
    } catch (NumberFormatException e) {
      n = -1;
    }
    if (n < MIN_BUFFER_SIZE || n > MAX_BUFFER_SIZE) {
      throw s.invalid(BUFFER_SIZE, "must be a number of bytes " + MIN_BUFFER_SIZE + ".." + MAX_BUFFER_SIZE + ", not '"
          + v + "'");
    }
    return (int) n;
  }
}
