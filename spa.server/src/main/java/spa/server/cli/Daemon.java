package spa.server.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import spa.cmd.exec.ExecRunner;
import spa.core.ConfigException;
import spa.core.FirewallException;
import spa.core.Grant;
import spa.core.ProtoPort;
import spa.core.Settings;
import spa.core.spi.Authorizer;
import spa.core.spi.CaptureSource;
import spa.core.spi.Decryptor;
import spa.core.spi.FirewallBackend;
import spa.server.config.ConfigDump;
import spa.server.config.ConfigLoader;
import spa.server.config.ServerConfig;
import spa.server.config.Variables;
import spa.server.engine.Actuator;
import spa.server.engine.DecisionChain;
import spa.server.engine.Engine;
import spa.server.engine.Maintenance;
import spa.server.engine.Prefilter;
import spa.server.engine.DigestStore;
import spa.server.engine.ReplayCache;
import spa.server.engine.ReplayStore;
import spa.server.engine.SerialActuator;
import spa.server.engine.Stats;
import spa.server.event.EventFormat;
import spa.server.event.EventOutput;
import spa.server.grant.GrantEvents;
import spa.server.grant.GrantJournal;
import spa.server.grant.GrantManager;
import spa.server.plugin.PluginInfo;
import spa.server.plugin.Plugins;
import spa.server.policy.DefaultAuthorizer;
import spa.server.policy.NatResolver;
import spa.server.policy.Policy;
import spa.server.policy.PolicyCompiler;

/** Runs what the command line asked for: the daemon, or one of the one-shot actions. */
public final class Daemon {

  /** How the process tells the daemon to stop (SIGTERM, SIGINT) or reload (SIGHUP). */
  public interface Hooks {
    /**
     * Arranges for {@code stop} and {@code reload} to run on those events; a stop waits for
     * {@code cleanedUp} so that buffered events and replay records are written before the process ends.
     */
    void install(Runnable stop, Runnable reload, CountDownLatch cleanedUp);

    /** True once the process is shutting down (the exit status can no longer be set). */
    boolean shuttingDown();

    /** Called once the capture runs: packets sent from now on are seen. */
    default void ready() {}

    /** No signals: the daemon ends when its capture ends or its packet limit is reached. */
    Hooks NONE = new Hooks() {
      @Override
      public void install(Runnable stop, Runnable reload, CountDownLatch cleanedUp) {}

      @Override
      public boolean shuttingDown() {
        return false;
      }
    };

    /**
     * Runs {@code action} when the process receives signal {@code name}. Uses jdk.unsupported's
     * {@code sun.misc.Signal}, reached reflectively so no build warns about it; without it, reload is
     * through {@code spad -R} only.
     */
    static void onSignal(String name, Runnable action) {
      try {
        Class<?> signal = Class.forName("sun.misc.Signal");
        Class<?> handler = Class.forName("sun.misc.SignalHandler");
        Object h = java.lang.reflect.Proxy.newProxyInstance(handler.getClassLoader(), new Class<?>[] {handler},
            (proxy, method, args) -> switch (method.getName()) {
              case "handle" -> {
                action.run();
                yield null;
              }
              case "hashCode" -> System.identityHashCode(proxy);
              case "equals" -> proxy == args[0];
              default -> "signal handler for " + name;
            });
        signal.getMethod("handle", signal, handler).invoke(null, signal.getConstructor(String.class).newInstance(name), h);
      } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
        // no such signal here
      }
    }

    /** Process signals: handlers for SIGTERM/SIGINT (stop) and SIGHUP (reload), and a shutdown hook. */
    static Hooks system() {
      return new Hooks() {
        private volatile boolean shutting;

        @Override
        public void install(Runnable stop, Runnable reload, CountDownLatch cleanedUp) {
          Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            shutting = true;
            stop.run();
            try {
              cleanedUp.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          }, "spad-shutdown"));
          onSignal("HUP", () -> new Thread(reload, "spad-reload").start());
          // a handled TERM/INT stops the engine and lets main exit 0, as fwknopd does; the hook stays for the rest
          onSignal("TERM", () -> new Thread(stop, "spad-stop").start());
          onSignal("INT", () -> new Thread(stop, "spad-stop").start());
        }

