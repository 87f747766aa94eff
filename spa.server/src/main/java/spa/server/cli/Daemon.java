package spa.server.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import spa.cmd.exec.ExecRunner;
import spa.core.ConfigException;
import spa.core.Settings;
import spa.core.spi.CaptureSource;
import spa.core.spi.Decryptor;
import spa.core.spi.FirewallBackend;
import spa.server.config.ConfigDump;
import spa.server.config.ConfigLoader;
import spa.server.config.ServerConfig;
import spa.server.engine.Actuator;
import spa.server.engine.DecisionChain;
import spa.server.engine.Engine;
import spa.server.engine.Prefilter;
import spa.server.engine.CommandActuator;
import spa.server.engine.SerialActuator;
import spa.server.engine.Stats;
import spa.server.engine.WarmUp;
import spa.server.event.Event;
import spa.server.event.EventFormat;
import spa.server.event.EventOutput;
import spa.server.event.PluginLoggers;
import spa.server.event.SyslogChoice;
import spa.server.event.SyslogSink;
import spa.server.grant.FirewallWatch;
import spa.server.grant.GrantEvents;
import spa.server.grant.GrantJournal;
import spa.server.fleet.FleetChoice;
import spa.server.fleet.FleetGrants;
import spa.server.grant.GrantManager;
import spa.server.plugin.Plugins;
import spa.server.policy.EngineSettings;
import spa.server.policy.Policy;
import spa.server.replay.Maintenance;
import spa.server.replay.ReplayLoad;
import spa.server.replay.ReplayWindow;
import spa.server.replay.ReplayGuard;
import spa.server.replay.ReplayStores;
import spa.server.replay.Replays;

/** Runs what the command line asked for: the daemon, or one of the one-shot actions. */
public final class Daemon {

  private final SpadCommand cmd;
  private final PrintStream err;
  private final PrintStream out;
  private final int verbose;
  private ConfigLoader loader;
  private ConfigLoader.Sources sources;
  private Plugins plugins;
  private volatile Engine engine;
  private volatile Reload reload;
  /** Where the lines also go when the configuration asks for syslog; null otherwise. */
  private volatile SyslogSink syslog;
  private final ReplayLoad replay;

  Daemon(SpadCommand cmd) {
    this.cmd = cmd;
    this.err = cmd.err();
    this.out = cmd.out();
    this.verbose = cmd.verbose;
    this.replay = new ReplayLoad(cmd.test, cmd.rotateDigestCache, this::info, this::warn);
    PluginLoggers.route(this::notice, this::warn, verbose);
  }

