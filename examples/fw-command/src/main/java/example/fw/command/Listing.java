package example.fw.command;

import java.net.InetAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import spa.core.FirewallException;
import spa.core.Grant;
import spa.core.IpAddresses;
import spa.core.ProtoPort;

/** What the list command printed: its entries (each match of the entry pattern), and the openings they make. */
public final class Listing {

  /** One proto/port of one source, as the firewall holds it. */
  public record Entry(InetAddress source, ProtoPort access, Instant expires) {}

  private Listing() {
  }

  /** Every match of {@code entry} in {@code output}; a match whose fields are not what they say is an error. */
  public static List<Entry> entries(String output, Pattern entry) throws FirewallException {
    List<Entry> out = new ArrayList<>();
    Matcher m = entry.matcher(output);
    while (m.find()) {
      String source = m.group("source");
      InetAddress a = source == null ? null : IpAddresses.literal(source);
      String expires = m.group("expires");
      if (a == null || expires == null || !expires.matches("\\d{1,12}")) {
        throw new FirewallException("FWCMD_LIST printed an entry without an address and an epoch: "
            + m.group().strip());
      }
      ProtoPort pp;
      try {
        pp = ProtoPort.parse(m.group("proto") + "/" + m.group("port"), 1);
      } catch (IllegalArgumentException e) {
        throw new FirewallException("FWCMD_LIST printed an entry with " + e.getMessage());
      }
      out.add(new Entry(a, pp, Instant.ofEpochSecond(Long.parseLong(expires))));
    }
    return out;
  }

  /**
   * The openings the entries make: the entries of one source expiring on the same second are one opening (one
   * grant opens all its proto/ports with one expiry).
   */
  public static List<Grant> grants(List<Entry> entries) {
    record Opening(InetAddress source, Instant expires) {}
    Map<Opening, List<ProtoPort>> openings = new LinkedHashMap<>();
    for (Entry e : entries) {
      List<ProtoPort> ports = openings.computeIfAbsent(new Opening(e.source(), e.expires()), k -> new ArrayList<>());
      if (!ports.contains(e.access())) {
        ports.add(e.access());
      }
    }
    List<Grant> out = new ArrayList<>();
    openings.forEach((o, ports) -> out.add(new Grant(o.source(), null, ports, null, o.expires(), "")));
    return out;
  }
}
