package spa.fw.iptables;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import spa.cmd.exec.Command;
import spa.cmd.exec.CommandResult;
import spa.cmd.exec.CommandRunner;
import spa.cmd.exec.ExecRunner;
import spa.core.ConfigException;
import spa.core.FirewallException;
import spa.core.Grant;
import spa.core.IpAddresses;
import spa.core.Settings;
import spa.core.spi.FirewallBackend;

/**
 * iptables and ip6tables in fwknop 2.6's layout: the FWKNOP_* chains jumped to from the built-in chains,
 * one rule per proto/port tagged {@code -m comment --comment _exp_<epoch>}, with fwknop's exact rule
 * strings, so fwknopd's tools and an admin's habits keep working. Expiry is the engine's job
 * ({@link #kernelExpiry()} is false). Works with iptables-nft and iptables-legacy (FIREWALL_EXE).
 */
public final class IptablesBackend implements FirewallBackend {
  private static final Duration TIMEOUT = Duration.ofSeconds(15);

  private final CommandRunner runner;
  private IptConfig config;
  private final Set<String> ready = new HashSet<>();

  /** The backend as ServiceLoader creates it: real processes. */
  public IptablesBackend() {
    this(new ExecRunner());
  }

  /** A backend running iptables through {@code runner} (for example inside a network namespace). */
  public IptablesBackend(CommandRunner runner) {
    this.runner = runner;
  }

  @Override
  public String name() {
    return "iptables";
  }

  @Override
  public boolean kernelExpiry() {
    return false;
  }

  /**
   * Reads and checks the settings without touching the firewall, so that {@link #list()} and
   * {@link #flush()} work for one-shot tools ({@code --fw-list}, {@code --fw-flush}) without the
   * FLUSH_IPT_AT_INIT of {@link #start}.
   */
  @Override
  public void configure(Settings settings) throws ConfigException {
    this.config = IptConfig.from(settings);
    ready.clear();
  }

  /**
   * iptables protects no ports of its own (the admin's ruleset drops what spa does not accept), so a reload
   * changes nothing here unless the chains or options themselves change, which needs a restart.
   */
  @Override
  public void reconfigure(Settings settings) throws FirewallException {
    IptConfig next;
    try {
      next = IptConfig.from(settings);
    } catch (ConfigException e) {
      throw new FirewallException(e.toString());
    }
    if (!next.equals(config)) {
      throw new FirewallException("iptables settings changed: restart spad to apply them");
    }
  }

  @Override
  public void start(Settings settings) throws ConfigException, FirewallException {
    configure(settings);
    IptConfig c = config;
    if (c.flushAtInit()) {
      flush();
    }
    for (boolean v6 : families()) {
      for (Role r : Role.values()) {
        if (c.enabled(r)) {
          ensureChain(r, v6);
        }
      }
    }
  }

  @Override
  public void open(Grant grant) throws FirewallException {
    IptConfig c = started();
    List<IptRule> rules = IptRule.of(grant, c);
    long exp = grant.expires().getEpochSecond();
    Map<String, List<Listed>> existing = existing(rules);
    for (IptRule rule : rules) {
      ensureChain(rule.role(), rule.v6());
      String key = rule.key(c);
      List<Listed> same = existing.getOrDefault(key, List.of());
      if (same.stream().noneMatch(l -> l.exp() == exp)) {
        run(rule.addCommand(c, exp), "open " + describe(grant));
      }
      // a re-knock replaces the rule: the new one is in, now the old ones go
      for (Listed old : same) {
        if (old.exp() != exp) {
          delete(old);
        }
      }
    }
  }