  int run() {
    EventFormat format;
    try {
      format = EventFormat.parse(cmd.logFormat);
    } catch (IllegalArgumentException e) {
      err.println("spad: " + e.getMessage());
      return 2;
    }
    loader = new ConfigLoader(this::warn, this::info);
    Path etc = Path.of(System.getProperty("spa.sysconfdir", "/etc"));
    sources = new ConfigLoader.Sources(cmd.configFile, cmd.overrideFiles, cmd.commandLine(), etc);
    if (cmd.kill || cmd.restart || cmd.status) {
      return new ControlCommand(loader, sources, cmd.restart, cmd.status, out, err).run();
    }
    List<Path> pluginDirs;
    try {
      pluginDirs = Plugins.dirs(home(), cmd.pluginPath, System.getenv("SPA_PLUGIN_PATH"));
    } catch (IllegalArgumentException e) {
      err.println("spad: " + e.getMessage());
      return 1;
    }
    if (cmd.listPlugins) {
      plugins = Plugins.load(pluginDirs, Set.of("com.sun.jna"));
      return new PluginListing(plugins, out).run();
    }
    ServerConfig config;
    DecisionChain chain;
    boolean serving = !(cmd.dumpConfig || cmd.exitParseConfig || cmd.fwList || cmd.fwListAll || cmd.fwFlush);
    if (cmd.configFile == null && !cmd.listPlugins) {
      err.println("spad: " + ConfigLoader.defaultChoice(etc));
    }
    try {
      config = loader.load(sources);
      if (cmd.dumpConfig) {
        out.print(ConfigDump.render(config));
        out.flush();
        return 0;
      }
      if (serving && cmd.test) {
        replay.startReplayLoad(config.globals()); // read-only in test mode: overlaps the rest of start-up
      }
    } catch (ConfigException e) {
      err.println("spad: " + e);
      return 1;
    }
    plugins = Plugins.load(pluginDirs, Set.of("com.sun.jna"));
    List<String> pluginErrors = new ArrayList<>(plugins.problems());
    pluginErrors.addAll(plugins.duplicates(pluginErrors));
    if (!pluginErrors.isEmpty()) {
      pluginErrors.forEach(p -> err.println("spad: plugin " + p));
      return 1;
    }
    try {
      chain = new ChainCompiler(plugins, this::warn).compile(config);
    } catch (ConfigException e) {
      err.println("spad: " + e);
      return 1;
    }
    Settings g = config.globals();
    PluginChoice choice = new PluginChoice(plugins, this::warn);
    if (cmd.fwList || cmd.fwListAll || cmd.fwFlush) {
      return new FirewallTool(choice, cmd.fwList, cmd.fwListAll, cmd.fwFlush, out, err)
          .run(FirewallSettings.of(g, chain.policy()));
    }
    Plugins.Found<CaptureSource> capture;
    Plugins.Found<FirewallBackend> firewall;
    try {
      capture = choice.capture(g);
      // test mode opens nothing, yet a FIREWALL naming no installed plugin is a mistake to report now
      firewall = cmd.test && !g.has("FIREWALL") ? null : choice.firewall(g, false);
      if (firewall != null) {
        FirewallSettings.unprotected(FirewallSettings.of(g, chain.policy())).ifPresent(this::warn);
      }
      if (cmd.exitParseConfig && firewall != null) {
        checkFirewall(firewall, FirewallSettings.of(g, chain.policy()));
      }
    } catch (StartupException e) {
      err.println("spad: " + e.getMessage());
      return 1;
    }
    if (cmd.exitParseConfig) {
      out.println("spad: configuration is valid (" + config.stanzas().size() + " access stanzas"
          + (config.skipped().isEmpty() ? "" : "; " + config.skipped().size() + " skipped, see the warnings") + ")");
      return 0;
    }
    try {
      return serve(config, chain, capture, cmd.test ? null : firewall, format);
    } catch (StartupException e) {
      err.println("spad: " + e.getMessage());
      return 1;
    }
  }

  /** Has the firewall read its settings, as start-up would, without touching the firewall. */
  private static void checkFirewall(Plugins.Found<FirewallBackend> firewall, Settings fs) throws StartupException {
    try {
      Plugins.withContextLoader(firewall.loader(), () -> {
        firewall.provider().configure(fs);
        return null;
      });
    } catch (ConfigException e) {
      throw new StartupException(e.toString());
    } catch (Exception e) {
      throw new StartupException("firewall " + firewall.info().name() + ": " + e.getMessage());
    }
  }

