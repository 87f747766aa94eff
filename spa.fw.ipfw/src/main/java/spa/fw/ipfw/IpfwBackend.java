package spa.fw.ipfw;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
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
    List<String> foreign = rules().stream().filter(r -> r.foreign() && r.set() == c.expireSet())
        .map(r -> String.valueOf(r.number())).toList();
    if (!foreign.isEmpty()) {
      throw new FirewallException("IPFW_EXPIRE_SET_NUM " + c.expireSet() + " holds rules that are not spa's ("
          + String.join(", ", foreign) + "), and spa keeps that set disabled: choose an unused set number");
    }
    run("start", "set", "disable", String.valueOf(c.expireSet()), "enable", String.valueOf(c.activeSet()));
    if (c.flushAtInit()) {
      deleteIn(c.activeSet(), numbers(rules(), c.activeSet(), false));
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
    List<IpfwRule> rules = rules();
    long exp = grant.expires().getEpochSecond();
    Map<Integer, Grant> held = openings(rules);
    List<Integer> old = new ArrayList<>();
    for (Map.Entry<Integer, Grant> e : held.entrySet()) {
      if (e.getValue().sameOpening(grant)) {
        if (e.getValue().expires().getEpochSecond() == exp) {
          return;
        }
        old.add(e.getKey());
      }
    }
    int number = free(rules);
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
    for (Map.Entry<Integer, Grant> e : openings(rules()).entrySet()) {
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
      ok = rules().stream().anyMatch(r -> r.checkState() && r.number() == c.first() && r.set() == c.activeSet());
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
    return List.copyOf(openings(rules()).values());
  }

  /** Deletes spa's rules (the check-state rule too) from the active and the expire set; nothing else. */
  @Override
  public void flush() throws FirewallException {
    IpfwConfig c = started();
    List<IpfwRule> rules = rules();
    deleteIn(c.activeSet(), numbers(rules, c.activeSet(), true));
    deleteIn(c.expireSet(), numbers(rules, c.expireSet(), true));
  }

  /**
   * Deletes the expire set's numbers that no dynamic rule refers to any more, read from
   * {@code ipfw -d -S set E list}; schedules the next purge.
   */
  void purge() throws FirewallException {
    IpfwConfig c = started();
    nextPurge = clock.instant().plus(c.purgeInterval());
    String out = check(exec(List.of("-d", "-S", "set", String.valueOf(c.expireSet()), "list")), "purge").stdout();
    Set<Integer> expired = new TreeSet<>();
    Set<Integer> dynamic = new TreeSet<>();
    boolean inDynamic = false;
    for (String line : out.split("\n")) {
      if (line.isBlank()) {
        continue;
      }
      if (line.startsWith("## Dynamic rules")) {
        inDynamic = true;
      } else if (inDynamic) {
        dynamic.add(leadingNumber(line));
      } else {
        IpfwRule r = parseLine(line);
        if (r != null && r.grant() && c.inWindow(r.number()) && r.set() == c.expireSet()) {
          expired.add(r.number());
        }
      }
    }
    expired.removeAll(dynamic);
    deleteIn(c.expireSet(), expired);
  }

  private void retire(int number) throws FirewallException {
    run("close rule " + number, "-q", "set", "move", "rule", String.valueOf(number), "to",
        String.valueOf(config.expireSet()));
  }

  private void ensureCheckState(List<IpfwRule> rules) throws FirewallException {
    IpfwConfig c = config;
    if (c.checkState() && rules.stream().noneMatch(r -> r.checkState() && r.number() == c.first()
        && r.set() == c.activeSet())) {
      List<String> argv = new ArrayList<>(List.of("-q", "add"));
      argv.addAll(new IpfwRule(c.first(), c.activeSet(), null, null, null, 0).addArgs());
      run("check-state rule", argv.toArray(String[]::new));
    }
  }

  /** The active set's openings by rule number, one grant per number. */
  private Map<Integer, Grant> openings(List<IpfwRule> rules) {
    Map<Integer, List<IpfwRule>> byNumber = new LinkedHashMap<>();
    for (IpfwRule r : rules) {
      if (r.grant() && r.set() == config.activeSet() && config.inWindow(r.number())) {
        byNumber.computeIfAbsent(r.number(), k -> new ArrayList<>()).add(r);
      }
    }
    Map<Integer, Grant> out = new LinkedHashMap<>();
    for (Map.Entry<Integer, List<IpfwRule>> e : byNumber.entrySet()) {
      IpfwRule first = e.getValue().get(0);
      List<ProtoPort> access = e.getValue().stream().map(IpfwRule::access).distinct().toList();
      long exp = e.getValue().stream().mapToLong(IpfwRule::expires).min().orElseThrow();
      out.put(e.getKey(), new Grant(first.source(), first.destination(), access, null, Instant.ofEpochSecond(exp),
          ""));
    }
    return out;
  }

  /** spa's rule numbers in {@code set}: grants, and with {@code withCheckState} the check-state rule. */
  private Set<Integer> numbers(List<IpfwRule> rules, int set, boolean withCheckState) {
    Set<Integer> out = new TreeSet<>();
    for (IpfwRule r : rules) {
      boolean spas = r.checkState() ? withCheckState && config.checkState() && r.number() == config.first()
          : r.grant() && config.inWindow(r.number());
      if (spas && r.set() == set) {
        out.add(r.number());
      }
    }
    return out;
  }

  /** The lowest number of the window no rule in any set uses. */
  private int free(List<IpfwRule> rules) throws FirewallException {
    Set<Integer> used = new TreeSet<>();
    rules.forEach(r -> used.add(r.number()));
    for (int n = config.firstGrantNumber(); n < config.end(); n++) {
      if (!used.contains(n)) {
        return n;
      }
    }
    throw new FirewallException("no free ipfw rule number in [" + config.first() + ", " + config.end()
        + "): raise IPFW_MAX_RULES or wait for the expire set's purge");
  }

  private void deleteIn(int set, Set<Integer> numbers) throws FirewallException {
    if (!numbers.isEmpty()) {
      List<String> argv = new ArrayList<>(List.of("-q", "set", String.valueOf(set), "delete"));
      numbers.forEach(n -> argv.add(String.valueOf(n)));
      run("delete rules", argv.toArray(String[]::new));
    }
  }

  /** Every rule of every set ({@code ipfw -S list}), spa's parsed, the others as placeholders for their number. */
  private List<IpfwRule> rules() throws FirewallException {
    String out = check(exec(List.of("-S", "list")), "list").stdout();
    List<IpfwRule> rules = new ArrayList<>();
    for (String line : out.split("\n")) {
      if (!line.isBlank()) {
        IpfwRule r = parseLine(line);
        rules.add(r != null ? r : IpfwRule.foreign(line));
      }
    }
    return rules;
  }

  private static IpfwRule parseLine(String line) throws FirewallException {
    try {
      return IpfwRule.parse(line);
    } catch (IllegalArgumentException e) {
      throw new FirewallException("ipfw printed something that is not a rule listing: " + e.getMessage());
    }
  }

  private static int leadingNumber(String line) throws FirewallException {
    String l = line.strip().replaceFirst("^# DISABLED ", "");
    try {
      return Integer.parseInt(l.split("\\s+")[0]);
    } catch (NumberFormatException e) {
      throw new FirewallException("ipfw printed something that is not a rule listing: " + line.strip());
    }
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
