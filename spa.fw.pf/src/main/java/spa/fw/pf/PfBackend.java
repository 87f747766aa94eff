package spa.fw.pf;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
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
 * pf through pfctl, in fwknopd's anchor. start checks that the main ruleset (pf.conf) references the anchor,
 * since rules in an anchor nothing references are never evaluated. open and close read the anchor
 * ({@code pfctl -a NAME -s rules}), drop the rules of the same source and proto/port (a re-knock replaces, never
 * stacks) and the expired ones, and load the result whole ({@code pfctl -a NAME -f -}), one atomic change; rules
 * in the anchor that are not spa's are kept as listed. Expiry is the engine's ({@link #kernelExpiry()} is false);
 * every PF_EXPIRE_INTERVAL the once-a-second {@link #intact()} check also sweeps expired rules out. NAT is refused.
 */
public final class PfBackend implements FirewallBackend {
  private static final Duration TIMEOUT = Duration.ofSeconds(15);
  private static final Set<String> RULE_WORDS = Set.of("pass", "block", "match", "anchor", "table", "scrub", "nat",
      "rdr", "binat", "antispoof", "load", "set");

  private final CommandRunner runner;
  private final Clock clock;
  private PfConfig config;
  private Instant nextSweep = Instant.MIN;

  /** The backend as ServiceLoader creates it: real processes, the system clock. */
  public PfBackend() {
    this(new ExecRunner(), Clock.systemUTC());
  }

  /** A backend running pfctl through {@code runner}; rules expire by {@code clock}. */
  public PfBackend(CommandRunner runner, Clock clock) {
    this.runner = runner;
    this.clock = clock;
  }

  @Override
  public String name() {
    return "pf";
  }

  @Override
  public boolean kernelExpiry() {
    return false;
  }

  @Override
  public void configure(Settings settings) throws ConfigException {
    config = PfConfig.from(settings);
  }

  @Override
  public void reconfigure(Settings settings) throws FirewallException {
    try {
      if (!PfConfig.from(settings).equals(config)) {
        throw new FirewallException("pf settings changed: restart spad to apply them");
      }
    } catch (ConfigException e) {
      throw new FirewallException(e.toString());
    }
  }

  /** Checks the anchor is referenced from the main ruleset, then sweeps it; rules of an earlier run stay. */
  @Override
  public void start(Settings settings) throws ConfigException, FirewallException {
    configure(settings);
    if (!referenced()) {
      throw unreferenced();
    }
    sweep();
  }

  @Override
  public void open(Grant grant) throws FirewallException {
    openAll(List.of(grant));
  }

  /** All grants in one load of the anchor: all of them are in, or (when pfctl refuses) none. */
  @Override
  public void openAll(List<Grant> grants) throws FirewallException {
    started();
    for (Grant g : grants) {
      if (g.nat() != null) {
        throw new FirewallException("pf opens access only: a " + g.nat().kind()
            + " NAT grant needs the nftables or iptables backend");
      }
      if (g.access().isEmpty()) {
        throw new FirewallException("pf: a grant needs at least one proto/port");
      }
    }
    Anchor a = read();
    List<PfRule> added = new ArrayList<>();
    for (Grant g : grants) {
      a.remove(g);
      for (ProtoPort pp : g.access()) {
        added.add(new PfRule(g.source(), g.destination(), pp, g.expires().getEpochSecond()));
      }
    }
    for (PfRule r : added) {
      a.ours.removeIf(x -> x.equals(r));
      a.ours.add(r);
    }
    load(a, "open " + grants.size() + (grants.size() == 1 ? " grant" : " grants"));
  }

  /** Removes the grant's rules (and expired ones); kills the source's states with PF_KILL_STATES. */
  @Override
  public void close(Grant grant) throws FirewallException {
    PfConfig c = started();
    Anchor a = read();
    int before = a.ours.size();
    a.remove(grant);
    a.dropExpired(clock.instant());
    if (a.ours.size() != before) {
      load(a, "close " + grant.source().getHostAddress());
    }
    if (c.killStates()) {
      check(exec(List.of("-k", grant.source().getHostAddress())), "kill states of " + grant.source().getHostAddress());
    }
  }

  /** True while pf.conf references the anchor; a sweep of expired rules runs here when one is due. */
  @Override
  public boolean intact() throws FirewallException {
    started();
    boolean ok = referenced();
    if (ok && !clock.instant().isBefore(nextSweep)) {
      sweep();
    }
    return ok;
  }

  /** spa cannot edit pf.conf: the message says what the admin must do. */
  @Override
  public void repair() throws FirewallException {
    started();
    if (!referenced()) {
      throw unreferenced();
    }
  }

  /** spa's rules grouped by source, destination and expiry: one grant each. */
  @Override
  public List<Grant> list() throws FirewallException {
    started();
    Map<List<Object>, List<PfRule>> groups = new LinkedHashMap<>();
    for (PfRule r : read().ours) {
      groups.computeIfAbsent(java.util.Arrays.asList(r.source(), r.destination(), r.expires()),
          k -> new ArrayList<>()).add(r);
    }
    List<Grant> out = new ArrayList<>();
    for (List<PfRule> g : groups.values()) {
      PfRule first = g.get(0);
      out.add(new Grant(first.source(), first.destination(), g.stream().map(PfRule::access).distinct().toList(),
          null, Instant.ofEpochSecond(first.expires()), ""));
    }
    return out;
  }

  /** Flushes the anchor's rules; the main ruleset is never touched. */
  @Override
  public void flush() throws FirewallException {
    PfConfig c = started();
    check(exec(List.of("-a", c.anchor(), "-F", "rules")), "flush anchor " + c.anchor());
  }

  /** Loads the anchor again without the rules whose expiry has passed, when there are any. */
  void sweep() throws FirewallException {
    nextSweep = clock.instant().plus(config.expireInterval());
    Anchor a = read();
    if (a.dropExpired(clock.instant())) {
      load(a, "expire rules");
    }
  }

  /** The anchor's rules: spa's, parsed, and the others as pfctl listed them. */
  private static final class Anchor {
    final List<PfRule> ours = new ArrayList<>();
    final List<String> others = new ArrayList<>();

    void remove(Grant g) {
      ours.removeIf(r -> r.source().equals(g.source()) && g.access().contains(r.access())
          && (g.destination() == null || r.destination() == null || Objects.equals(g.destination(), r.destination())));
    }

    boolean dropExpired(Instant now) {
      return ours.removeIf(r -> r.expires() <= now.getEpochSecond());
    }
  }

  private Anchor read() throws FirewallException {
    String out = check(exec(List.of("-a", config.anchor(), "-s", "rules")), "list anchor " + config.anchor()).stdout();
    Anchor a = new Anchor();
    for (String line : out.split("\n")) {
      String l = line.strip();
      if (l.isEmpty()) {
        continue;
      }
      if (!RULE_WORDS.contains(l.split("\\s+")[0])) {
        throw new FirewallException("pfctl printed something that is not a rule listing: " + l);
      }
      PfRule r = PfRule.parse(l);
      if (r != null) {
        a.ours.add(r);
      } else {
        a.others.add(l);
      }
    }
    return a;
  }

  private void load(Anchor a, String what) throws FirewallException {
    StringBuilder sb = new StringBuilder();
    a.others.forEach(l -> sb.append(l).append('\n'));
    a.ours.forEach(r -> sb.append(r.line()).append('\n'));
    List<String> argv = List.of(config.exe(), "-a", config.anchor(), "-f", "-");
    CommandResult r = run(new Command(argv, null, TIMEOUT).withInput(sb.toString()));
    check(r, what);
  }

  /** The main ruleset holds {@code anchor "NAME"} (or a wildcard over its parent). */
  private boolean referenced() throws FirewallException {
    String anchor = config.anchor();
    String main = check(exec(List.of("-s", "rules")), "list the main ruleset").stdout();
    for (String line : main.split("\n")) {
      String[] w = line.strip().split("\\s+");
      if (w.length >= 2 && w[0].equals("anchor")) {
        String name = w[1].replace("\"", "");
        if (name.equals(anchor) || name.endsWith("/*") && anchor.startsWith(name.substring(0, name.length() - 1))) {
          return true;
        }
      }
    }
    return false;
  }

  private FirewallException unreferenced() {
    return new FirewallException("pf.conf does not reference the anchor \"" + config.anchor() + "\" (PF_ANCHOR_NAME),"
        + " so its rules would never be evaluated: add the line  anchor \"" + config.anchor()
        + "\"  to pf.conf before the rules that block, and reload it (pfctl -f /etc/pf.conf)");
  }

  private PfConfig started() throws FirewallException {
    if (config == null) {
      throw new FirewallException("pf backend used before start() or configure()");
    }
    return config;
  }

  private static CommandResult check(CommandResult r, String what) throws FirewallException {
    if (!r.ok()) {
      throw new FirewallException("pf " + what + ": " + r.failure());
    }
    return r;
  }

  private CommandResult exec(List<String> args) throws FirewallException {
    List<String> argv = new ArrayList<>();
    argv.add(config.exe());
    argv.addAll(args);
    return run(new Command(argv, null, TIMEOUT));
  }

  private CommandResult run(Command c) throws FirewallException {
    CommandResult r = runner.run(c);
    if (r.status() != CommandResult.Status.EXITED) {
      throw new FirewallException(r.failure());
    }
    return r;
  }
}