  private int serve(ServerConfig config, DecisionChain chain, Plugins.Found<CaptureSource> capture,
      Plugins.Found<FirewallBackend> firewall, EventFormat format) throws StartupException {
    Settings g = config.globals();
    boolean test = cmd.test;
    boolean offline = g.get("PCAP_FILE").filter(s -> !s.isBlank()).isPresent();
    Policy policy = chain.policy();
    ReplayWindow window = new ReplayWindow(ReplayWindow.of(policy.server()));
    info("configuration: " + config.files() + ", " + policy.stanzas().size() + " access stanzas; capture "
        + capture.info().name() + "; firewall " + (firewall == null ? "none" : firewall.info().name())
        + (test ? "; test mode" : ""));

    List<AutoCloseable> open = new ArrayList<>();
    CountDownLatch cleanedUp = new CountDownLatch(1);
    startSyslog(g);
    SyslogSink sys = syslog;
    EventOutput events = new EventOutput(sys == null ? cmd.events() : sys.tee(cmd.events()), format);
    try {
      if (!offline) {
        // first: a second spad must stop here, before it opens (and may rewrite) the running one's replay file
        Path pid = RunFiles.pidPath(g);
        try {
          open.add(0, PidFile.acquire(pid));
          open.add(0, ControlSocket.listen(RunFiles.socketPath(pid), this::controlRequest));
        } catch (IOException e) {
          throw new StartupException(pid + ": " + e.getMessage());
        }
      }
      if (!replay.started()) {
        replay.startReplayLoad(g);
      }
      // Every record is in before capture starts: what a load costs is then paid before the packet path warms
      // up, not while it does. Serving also needs the file new records go to before anything acts.
      Replays replays;
      try {
        replays = replay.awaitReplay(g);
      } catch (IOException e) {
        throw new StartupException(e.getMessage());
      }
      open.add(0, replays);
      ReplayGuard guard;
      var storeLog = events.newLog(false);
      try {
        ReplayStores.Chosen chosen = ReplayStores.choose(plugins, g, replays, ReplayWindow.of(policy.server()),
            line -> storeLog.emit(Event.plain(System.currentTimeMillis(), Event.Type.ERROR,
                "replay-store", line)), this::info, this::warn);
        guard = chosen.guard();
        if (chosen.store() != null) {
          open.add(0, chosen.store());
        }
      } catch (ConfigException e) {
        throw new StartupException(e.toString());
      }
      GrantManager grants = null;
      Settings fs = FirewallSettings.of(g, policy);
      GrantJournal journal = new GrantJournal(RunFiles.journalPath(fs));
      if (firewall != null) {
        grants = startFirewall(firewall, fs, events, journal);
        open.add(0, grants);
        if (!firewall.provider().kernelExpiry() && g.flag("FLUSH_IPT_AT_EXIT", true)) {
          GrantManager atExit = grants;
          open.add(0, () -> atExit.flush());
        }
        // closed before the exit flush, which it must not undo
        FirewallWatch watch = new FirewallWatch(grants,
            new GrantEvents(events.newLog(false), firewall.info().name(), System::currentTimeMillis));
        open.add(0, watch);
        watch.start();
      }
      EngineSettings es = policy.engine();
      // commands' output only reaches logs: 64 KiB per stream is kept, the rest read and dropped
      Actuator actuator = test ? Actuator.none()
          : new SerialActuator(grants, firewall == null ? "none" : firewall.info().name(),
              new ExecRunner(ExecRunner.DEFAULT_ENVIRONMENT, ExecRunner.COMMAND_MAX_OUTPUT), replays, journal, events,
              Engine.SYSTEM_MILLIS, 10_000,
              new CommandActuator.Settings(Duration.ofSeconds(es.commandTimeout()), es.cycleCloseAtExit()));
      open.add(0, actuator);
      if (actuator instanceof SerialActuator serial) {
        try {
          serial.resumeCycleCloses().forEach(p -> warn("grant journal: " + p));
        } catch (IOException e) {
          throw new StartupException(journal.file() + ": cannot read the cycle closes: " + e.getMessage());
        }
      }
      Engine.Options options = new Engine.Options(test, offline, es.workers(), es.queueSize(), cmd.packetLimit,
          es.ratePerSource(), es.decryptLimit(), es.logEachDeny());
      Prefilter prefilter = new Prefilter(g.flag("ENABLE_SPA_OVER_HTTP", false), g.flag("ALLOW_ANY_USER_AGENT", false),
          g.flag("ENABLE_X_FORWARDED_FOR", false));
      Engine e = new Engine(options, chain, guard, actuator, events, prefilter, Engine.SYSTEM_MILLIS);
      engine = e;
      if (FleetChoice.wanted(g)) {
        startFleet(g, grants, actuator, () -> e.policy().policy(), events).ifPresent(f -> open.add(0, f));
      }
      Reload r = new Reload(loader, sources, new ChainCompiler(plugins, this::warn), grants, fs, window,
          e::policy, events.newLog(false), System::currentTimeMillis, this::info, this::warn);
      reload = r;
      open.add(0, new Maintenance(replays, window, System::currentTimeMillis, this::warn));
      e.start();
      // signals are handled from before the first packet on: "ready" means a SIGHUP reloads, not kills
      cmd.hooks().install(e::stop, r::apply, cleanedUp).forEach(this::warn);
      CaptureSource.Capture running;
      try {
        running = Plugins.withContextLoader(capture.loader(), () -> capture.provider().start(g, e.sink()));
      } catch (ConfigException ex) {
        throw new StartupException(ex.toString());
      } catch (Exception ex) {
        throw new StartupException("capture " + capture.info().name() + ": " + ex.getMessage());
      }
      CaptureSource.Capture started = running;
      e.watchCapture(() -> Plugins.withContextLoader(capture.loader(), started::dropped)); // plugin code: its loader
      String ready = "ready: capturing with " + capture.info().name() + ", firewall "
          + (firewall == null ? "none" : firewall.info().name()) + (test ? " (test mode)" : "");
      err.println("spad: " + ready);
      toSyslog(SyslogSink.INFO, ready);
      cmd.hooks().ready();
      if (!offline) {
        WarmUp.start(() -> samples(policy), es.warmUp(),
            () -> rehearsal(test ? null : firewall, capture, g, es.warmUp()), format, this::info, this::warn);
      }
      try {
        e.awaitEnd();
      } catch (InterruptedException ex) {
        Thread.currentThread().interrupt();
      }
      running.close();
      try {
        e.finish();
      } catch (InterruptedException ex) {
        Thread.currentThread().interrupt();
      }
      Stats stats = e.stats();
      if (verbose > 0 || stats.queueDropped() > 0 || stats.captureDropped() > 0) {
        err.println("spad: " + stats.summary());
      }
      return 0;
    } finally {
      for (AutoCloseable c : open) {
        try {
          c.close();
        } catch (Exception ex) {
          warn("closing: " + ex.getMessage());
        }
      }
      events.close();
      if (sys != null) {
        syslog = null;
        sys.close();
      }
      cleanedUp.countDown();
    }
  }