  /**
   * All grants' rules, and the deletion of the rules they replace, as one {@code iptables-restore --noflush -w}
   * transaction per family and table: a refusal changes nothing, and the caller retries smaller parts.
   */
  @Override
  public void openAll(List<Grant> grants) throws FirewallException {
    if (grants.size() == 1) {
      open(grants.get(0));
      return;
    }
    IptConfig c = started();
    List<IptRule> rules = new ArrayList<>();
    List<Long> exps = new ArrayList<>();
    for (Grant g : grants) {
      for (IptRule rule : IptRule.of(g, c)) {
        rules.add(rule);
        exps.add(g.expires().getEpochSecond());
      }
    }
    Map<String, List<Listed>> existing = existing(rules);
    Map<String, StringBuilder> scripts = new LinkedHashMap<>();
    Set<Listed> deleted = new HashSet<>();
    for (int i = 0; i < rules.size(); i++) {
      IptRule rule = rules.get(i);
      long exp = exps.get(i);
      ensureChain(rule.role(), rule.v6());
      ChainSpec cs = c.chain(rule.role());
      StringBuilder b = scripts.computeIfAbsent((rule.v6() ? c.exe6() : c.exe()) + " " + cs.table(),
          k -> new StringBuilder("*" + cs.table() + "\n"));
      List<Listed> same = existing.getOrDefault(rule.key(c), List.of());
      if (same.stream().noneMatch(l -> l.exp() == exp)) {
        b.append(RuleText.line(rule.addArgs(c, exp))).append('\n');
      }
      for (Listed old : same) {
        if (old.exp() != exp && deleted.add(old)) {
          List<String> del = new ArrayList<>(List.of("-D", cs.chain()));
          del.addAll(old.args());
          b.append(RuleText.line(del)).append('\n');
        }
      }
    }
    for (Map.Entry<String, StringBuilder> e : scripts.entrySet()) {
      String exe = e.getKey().substring(0, e.getKey().lastIndexOf(' '));
      Command cmd = new Command(List.of(exe + "-restore", "-w", "--noflush"), null, TIMEOUT)
          .withInput(e.getValue().append("COMMIT\n").toString());
      CommandResult r = runner.run(cmd);
      if (!r.ok()) {
        throw new FirewallException("open " + grants.size() + " grants: " + r.failure());
      }
    }
  }

  @Override
  public void close(Grant grant) throws FirewallException {
    IptConfig c = started();
    List<IptRule> rules = IptRule.of(grant, c);
    Map<String, List<Listed>> existing = existing(rules);
    for (IptRule rule : rules) {
      for (Listed old : existing.getOrDefault(rule.key(c), List.of())) {
        delete(old);
      }
    }
  }

  /** Each enabled chain exists and its built-in chain still jumps to it ({@code -S} and {@code -C}). */
  @Override
  public boolean intact() throws FirewallException {
    IptConfig c = started();
    for (boolean v6 : families()) {
      String exe = v6 ? c.exe6() : c.exe();
      for (Role r : Role.values()) {
        ChainSpec cs = c.chain(r);
        if (c.enabled(r) && (!exec(List.of(exe, "-t", cs.table(), "-S", cs.chain())).ok()
            || !exec(List.of(exe, "-C", cs.from(), "-t", cs.table(), "-j", cs.chain())).ok())) {
          return false;
        }
      }
    }
    return true;
  }

  /** Creates the missing chains and jumps again, as start() does (without its FLUSH_IPT_AT_INIT). */
  @Override
  public void repair() throws FirewallException {
    IptConfig c = started();
    ready.clear();
    for (boolean v6 : families()) {
      for (Role r : Role.values()) {
        if (c.enabled(r)) {
          ensureChain(r, v6);
        }
      }
    }
  }

  @Override
  public List<Grant> list() throws FirewallException {
    started();
    List<Listed> all = new ArrayList<>();
    for (boolean v6 : families()) {
      for (Role r : Role.values()) {
        all.addAll(listChain(r, v6));
      }
    }
    return Listed.grants(all);
  }

  /** Every rule of each table spa uses ({@code -S} per table, as iptables prints them), for each family. */
  @Override
  public String policy() throws FirewallException {
    IptConfig c = started();
    StringBuilder sb = new StringBuilder();
    for (boolean v6 : families()) {
      String exe = v6 ? c.exe6() : c.exe();
      Set<String> tables = new LinkedHashSet<>();
      for (Role r : Role.values()) {
        tables.add(c.chain(r).table());
      }
      for (String table : tables) {
        CommandResult r = exec(List.of(exe, "-t", table, "-S"));
        if (!r.ok()) {
          throw new FirewallException("list " + table + ": " + r.failure());
        }
        sb.append("# ").append(exe).append(" -t ").append(table).append(" -S\n").append(r.stdout());
        if (!r.stdout().endsWith("\n")) {
          sb.append('\n');
        }
      }
    }
    return sb.toString();
  }

