package spa.server.cli;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import spa.core.FirewallException;
import spa.core.Grant;
import spa.core.ProtoPort;
import spa.core.Settings;
import spa.core.spi.FirewallBackend;

/**
 * A firewall held in memory that decides like nftables' own table: a new connection to a protected port
 * (OPEN_PORTS as spad passes them) passes only with a grant for its source; every other port is open.
 */
final class RecordingFirewall implements FirewallBackend {
  final List<String> calls = new ArrayList<>();
  private final List<Grant> grants = new ArrayList<>();
  private Set<ProtoPort> protectedPorts = Set.of();
  /** When set, reconfigure throws it and changes nothing. */
  FirewallException failReconfigure;

  @Override
  public String name() {
    return "recording";
  }

  @Override
  public boolean kernelExpiry() {
    return true;
  }

  @Override
  public void start(Settings settings) {
    calls.add("start");
    protectedPorts = ports(settings);
  }

  @Override
  public void reconfigure(Settings settings) throws FirewallException {
    calls.add("reconfigure");
    if (failReconfigure != null) {
      throw failReconfigure;
    }
    protectedPorts = ports(settings);
  }

  private static Set<ProtoPort> ports(Settings s) {
    return Set.copyOf(ProtoPort.parseList(s.get("OPEN_PORTS").orElse(""), 1));
  }

  /** Whether a new connection from {@code src} to {@code port} passes. */
  boolean admits(InetAddress src, ProtoPort port) {
    return !protectedPorts.contains(port)
        || grants.stream().anyMatch(g -> g.source().equals(src) && g.access().contains(port));
  }

  @Override
  public void open(Grant grant) {
    grants.add(grant);
  }

  @Override
  public void close(Grant grant) {
    grants.remove(grant);
  }

  @Override
  public List<Grant> list() {
    return List.copyOf(grants);
  }

  @Override
  public void flush() {
    grants.clear();
  }
}
