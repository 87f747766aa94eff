package spa.fw.ipfw;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import spa.cmd.exec.Command;
import spa.cmd.exec.CommandResult;
import spa.cmd.exec.CommandRunner;
import spa.cmd.exec.ExecRunner;
import spa.core.ConfigException;
import spa.core.FirewallException;
import spa.core.Grant;
import spa.core.ProtoPort;
import spa.core.Settings;
import spa.core.spi.FirewallBackend;

/**
 * ipfw in fwknopd's model. A grant takes the lowest free rule number of spa's window and gets one rule per
 * proto/port in the active set; a re-knock writes the opening under a new number with the new {@code _exp_}
 * and retires the old number. Closing (at expiry, by the engine: {@link #kernelExpiry()} is false) moves the
 * number to the disabled expire set, so keep-state sessions already established survive; every
 * IPFW_EXPIRE_PURGE_INTERVAL the expire set's numbers that no dynamic rule refers to any more are deleted (in the
 * once-a-second {@link #intact()} check, and at start). Nothing is remembered between calls: every operation reads
 * {@code ipfw -S list}, so a restarted spad re-learns its rules. NAT is refused: ipfw here opens access only.
 */
public final class IpfwBackend implements FirewallBackend {
  private static final Duration TIMEOUT = Duration.ofSeconds(15);

  private final CommandRunner runner;
  private final Clock clock;
  private IpfwConfig config;
  private Instant nextPurge = Instant.MIN;

  /** The backend as ServiceLoader creates it: real processes, the system clock. */
  public IpfwBackend() {
    this(new ExecRunner(), Clock.systemUTC());
  }

  /** A backend running ipfw through {@code runner}, purging by {@code clock}. */
  public IpfwBackend(CommandRunner runner, Clock clock) {
    this.runner = runner;
    this.clock = clock;
  }

  @Override
  public String name() {
    return "ipfw";
  }

  @Override
  public boolean kernelExpiry() {
    return false;
  }

  @Override
  public void configure(Settings settings) throws ConfigException {
    config = IpfwConfig.from(settings);
  }

  /** Nothing of ipfw's depends on OPEN_PORTS; changed ipfw settings need a restart. */
  @Override
  public void reconfigure(Settings settings) throws FirewallException {
    try {
      if (!IpfwConfig.from(settings).equals(config)) {
        throw new FirewallException("ipfw settings changed: restart spad to apply them");
      }
    } catch (ConfigException e) {
      throw new FirewallException(e.toString());
    }
  }

  /**
   * Disables the expire set (and enables the active one), deletes spa's active rules when FLUSH_IPFW_AT_INIT,
   * adds the check-state rule when IPFW_ADD_CHECK_STATE, and purges the expire set. Rules left by an earlier run
   * are re-learned from the listing: their numbers stay taken.
   */
  @Override
  public void start(Settings settings) throws ConfigException, FirewallException {
    configure(settings);
    IpfwConfig c = config;
    List<String> foreign = rules().rules().stream().filter(r -> r.foreign() && r.set() == c.expireSet())
        .map(r -> String.valueOf(r.number())).toList();
    if (!foreign.isEmpty()) {
      throw new FirewallException("IPFW_EXPIRE_SET_NUM " + c.expireSet() + " holds rules that are not spa's ("
          + String.join(", ", foreign) + "), and spa keeps that set disabled: choose an unused set number");
    }
    run("start", "set", "disable", String.valueOf(c.expireSet()), "enable", String.valueOf(c.activeSet()));
    if (c.flushAtInit()) {
      deleteIn(c.activeSet(), rules().numbers(c, c.activeSet(), false));
    }
    ensureCheckState(rules());
    purge();
  }

  @Override
  public void open(Grant grant) throws FirewallException {
    IpfwConfig c = started();
    if (grant.nat() != null) {
      throw new FirewallException("ipfw opens access only: a " + grant.nat().kind()
          + " NAT grant needs the nftables or iptables backend");
    }
    if (grant.access().isEmpty()) {
      throw new FirewallException("ipfw: a grant needs at least one proto/port");
    }
    IpfwListing rules = rules();
    long exp = grant.expires().getEpochSecond();
    Map<Integer, Grant> held = rules.openings(c);
    List<Integer> old = new ArrayList<>();
    for (Map.Entry<Integer, Grant> e : held.entrySet()) {
      if (e.getValue().sameOpening(grant)) {
        if (e.getValue().expires().getEpochSecond() == exp) {
          return;
        }
        old.add(e.getKey());
      }
    }
    int number = rules.free(c);
    for (ProtoPort pp : grant.access()) {
      IpfwRule r = new IpfwRule(number, c.activeSet(), grant.source(), grant.destination(), pp, exp);
      List<String> argv = new ArrayList<>(List.of("-q", "add"));
      argv.addAll(r.addArgs());
      CommandResult res = exec(argv);
      if (!res.ok()) {
        // nothing half-applied: the rules already added under this number go again
        exec(List.of("-q", "set", String.valueOf(c.activeSet()), "delete", String.valueOf(number)));
        throw new FirewallException("open " + grant.source().getHostAddress() + " " + grant.access() + ": "
            + res.failure());
      }
    }
    for (int n : old) {
      retire(n);
    }
  }

