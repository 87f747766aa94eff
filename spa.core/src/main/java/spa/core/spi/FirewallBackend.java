package spa.core.spi;

import java.util.List;
import spa.core.ConfigException;
import spa.core.FirewallException;
import spa.core.Grant;
import spa.core.Settings;

/**
 * Opens and closes grants in a firewall. Calls come from one serial executor per backend, so an
 * implementation need not be thread-safe.
 */
public interface FirewallBackend {

  /** Short name: {@code nftables}, {@code iptables}, {@code ipfw}, {@code pf}. */
  String name();

  /** True when the firewall itself removes a grant at its expiry (nftables timeouts); else the engine schedules it. */
  boolean kernelExpiry();

  /** Prepares the firewall (tables, chains, jumps) from the daemon's settings. */
  void start(Settings settings) throws ConfigException, FirewallException;

  /** Opens {@code grant}, or extends the matching opening to the grant's expiry. */
  void open(Grant grant) throws FirewallException;

  /** Closes {@code grant}; closing one that is already gone is not an error. */
  void close(Grant grant) throws FirewallException;

  /** What spa's openings the firewall holds now, with their expiry. */
  List<Grant> list() throws FirewallException;

  /** Removes everything spa added and nothing else. */
  void flush() throws FirewallException;
}
