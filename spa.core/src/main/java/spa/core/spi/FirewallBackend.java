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

  /**
   * Reads the daemon's settings without touching the firewall. Afterwards {@link #list()} and
   * {@link #flush()} work (for {@code --fw-list} and {@code --fw-flush}); {@link #open} needs {@link #start}.
   */
  default void configure(Settings settings) throws ConfigException {}

  /**
   * Configures and prepares the firewall (tables, chains, jumps) from the daemon's settings. The settings
   * carry {@code OPEN_PORTS}: the union of the access stanzas' OPEN_PORTS, absent when any stanza has none.
   */
  void start(Settings settings) throws ConfigException, FirewallException;

  /**
   * Applies changed settings to the started firewall, for a reload: the protected ports above all (a new
   * stanza's OPEN_PORTS must not be open to everyone). All or nothing: when it throws, the settings in force
   * stay in force. The default refuses, so a backend that cannot change while running makes the reload fail
   * rather than run on stale settings.
   */
  default void reconfigure(Settings settings) throws FirewallException {
    throw new FirewallException(name() + " cannot apply changed settings while running: restart spad");
  }

  /** Opens {@code grant}, or extends the matching opening to the grant's expiry. */
  void open(Grant grant) throws FirewallException;

  /**
   * Opens every grant of {@code grants} (each as {@link #open} would) in as few firewall operations as the
   * firewall allows, ideally one transaction: when it throws, none of them may be assumed open, and the
   * caller retries smaller parts. The default opens them one by one.
   */
  default void openAll(List<Grant> grants) throws FirewallException {
    for (Grant g : grants) {
      open(g);
    }
  }

  /** Closes {@code grant}; closing one that is already gone is not an error. */
  void close(Grant grant) throws FirewallException;

  /**
   * True while what {@link #start} set up (tables, chains, jumps, spa's drop rule) is still in place. The daemon
   * asks every second, so it must be cheap; a backend that cannot tell says true (the default).
   */
  default boolean intact() throws FirewallException {
    return true;
  }

  /**
   * Sets up again what {@link #start} set up, after someone removed it (a flushed ruleset, a deleted table or
   * chain); the daemon then re-opens the grants still valid. The default does nothing.
   */
  default void repair() throws FirewallException {}

  /**
   * Starts reporting changes that may have removed what {@link #start} set up (a flushed ruleset, a deleted
   * table, chain or rule, a reloaded ruleset), so the daemon checks {@link #intact} at once rather than at its
   * next once-a-second check, which stays the backstop. {@code changed} is called from a thread of the
   * backend's own, perhaps several times for one change and sometimes for a change that removed nothing of
   * spa's; it must return quickly. The backend keeps the source going (restarts it when it fails) until the
   * returned handle is closed, which stops it and leaves no process or thread behind. Called after
   * {@link #start}. The default watches nothing and returns a handle that does nothing.
   */
  default AutoCloseable watchChanges(Runnable changed) throws FirewallException {
    return () -> {};
  }

  /** What spa's openings the firewall holds now, with their expiry. */
  List<Grant> list() throws FirewallException;

  /** Removes everything spa added and nothing else. */
  void flush() throws FirewallException;
}