  /** Moves the opening's numbers to the expire set; an opening already gone is closed. */
  @Override
  public void close(Grant grant) throws FirewallException {
    started();
    for (Map.Entry<Integer, Grant> e : rules().openings(config).entrySet()) {
      if (e.getValue().sameOpening(grant)) {
        retire(e.getKey());
      }
    }
  }

  /**
   * True while the expire set is disabled, the active set enabled and the check-state rule (when configured)
   * in place. It is also this backend's clock: a purge of the expire set runs here when one is due.
   */
  @Override
  public boolean intact() throws FirewallException {
    IpfwConfig c = started();
    String[] w = check(exec(List.of("set", "show")), "set show").stdout().strip().split("\\s+");
    Set<String> disabled = new TreeSet<>();
    boolean inDisabled = false;
    for (String word : w) {
      if (word.equals("disable") || word.equals("enable")) {
        inDisabled = word.equals("disable");
      } else if (inDisabled) {
        disabled.add(word);
      }
    }
    boolean ok = disabled.contains(String.valueOf(c.expireSet())) && !disabled.contains(String.valueOf(c.activeSet()));
    if (ok && c.checkState()) {
      ok = rules().hasCheckState(c);
    }
    if (ok && !clock.instant().isBefore(nextPurge)) {
      purge();
    }
    return ok;
  }

  @Override
  public void repair() throws FirewallException {
    IpfwConfig c = started();
    run("repair", "set", "disable", String.valueOf(c.expireSet()), "enable", String.valueOf(c.activeSet()));
    ensureCheckState(rules());
  }

  @Override
  public List<Grant> list() throws FirewallException {
    started();
    return List.copyOf(rules().openings(config).values());
  }

  /** Deletes spa's rules (the check-state rule too) from the active and the expire set; nothing else. */
  @Override
  public void flush() throws FirewallException {
    IpfwConfig c = started();
    IpfwListing rules = rules();
    deleteIn(c.activeSet(), rules.numbers(c, c.activeSet(), true));
    deleteIn(c.expireSet(), rules.numbers(c, c.expireSet(), true));
  }

  /**
   * Deletes the expire set's numbers that no dynamic rule refers to any more, read from
   * {@code ipfw -d -S set E list}; schedules the next purge.
   */
  void purge() throws FirewallException {
    IpfwConfig c = started();
    nextPurge = clock.instant().plus(c.purgeInterval());
    IpfwListing l = IpfwListing.parse(check(exec(List.of("-d", "-S", "set", String.valueOf(c.expireSet()), "list")),
        "purge").stdout());
    Set<Integer> expired = new TreeSet<>(l.numbers(c, c.expireSet(), false));
    expired.removeAll(l.dynamic());
    deleteIn(c.expireSet(), expired);
  }

  private void retire(int number) throws FirewallException {
    run("close rule " + number, "-q", "set", "move", "rule", String.valueOf(number), "to",
        String.valueOf(config.expireSet()));
  }

  private void ensureCheckState(IpfwListing rules) throws FirewallException {
    IpfwConfig c = config;
    if (c.checkState() && !rules.hasCheckState(c)) {
      List<String> argv = new ArrayList<>(List.of("-q", "add"));
      argv.addAll(new IpfwRule(c.first(), c.activeSet(), null, null, null, 0).addArgs());
      run("check-state rule", argv.toArray(String[]::new));
    }
  }

  private void deleteIn(int set, Set<Integer> numbers) throws FirewallException {
    if (!numbers.isEmpty()) {
      List<String> argv = new ArrayList<>(List.of("-q", "set", String.valueOf(set), "delete"));
      numbers.forEach(n -> argv.add(String.valueOf(n)));
      run("delete rules", argv.toArray(String[]::new));
    }
  }

  /** Every rule of every set: {@code ipfw -S list}. */
  private IpfwListing rules() throws FirewallException {
    return IpfwListing.parse(check(exec(List.of("-S", "list")), "list").stdout());
  }

  private IpfwConfig started() throws FirewallException {
    if (config == null) {
      throw new FirewallException("ipfw backend used before start() or configure()");
    }
    return config;
  }

  private void run(String what, String... args) throws FirewallException {
    check(exec(List.of(args)), what);
  }

  private static CommandResult check(CommandResult r, String what) throws FirewallException {
    if (!r.ok()) {
      throw new FirewallException("ipfw " + what + ": " + r.failure());
    }
    return r;
  }

  private CommandResult exec(List<String> args) throws FirewallException {
    List<String> argv = new ArrayList<>();
    argv.add(config.exe());
    argv.addAll(args);
    CommandResult r = runner.run(new Command(argv, null, TIMEOUT));
    if (r.status() != CommandResult.Status.EXITED) {
      throw new FirewallException(r.failure());
    }
    return r;
  }
}
