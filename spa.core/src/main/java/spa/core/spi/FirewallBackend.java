package spa.core.spi;

import java.util.List;
import spa.core.ConfigException;
import spa.core.FirewallException;
import spa.core.Grant;
import spa.core.Settings;

/**
 * Opens and closes grants in a firewall. Calls come from one serial executor per backend, so an
 * implementation need not be thread-safe.
 *
 * <p><b>Settings.</b> The {@link Settings} given to {@link #configure}, {@link #start} and {@link #reconfigure} are
 * the daemon's global settings, whatever file format they came from (fwknopd.conf, spad.conf): every variable
 * spad knows with its default filled in (fwknopd's names, such as {@code ENABLE_IPT_FORWARDING},
 * {@code FIREWALL_EXE}), every variable the files set that spad does not know (passed on unchanged, so a plugin
 * names its own settings with a prefix of its own, such as {@code NFT_} or {@code PF_}), command-line options on
 * top, and {@code OPEN_PORTS} (below). {@link Settings#invalid} makes the error that names file, line and key.
 *
 * <p><b>What {@link #list} must reconstruct.</b> Enough of each opening for {@link Grant#sameOpening} to match the
 * grant that made it: the source, the proto/ports, the NAT kind and port, and the expiry to the second. The
 * destination, the NAT target and the stanza may be absent (null, empty) when the firewall does not keep them:
 * the daemon fills them in from its journal. A fresh instance, only configured, must list what an earlier one
 * opened: that is how a restarted daemon reconciles, and how {@code --fw-list} works.
 *
 * <p><b>Errors.</b> Every failure is a {@link FirewallException} with one line saying which command and what it
 * printed; a grant a backend cannot apply (a NAT kind it does not do) is refused the same way, before any
 * change. The scenarios every backend must pass are the test kit's {@code BackendContract}.
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

  /**
   * A stand-in for this started backend that runs the code of {@link #open}, {@link #openAll} and {@link #close}
   * (making each change's messages or commands) but sends nothing and changes no firewall, for the daemon's
   * warm-up: a first knock then does not run that code interpreted. It lists nothing. Null (the default): the
   * backend has nothing worth rehearsing.
   */
  default FirewallBackend rehearsal() {
    return null;
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
   * {@link #start}. The default watches nothing and returns {@link #NO_CHANGE_REPORTS}; a backend that reports
   * changes is checked every ten seconds instead of every second, since its reports come at once.
   */
  default AutoCloseable watchChanges(Runnable changed) throws FirewallException {
    return NO_CHANGE_REPORTS;
  }

  /** What {@link #watchChanges} returns when the backend reports nothing: the daemon checks every second. */
  AutoCloseable NO_CHANGE_REPORTS = () -> {};

  /** What spa's openings the firewall holds now, with their expiry. */
  List<Grant> list() throws FirewallException;

  /**
   * The firewall's whole policy as its own tool prints it, spa's part and everything else ({@code spad
   * --fw-list-all}, as fwknopd's); read only. The default refuses, saying so in one line.
   */
  default String policy() throws FirewallException {
    throw new FirewallException(name() + " cannot print the whole firewall policy; --fw-list shows spa's openings");
  }

  /** Removes everything spa added and nothing else. */
  void flush() throws FirewallException;
}