  /**
   * Prepares the firewall and reconciles its openings with the grant journal: expired ones are removed,
   * valid ones kept (or restored), untracked ones adopted until their expiry.
   */
  /** FLEET_GRANTS Y: shares this gateway's openings with the fleet (none in test mode, which opens nothing). */
  private java.util.Optional<FleetGrants> startFleet(Settings g, GrantManager grants, Actuator actuator,
      java.util.function.Supplier<spa.server.policy.Policy> policy, EventOutput events) throws StartupException {
    if (!(actuator instanceof SerialActuator serial) || grants == null) {
      info("fleet: FLEET_GRANTS ignored: " + (grants == null ? "no firewall" : "test mode") + " opens nothing");
      return java.util.Optional.empty();
    }
    try {
      FleetGrants fleet = FleetChoice.start(plugins, g, policy, grants, events.newLog(false),
          System::currentTimeMillis, this::info, this::warn);
      if (fleet != null) {
        serial.onGranted(fleet::published);
      }
      return java.util.Optional.ofNullable(fleet);
    } catch (ConfigException ex) {
      throw new StartupException(ex.toString());
    }
  }

  private GrantManager startFirewall(Plugins.Found<FirewallBackend> firewall, Settings fs, EventOutput events,
      GrantJournal journal) throws StartupException {
    FirewallBackend fw = firewall.provider();
    String name = firewall.info().name();
    GrantManager grants = new GrantManager(fw, journal, java.time.Clock.systemUTC(),
        new GrantEvents(events.newLog(false), name, System::currentTimeMillis));
    try {
      GrantManager.Reconciliation r = Plugins.withContextLoader(firewall.loader(), () -> {
        fw.start(fs);
        return grants.start();
      });
      r.problems().forEach(p -> warn("grant journal: " + p));
      info("firewall " + name + ": " + r.kept() + " openings kept, " + r.restored() + " restored, " + r.adopted()
          + " adopted, " + r.removed() + " expired removed");
      return grants;
    } catch (ConfigException e) {
      grants.close();
      throw new StartupException(e.toString());
    } catch (Exception e) {
      grants.close();
      throw new StartupException("firewall " + name + ": " + e.getMessage());
    }
  }

