package spa.server.cli;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import spa.core.ConfigException;
import spa.core.FirewallException;
import spa.core.Settings;
import spa.server.config.ConfigLoader;
import spa.server.config.ServerConfig;
import spa.server.config.Variables;
import spa.server.engine.DecisionChain;
import spa.server.replay.ReplayWindow;
import spa.server.event.Event;
import spa.server.event.EventLog;
import spa.server.grant.GrantManager;

/**
 * A reload (SIGHUP, {@code spad -R}): the configuration is read again and applied whole (policy, protected
 * ports, firewall settings) or refused whole, everything running staying in force and one {@code error}
 * event (reason {@code reload}) saying why. Variables only start-up reads ({@link Variables#startOnly}) that
 * changed are named in a warning and in the answer: they stay as they were until a restart.
 */
final class Reload {
  /** The reason code of a refused reload's error event. */
  static final String REASON = "reload";

  private final ConfigLoader loader;
  private final ConfigLoader.Sources sources;
  private final ChainCompiler compiler;
  private final GrantManager firewall;
  private final ReplayWindow replayWindow;
  private final Consumer<DecisionChain> install;
  private final EventLog log;
  private final LongSupplier clock;
  private final Consumer<String> info;
  private final Consumer<String> warn;
  private Settings firewallSettings;
  /** The daemon variables spad started with: what the start-only ones still are. */
  private final Settings started;

  /**
   * @param firewall the running firewall, or null when nothing is opened (test mode, no firewall)
   * @param firewallSettings what the firewall was started with: the daemon variables, with the stanzas' ports
   * @param replayWindow how long replay records are kept, widened to the new policy's age window
   * @param install puts a compiled chain in force in the engine
   * @param log a log only this reload writes to
   */
  Reload(ConfigLoader loader, ConfigLoader.Sources sources, ChainCompiler compiler, GrantManager firewall,
      Settings firewallSettings, ReplayWindow replayWindow, Consumer<DecisionChain> install, EventLog log, LongSupplier clock,
      Consumer<String> info, Consumer<String> warn) {
    this.loader = loader;
    this.sources = sources;
    this.compiler = compiler;
    this.firewall = firewall;
    this.firewallSettings = firewallSettings;
    this.started = firewallSettings;
    this.replayWindow = replayWindow;
    this.install = install;
    this.log = log;
    this.clock = clock;
    this.info = info;
    this.warn = warn;
  }

  /** Reloads; returns the control socket's answer, {@code ok: ...} or {@code error: ...}. */
  synchronized String apply() {
    DecisionChain chain;
    Settings fs;
    try {
      ServerConfig c = loader.load(sources);
      chain = compiler.compile(c);
      fs = FirewallSettings.of(c.globals(), chain.policy());
    } catch (ConfigException ex) {
      return refuse(ex.toString());
    }
    if (firewall != null && !FirewallSettings.same(fs, firewallSettings)) {
      // before the policy: a new stanza's ports are protected before anyone can be granted them
      try {
        firewall.reconfigure(fs);
      } catch (FirewallException ex) {
        return refuse("firewall: " + ex.getMessage());
      }
      firewallSettings = fs;
    }
    // before the policy: no record is pruned that a packet could still pass the new age check with
    replayWindow.widen(chain.policy().server());
    install.accept(chain);
    String msg = "reloaded configuration: " + chain.policy().stanzas().size() + " access stanzas";
    List<String> later = startOnlyChanges(fs);
    if (!later.isEmpty()) {
      msg += "; " + String.join(", ", later) + " changed, which only a restart applies";
      warn.accept(msg);
    } else {
      info.accept(msg);
    }
    return "ok: " + msg;
  }

  /** The start-only variables whose value (or presence) differs in {@code now} from the start, sorted. */
  private List<String> startOnlyChanges(Settings now) {
    Set<String> names = new TreeSet<>(started.keys());
    names.addAll(now.keys());
    names.removeIf(n -> !Variables.startOnly(n) || started.get(n).equals(now.get(n)));
    return List.copyOf(names);
  }

  private String refuse(String why) {
    String msg = "reload refused, keeping the running configuration: " + why;
    log.emit(Event.plain(clock.getAsLong(), Event.Type.ERROR, REASON, msg));
    warn.accept(msg);
    return "error: " + why;
  }
}