        @Override
        public boolean shuttingDown() {
          return shutting;
        }
      };
    }
  }

  /** Hooks a test drives by hand. */
  public static final class ManualHooks implements Hooks {
    private volatile Runnable stop = () -> { };
    private volatile Runnable reload = () -> { };
    private final CountDownLatch running = new CountDownLatch(1);

    @Override
    public void install(Runnable stop, Runnable reload, CountDownLatch cleanedUp) {
      this.stop = stop;
      this.reload = reload;
    }

    @Override
    public void ready() {
      running.countDown();
    }

    @Override
    public boolean shuttingDown() {
      return false;
    }

    /** Waits until the daemon captures. */
    public boolean awaitRunning(long millis) throws InterruptedException {
      return running.await(millis, TimeUnit.MILLISECONDS);
    }

    public void stop() {
      stop.run();
    }

    public void reload() {
      reload.run();
    }
  }

  private final SpadCommand cmd;
  private final PrintStream err;
  private final PrintStream out;
  private final int verbose;
  private ConfigLoader loader;
  private ConfigLoader.Sources sources;
  private Plugins plugins;
  private volatile Engine engine;

  Daemon(SpadCommand cmd) {
    this.cmd = cmd;
    this.err = cmd.err();
    this.out = cmd.out();
    this.verbose = cmd.verbose;
  }

  int run() {
    EventFormat format;
    try {
      format = EventFormat.parse(cmd.logFormat);
    } catch (IllegalArgumentException e) {
      err.println("spad: " + e.getMessage());
      return 2;
    }
    loader = new ConfigLoader(this::warn);
    sources = new ConfigLoader.Sources(cmd.configFile, cmd.overrideFiles, cmd.commandLine(), home());
    if (cmd.kill || cmd.restart || cmd.status) {
      return control();
    }
    if (cmd.listPlugins) {
      plugins = Plugins.load(pluginsDir(), Set.of("com.sun.jna"));
      return listPlugins();
    }
    ServerConfig config;
    DecisionChain chain;
    boolean serving = !(cmd.dumpConfig || cmd.exitParseConfig || cmd.fwList || cmd.fwListAll || cmd.fwFlush);
    try {
      config = loader.load(sources);
      if (cmd.dumpConfig) {
        out.print(ConfigDump.render(config));
        out.flush();
        return 0;
      }
      if (serving && cmd.test) {
        startReplayLoad(config.globals()); // read-only in test mode: overlaps the rest of start-up
      }
    } catch (ConfigException e) {
      err.println("spad: " + e);
      return 1;
    }
    plugins = Plugins.load(pluginsDir(), Set.of("com.sun.jna"));
    if (!plugins.problems().isEmpty()) {
      plugins.problems().forEach(p -> err.println("spad: plugin " + p));
      return 1;
    }
    try {
      chain = compile(config);
    } catch (ConfigException e) {
      err.println("spad: " + e);
      return 1;
    }
    if (cmd.exitParseConfig) {
      out.println("spad: configuration is valid (" + config.stanzas().size() + " access stanzas)");
      return 0;
    }
    if (cmd.fwList || cmd.fwListAll || cmd.fwFlush) {
      return firewallTool(firewallSettings(config.globals(), chain.policy()));
    }
    try {
      return serve(config, chain, format);
    } catch (StartupException e) {
      err.println("spad: " + e.getMessage());
      return 1;
    }
  }

  /** The replay cache, usable at once: until its records are in, its queries wait (see ReplayCache). */
  private ReplayCache replayCache;
  /** Completes with the file records are appended to (null when none is written) once the records are in. */
  private CompletableFuture<DigestStore> replayLoad;

  /** Starts reading the replay cache on its own thread. */
  private void startReplayLoad(Settings g) {
    ReplayCache cache = ReplayStore.newCache(g);
    cache.beginLoad();
    replayCache = cache;
    CompletableFuture<DigestStore> done = new CompletableFuture<>();
    replayLoad = done;
    Thread t = new Thread(() -> {
      long window;
      try {
        window = replayWindow(PolicyCompiler.server(g));
      } catch (ConfigException e) {
        window = 0; // reported by the policy compiler
      }
      long nowSec = System.currentTimeMillis() / 1000;
      try {
        DigestStore r = ReplayStore.open(g, cache, cmd.test, window > 0 ? nowSec - window : Long.MIN_VALUE,
            cmd.rotateDigestCache, this::info);
        cache.endLoad(null);
        done.complete(r);
      } catch (IOException | RuntimeException | Error e) {
        cache.endLoad(e);
        done.completeExceptionally(e);
      }
    }, "spad-replay-load");
    t.setDaemon(true);
    t.start();
  }

  /** The replay file to append to (or null), once read; a start-up failure when it could not be. */
  private DigestStore awaitReplay(Settings g) throws StartupException {
    try {
      return replayLoad.get();
    } catch (java.util.concurrent.ExecutionException e) {
      throw new StartupException("replay cache " + g.get("DIGEST_FILE").orElse("") + ": " + e.getCause().getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StartupException("interrupted while loading the replay cache");
    }
  }

  /**
   * Seconds a replay record must be kept: a packet older than the age window (either side, plus a minute of
   * skew) is refused on its timestamp anyway; 0 (keep all) when aging is off.
   */
  private static long replayWindow(spa.server.policy.ServerPolicy sp) {
    return sp.agingEnabled() ? 2L * sp.maxAgeSeconds() + 60 : 0;
  }

  /** A start-up failure with its one-line message. */
  private static final class StartupException extends Exception {
    private static final long serialVersionUID = 1L;

    StartupException(String message) {
      super(message, null, false, false);
    }
  }

  private DecisionChain compile(ServerConfig config) throws ConfigException {
    List<String> errors = new ArrayList<>();
    List<Decryptor> decryptors = plugins.providers(Decryptor.class, Decryptor::name, errors).stream()
        .map(Plugins.Found::provider).toList();
    errors.forEach(e -> warn("plugin " + e));
    Policy policy = new PolicyCompiler(decryptors, ZoneId::systemDefault).compile(config);
    List<Authorizer> extras = new ArrayList<>();
    Settings g = config.globals();
    if (g.has("AUTHORIZERS")) {
      List<Plugins.Found<Authorizer>> found = plugins.providers(Authorizer.class, Authorizer::name, errors);
      for (String name : g.get("AUTHORIZERS").orElseThrow().split(",")) {
        String n = name.strip();
        if (n.isEmpty()) {
          continue;
        }
        extras.add(found.stream().filter(f -> f.info().name().equals(n)).findFirst()
            .orElseThrow(() -> g.invalid("AUTHORIZERS", "no authorizer plugin named '" + n + "' is installed"))
            .provider());
      }
    }
    return new DecisionChain(policy, new DefaultAuthorizer(policy, NatResolver.system()), extras);
  }

  private int serve(ServerConfig config, DecisionChain chain, EventFormat format) throws StartupException {
    Settings g = config.globals();
    boolean test = cmd.test;
    boolean offline = g.get("PCAP_FILE").filter(s -> !s.isBlank()).isPresent();
    Plugins.Found<CaptureSource> capture = selectCapture(g);
    Plugins.Found<FirewallBackend> firewall = test ? null : selectFirewall(g, false);
    Policy policy = chain.policy();
    long window = replayWindow(policy.server());
    info("configuration: " + config.files() + ", " + policy.stanzas().size() + " access stanzas; capture "
        + capture.info().name() + "; firewall " + (firewall == null ? "none" : firewall.info().name())
        + (test ? "; test mode" : ""));

    List<AutoCloseable> open = new ArrayList<>();
    CountDownLatch cleanedUp = new CountDownLatch(1);
    EventOutput events = new EventOutput(cmd.events(), format);
    try {
      if (!offline) {
        // first: a second spad must stop here, before it opens (and may rewrite) the running one's replay file
        Path pid = pidPath(g);
        try {
          open.add(0, PidFile.acquire(pid));
          open.add(0, ControlSocket.listen(socketPath(pid), this::controlRequest));
        } catch (IOException e) {
          throw new StartupException(pid + ": " + e.getMessage());
        }
      }
      if (replayLoad == null) {
        startReplayLoad(g);
      }
      // Every record is in before capture starts: what a load costs is then paid before the packet path warms
      // up, not while it does. Serving also needs the file new records go to before anything acts.
      DigestStore store = awaitReplay(g);
      if (store != null) {
        open.add(0, store);
      }
      GrantManager grants = null;
      if (firewall != null) {
        grants = startFirewall(firewall, firewallSettings(g, policy), events);
        open.add(0, grants);
        if (!firewall.provider().kernelExpiry() && g.flag("FLUSH_IPT_AT_EXIT", true)) {
          GrantManager atExit = grants;
          open.add(0, () -> atExit.flush());
        }
      }
      Actuator actuator = test ? Actuator.none()
          : new SerialActuator(grants, firewall == null ? "none" : firewall.info().name(), new ExecRunner(),
              store, events, System::currentTimeMillis, 10_000);
      open.add(0, actuator);
      Engine.Options options = new Engine.Options(test, offline, workers(g), intSetting(g, "SPA_QUEUE_SIZE", 65536),
          cmd.packetLimit, doubleSetting(g, "SPA_RATE_LIMIT", 0), doubleSetting(g, "SPA_DECRYPT_LIMIT", 0),
          g.flag("LOG_EACH_DENY", false));
      Prefilter prefilter = new Prefilter(g.flag("ENABLE_SPA_OVER_HTTP", false), g.flag("ALLOW_ANY_USER_AGENT", false),
          g.flag("ENABLE_X_FORWARDED_FOR", false));
      Engine e = new Engine(options, chain, replayCache, store, actuator, events, prefilter, System::currentTimeMillis);
      engine = e;
      open.add(0, new Maintenance(replayCache, store, window, System::currentTimeMillis, this::warn));
      e.start();
      // signals are handled from before the first packet on: "ready" means a SIGHUP reloads, not kills
      cmd.hooks().install(e::stop, () -> reload(), cleanedUp);
      CaptureSource.Capture running;
      try {
        running = Plugins.withContextLoader(capture.loader(), () -> capture.provider().start(g, e.sink()));
      } catch (ConfigException ex) {
        throw new StartupException(ex.toString());
      } catch (Exception ex) {
        throw new StartupException("capture " + capture.info().name() + ": " + ex.getMessage());
      }
      info("ready: capturing with " + capture.info().name());
      cmd.hooks().ready();
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
      if (verbose > 0 || stats.queueDropped() > 0) {
        err.println("spad: " + stats.summary() + (running.dropped() > 0 ? " capture-dropped=" + running.dropped() : ""));
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
      cleanedUp.countDown();
    }
  }

  /**
   * Prepares the firewall and reconciles its openings with the grant journal: expired ones are removed,
   * valid ones kept (or restored), untracked ones adopted until their expiry.
   */
  private GrantManager startFirewall(Plugins.Found<FirewallBackend> firewall, Settings fs, EventOutput events)
      throws StartupException {
    FirewallBackend fw = firewall.provider();
    String name = firewall.info().name();
    GrantManager grants = new GrantManager(fw, new GrantJournal(journalPath(fs)), java.time.Clock.systemUTC(),
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

  /**
   * The daemon's settings as a firewall backend sees them: with OPEN_PORTS, the union of the stanzas'
   * OPEN_PORTS, which nftables protects by default; absent when a stanza allows any port.
   */
  static Settings firewallSettings(Settings g, Policy policy) {
    java.util.Set<ProtoPort> ports = new java.util.TreeSet<>(
        java.util.Comparator.comparing(ProtoPort::proto).thenComparingInt(ProtoPort::port));
    for (spa.server.policy.Stanza s : policy.stanzas()) {
      if (s.openPorts() == null) {
        return g;
      }
      ports.addAll(s.openPorts());
    }
    if (ports.isEmpty()) {
      return g;
    }
    return g.with(Settings.of(java.util.Map.of("OPEN_PORTS",
        String.join(",", ports.stream().map(ProtoPort::toString).toList())), "access stanzas (OPEN_PORTS)"));
  }

  static Path journalPath(Settings g) {
    return g.get("GRANT_JOURNAL").map(Path::of)
        .orElse(Path.of(g.get("FWKNOP_RUN_DIR").orElse(Variables.DEFAULT_RUN_DIR), "grants.journal"));
  }

  /** Re-reads the configuration; keeps the running policy when the new one is bad. */
  synchronized String reload() {
    Engine e = engine;
    if (e == null) {
      return "error: not running";
    }
    try {
      ServerConfig c = loader.load(sources);
      DecisionChain chain = compile(c);
      e.policy(chain);
      String msg = "reloaded configuration: " + chain.policy().stanzas().size() + " access stanzas";
      info(msg);
      return "ok: " + msg;
    } catch (ConfigException ex) {
      warn("reload refused, keeping the running configuration: " + ex);
      return "error: " + ex;
    }
  }

  private String controlRequest(String request) {
    Engine e = engine;
    return switch (request) {
      case "reload" -> reload();
      case "status" -> e == null ? "error: starting" : "ok: pid " + ProcessHandle.current().pid() + " " + e.stats().summary();
      default -> "error: unknown request '" + request + "' (reload, status)";
    };
  }

  private Plugins.Found<CaptureSource> selectCapture(Settings g) throws StartupException {
    String name = g.get("CAPTURE").orElse(null);
    if (name == null) {
      if (g.get("PCAP_FILE").filter(s -> !s.isBlank()).isPresent()) {
        name = "pcap";
      } else if (g.flag("ENABLE_UDP_SERVER", false)) {
        name = "udp";
      } else if (g.has("PCAP_INTF") && !"default".equals(g.origin("PCAP_INTF"))) {
        name = "pcap";
      } else {
        name = "udp";
      }
    }
    List<String> errors = new ArrayList<>();
    List<Plugins.Found<CaptureSource>> found = plugins.providers(CaptureSource.class, CaptureSource::name, errors);
    errors.forEach(e -> warn("plugin " + e));
    String wanted = name;
    return found.stream().filter(f -> f.info().name().equals(wanted)).findFirst()
        .orElseThrow(() -> new StartupException("no capture plugin named '" + wanted + "' is installed (found: "
            + found.stream().map(f -> f.info().name()).toList() + ")"));
  }

  /** The configured firewall; with none named, nftables, iptables, or the only one; null for none. */
  private Plugins.Found<FirewallBackend> selectFirewall(Settings g, boolean required) throws StartupException {
    String name = g.get("FIREWALL").orElse(null);
    if ("none".equals(name)) {
      return null;
    }
    List<String> errors = new ArrayList<>();
    List<Plugins.Found<FirewallBackend>> found = plugins.providers(FirewallBackend.class, FirewallBackend::name, errors);
    errors.forEach(e -> warn("plugin " + e));
    if (name != null) {
      String wanted = name;
      return found.stream().filter(f -> f.info().name().equals(wanted)).findFirst()
          .orElseThrow(() -> new StartupException("no firewall plugin named '" + wanted + "' is installed (found: "
              + found.stream().map(f -> f.info().name()).toList() + ")"));
    }
    for (String preferred : List.of("nftables", "iptables")) {
      Optional<Plugins.Found<FirewallBackend>> f =
          found.stream().filter(x -> x.info().name().equals(preferred)).findFirst();
      if (f.isPresent()) {
        return f.get();
      }
    }
    if (found.size() == 1) {
      return found.get(0);
    }
    if (found.isEmpty()) {
      if (required) {
        throw new StartupException("no firewall plugin is installed");
      }
      warn("no firewall plugin is installed: decisions are logged, nothing is opened");
      return null;
    }
    throw new StartupException("several firewall plugins are installed " + found.stream().map(f -> f.info().name())
        .toList() + ": choose one with --firewall NAME or FIREWALL");
  }

  private int firewallTool(Settings g) {
    try {
      Plugins.Found<FirewallBackend> f = selectFirewall(g, true);
      if (f == null) {
        err.println("spad: no firewall selected (--firewall none)");
        return 1;
      }
      FirewallBackend fw = f.provider();
      return Plugins.withContextLoader(f.loader(), () -> {
        fw.configure(g);
        if (cmd.fwFlush) {
          try (GrantManager grants = new GrantManager(fw, new GrantJournal(journalPath(g)), java.time.Clock.systemUTC(),
              new GrantEvents(new EventOutput(out, EventFormat.TEXT).newLog(false), fw.name(), System::currentTimeMillis))) {
            grants.flush();
          }
          out.println("spad: removed every opening " + fw.name() + " held for spa");
        }
        if (cmd.fwList || cmd.fwListAll) {
          long now = System.currentTimeMillis();
          List<Grant> grants = fw.list();
          for (Grant gr : grants) {
            out.println(gr.source().getHostAddress() + " " + gr.access() + (gr.nat() == null ? "" : " nat " + gr.nat())
                + " expires in " + Math.max(0, (gr.expires().toEpochMilli() - now) / 1000) + "s (" + gr.stanza() + ")");
          }
          if (grants.isEmpty()) {
            out.println("spad: no openings");
          }
        }
        return 0;
      });
    } catch (StartupException e) {
      err.println("spad: " + e.getMessage());
      return 1;
    } catch (ConfigException e) {
      err.println("spad: " + e);
      return 1;
    } catch (FirewallException e) {
      err.println("spad: firewall: " + e.getMessage());
      return 1;
    } catch (Exception e) {
      err.println("spad: firewall: " + e);
      return 1;
    }
  }

  private int listPlugins() {
    List<String> errors = new ArrayList<>();
    List<PluginInfo> all = new ArrayList<>();
    all.addAll(plugins.providers(CaptureSource.class, CaptureSource::name, errors).stream().map(Plugins.Found::info).toList());
    all.addAll(plugins.providers(Decryptor.class, Decryptor::name, errors).stream().map(Plugins.Found::info).toList());
    all.addAll(plugins.providers(Authorizer.class, Authorizer::name, errors).stream().map(Plugins.Found::info).toList());
    all.addAll(plugins.providers(FirewallBackend.class, FirewallBackend::name, errors).stream().map(Plugins.Found::info).toList());
    out.println(String.format("%-12s %-16s %-24s %s", "NAME", "TYPE", "MODULE", "LAYER"));
    for (PluginInfo p : all) {
      out.println(String.format("%-12s %-16s %-24s %s", p.name(), p.type(), p.module(), layerText(p.layer())));
    }
    for (String p : plugins.problems()) {
      out.println("problem: " + p);
    }
    for (String e : errors) {
      out.println("problem: " + e);
    }
    out.flush();
    return plugins.problems().isEmpty() && errors.isEmpty() ? 0 : 1;
  }

  private String layerText(String layer) {
    for (Plugins.Layer l : plugins.layers()) {
      if (l.name().equals(layer) && l.dir() != null) {
        return layer + " (" + l.dir() + ")";
      }
    }
    return layer;
  }

  private int control() {
    Settings g;
    try {
      g = loader.globals(sources);
    } catch (ConfigException e) {
      g = Settings.of(java.util.Map.of("FWKNOP_RUN_DIR", Variables.DEFAULT_RUN_DIR), "default").with(sources.commandLine());
    }
    Path pid = pidPath(g);
    OptionalLong p = PidFile.read(pid);
    Optional<ProcessHandle> proc = p.isPresent() ? ProcessHandle.of(p.getAsLong()).filter(ProcessHandle::isAlive)
        : Optional.empty();
    if (cmd.status) {
      if (proc.isEmpty()) {
        out.println("spad is not running (" + pid + ")");
        return 1;
      }
      out.println("spad is running (pid " + p.getAsLong() + ")");
      try {
        out.println(ControlSocket.request(socketPath(pid), "status"));
      } catch (IOException e) {
        // running but not answering: the pid line says enough
      }
      return 0;
    }
    if (cmd.restart) {
      try {
        String reply = ControlSocket.request(socketPath(pid), "reload");
        out.println("spad: " + reply);
        return reply.startsWith("ok") ? 0 : 1;
      } catch (IOException e) {
        err.println("spad: no running spad answers at " + socketPath(pid) + ": " + e.getMessage());
        return 1;
      }
    }
    if (proc.isEmpty()) {
      err.println("spad: not running (" + pid + ")");
      return 1;
    }
    proc.get().destroy();
    try {
      proc.get().onExit().get(15, TimeUnit.SECONDS);
      out.println("spad: stopped pid " + p.getAsLong());
      return 0;
    } catch (Exception e) {
      err.println("spad: pid " + p.getAsLong() + " did not stop within 15 s");
      return 1;
    }
  }

  static Path pidPath(Settings g) {
    return g.get("FWKNOP_PID_FILE").map(Path::of)
        .orElse(Path.of(g.get("FWKNOP_RUN_DIR").orElse(Variables.DEFAULT_RUN_DIR), "spad.pid"));
  }

  static Path socketPath(Path pid) {
    return pid.resolveSibling("spad.sock");
  }

  private static int workers(Settings g) {
    int n = intSetting(g, "SPA_WORKERS", 0);
    return n > 0 ? n : Math.max(1, Runtime.getRuntime().availableProcessors());
  }

  private static int intSetting(Settings g, String key, int dflt) {
    return g.get(key).map(String::strip).filter(s -> !s.isEmpty() && s.length() < 10 && s.chars().allMatch(Character::isDigit))
        .map(Integer::parseInt).orElse(dflt);
  }

  private static double doubleSetting(Settings g, String key, double dflt) {
    try {
      return g.get(key).map(String::strip).map(Double::parseDouble).orElse(dflt);
    } catch (NumberFormatException e) {
      return dflt;
    }
  }

  private static Path home() {
    String h = System.getProperty("spa.home");
    return h == null || h.isBlank() ? null : Path.of(h);
  }

  private Path pluginsDir() {
    if (cmd.pluginsDir != null) {
      return cmd.pluginsDir;
    }
    Path h = home();
    return h == null ? null : h.resolve("plugins");
  }

  private void info(String msg) {
    if (verbose > 0) {
      err.println("spad: " + msg);
    }
  }

  private void warn(String msg) {
    err.println("spad: warning: " + msg);
  }
}