  private String controlRequest(String request) {
    Engine e = engine;
    Reload r = reload;
    return switch (request) {
      case "reload" -> r == null ? "error: not running" : r.apply();
      case "status" -> e == null ? "error: starting" : "ok: pid " + ProcessHandle.current().pid() + " " + e.stats().summary();
      default -> "error: unknown request '" + request + "' (reload, status)";
    };
  }

  private static Path home() {
    String h = System.getProperty("spa.home");
    return h == null || h.isBlank() ? null : Path.of(h);
  }

  /** The syslog sink, when SYSLOG_IDENTITY or SYSLOG_FACILITY asks for it (see {@link SyslogChoice}). */
  private void startSyslog(Settings g) {
    SyslogChoice.of(g).ifPresent(c -> {
      try {
        syslog = SyslogSink.start(c, this::warn);
      } catch (IOException e) {
        warn("syslog: " + e.getMessage() + "; lines go to standard output and error only");
      }
    });
  }

  /**
   * The act path's rehearsal after the warm-up's decisions: a tenth as many knocks, from the capture's loopback
   * rehearsal when it has one, through the firewall's stand-in (plugin code, each run with its loader), its
   * throwaway files under the temporary directory; null when there is no firewall or it has no stand-in.
   */
  private static WarmUp.Rehearsal rehearsal(Plugins.Found<FirewallBackend> firewall,
      Plugins.Found<CaptureSource> capture, Settings g, int warmUp) {
    if (firewall == null) {
      return null;
    }
    FirewallBackend standIn = Plugins.withContextLoader(firewall.loader(), firewall.provider()::rehearsal);
    WarmUp.LoopbackCapture loopback = (port, sink) -> Plugins.withContextLoader(capture.loader(),
        () -> capture.provider().rehearsal(g, port, sink));
    return standIn == null ? null : new WarmUp.Rehearsal(standIn, firewall.info().name(), loopback,
        Path.of(System.getProperty("java.io.tmpdir")), warmUp / 10);
  }

  /** The ciphers the policy's stanzas use that have samples (plugin code, each run with its loader). */
  private List<WarmUp.Cipher> samples(Policy policy) {
    java.util.Set<String> used = new java.util.TreeSet<>();
    policy.stanzas().forEach(s -> used.addAll(s.cipherNames()));
    List<WarmUp.Cipher> out = new ArrayList<>();
    for (String name : used) {
      for (Plugins.Found<Decryptor> f : plugins.providers(Decryptor.class, name, new ArrayList<>())) {
        Decryptor.Sample s = Plugins.withContextLoader(f.loader(), f.provider()::sample);
        if (s != null) {
          out.add(new WarmUp.Cipher(f.provider(), s));
        }
      }
    }
    return out;
  }

  private void toSyslog(int severity, String msg) {
    SyslogSink s = syslog;
    if (s != null) {
      s.line(severity, msg);
    }
  }

  private void info(String msg) {
    toSyslog(SyslogSink.INFO, msg);
    if (verbose > 0) {
      err.println("spad: " + msg);
    }
  }

  /** A plugin's information (its start-up facts): shown whatever the verbosity. */
  private void notice(String msg) {
    toSyslog(SyslogSink.INFO, msg);
    err.println("spad: " + msg);
  }

  private void warn(String msg) {
    toSyslog(SyslogSink.WARNING, "warning: " + msg);
    err.println("spad: warning: " + msg);
  }
}