  /**
   * Removes spa's jumps and chains, as fwknopd does at exit: for each chain, delete every jump to it from
   * its built-in chain, then flush and delete the chain. Nothing else is touched.
   */
  @Override
  public void flush() throws FirewallException {
    IptConfig c = started();
    for (boolean v6 : families()) {
      String exe = v6 ? c.exe6() : c.exe();
      Set<String> done = new LinkedHashSet<>();
      for (Role r : Role.values()) {
        ChainSpec cs = c.chain(r);
        if (!done.add(cs.table() + " " + cs.chain())) {
          continue;
        }
        CommandResult from = exec(List.of(exe, "-t", cs.table(), "-S", cs.from()));
        if (from.ok()) {
          for (String line : from.stdout().split("\n")) {
            List<String> args = RuleText.split(line);
            if (args.size() >= 2 && args.get(0).equals("-A") && args.contains("-j")
                && args.get(args.indexOf("-j") + 1).equals(cs.chain())) {
              List<String> del = new ArrayList<>(List.of(exe, "-t", cs.table(), "-D"));
              del.addAll(args.subList(1, args.size()));
              run(del, "flush");
            }
          }
        }
        if (exec(List.of(exe, "-t", cs.table(), "-S", cs.chain())).ok()) {
          run(List.of(exe, "-t", cs.table(), "-F", cs.chain()), "flush");
          run(List.of(exe, "-t", cs.table(), "-X", cs.chain()), "flush");
        }
      }
    }
    ready.clear();
  }

  private List<Boolean> families() {
    return config.ipv6() ? List.of(false, true) : List.of(false);
  }

  /** Creates the role's chain and its jump when missing (fwknop's -N, -C, -I sequence). */
  private void ensureChain(Role r, boolean v6) throws FirewallException {
    IptConfig c = config;
    ChainSpec cs = c.chain(r);
    String exe = v6 ? c.exe6() : c.exe();
    if (ready.contains(exe + " " + cs.table() + " " + cs.chain())) {
      return;
    }
    if (!exec(List.of(exe, "-t", cs.table(), "-S", cs.chain())).ok()) {
      run(List.of(exe, "-t", cs.table(), "-N", cs.chain()), "create chain");
    }
    if (!exec(List.of(exe, "-C", cs.from(), "-t", cs.table(), "-j", cs.chain())).ok()) {
      CommandResult ins = exec(List.of(exe, "-t", cs.table(), "-I", cs.from(), String.valueOf(cs.jumpPosition()),
          "-j", cs.chain()));
      if (!ins.ok()) {
        // a jump position past the end of the chain: append, as the nearest place
        run(List.of(exe, "-t", cs.table(), "-A", cs.from(), "-j", cs.chain()), "jump to " + cs.chain());
      }
    }
    ready.add(exe + " " + cs.table() + " " + cs.chain());
  }

  /** The listed rules of the chains {@code rules} use, by key. */
  private Map<String, List<Listed>> existing(List<IptRule> rules) throws FirewallException {
    Map<String, List<Listed>> byKey = new LinkedHashMap<>();
    Set<String> listed = new HashSet<>();
    for (IptRule rule : rules) {
      if (listed.add(rule.role() + " " + rule.v6())) {
        for (Listed l : listChain(rule.role(), rule.v6())) {
          byKey.computeIfAbsent(RuleText.key(config.chain(l.role()).chain(), l.args()), k -> new ArrayList<>()).add(l);
        }
      }
    }
    return byKey;
  }

  private List<Listed> listChain(Role r, boolean v6) throws FirewallException {
    ChainSpec cs = config.chain(r);
    CommandResult res = exec(List.of(v6 ? config.exe6() : config.exe(), "-t", cs.table(), "-S", cs.chain()));
    if (!res.ok()) {
      return List.of();
    }
    return Listed.parse(r, v6, cs.chain(), res.stdout());
  }

  private void delete(Listed rule) throws FirewallException {
    ChainSpec cs = config.chain(rule.role());
    List<String> argv = new ArrayList<>(List.of(rule.v6() ? config.exe6() : config.exe(), "-t", cs.table(), "-D",
        cs.chain()));
    argv.addAll(rule.args());
    CommandResult r = exec(argv);
    // a rule that is already gone is closed
    if (!r.ok() && !r.stderr().contains("does a matching rule exist") && !r.stderr().contains("No chain")) {
      throw new FirewallException("delete rule: " + r.failure());
    }
  }

  private IptConfig started() throws FirewallException {
    if (config == null) {
      throw new FirewallException("iptables backend used before start() or configure()");
    }
    return config;
  }

  private void run(List<String> argv, String what) throws FirewallException {
    CommandResult r = exec(argv);
    if (!r.ok()) {
      throw new FirewallException(what + ": " + r.failure());
    }
  }

  private CommandResult exec(List<String> argv) throws FirewallException {
    CommandResult r = runner.run(new Command(argv, null, TIMEOUT));
    if (r.status() != CommandResult.Status.EXITED) {
      throw new FirewallException(r.failure());
    }
    return r;
  }

  private static String describe(Grant g) {
    return IpAddresses.text(g.source()) + " " + g.access() + (g.nat() == null ? "" : " nat " + g.nat().kind());
  }
}
