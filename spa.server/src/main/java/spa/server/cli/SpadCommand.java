package spa.server.cli;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import spa.core.Settings;

/**
 * {@code spad}: fwknopd's command line with fwknopd's meaning, plus plugin selection, plugin listing and
 * JSON events.
 */
@Command(name = "spad", sortOptions = false, usageHelpAutoWidth = true, versionProvider = SpadCommand.Version.class,
    description = "Single Packet Authorization daemon, wire-compatible with fwknop 2.6 (fwknopd).")
public final class SpadCommand implements Callable<Integer> {

  @Option(names = {"-c", "--config-file"}, paramLabel = "FILE", description = "fwknopd.conf or HOCON spad.conf")
  Path configFile;

  @Option(names = {"-O", "--override-config"}, paramLabel = "FILE[,FILE]", split = ",",
      description = "further configuration files whose variables win")
  List<Path> overrideFiles = new ArrayList<>();

  @Option(names = {"-a", "--access-file"}, paramLabel = "FILE", description = "access.conf (fwknop syntax or HOCON)")
  Path accessFile;

  @Option(names = "--access-folder", paramLabel = "DIR", description = "read every *.conf in DIR as access.conf")
  Path accessFolder;

  @Option(names = {"-d", "--digest-file"}, paramLabel = "FILE", description = "replay cache file (fwknop digest.cache format)")
  Path digestFile;

  @Option(names = "--rotate-digest-cache", description = "rename the replay cache file to FILE-old at start")
  boolean rotateDigestCache;

  @Option(names = {"-p", "--pid-file"}, paramLabel = "FILE", description = "pid file")
  Path pidFile;

  @Option(names = {"-r", "--run-dir"}, paramLabel = "DIR", description = "directory of the pid file and control socket")
  Path runDir;

  @Option(names = {"-i", "--interface"}, paramLabel = "IF", description = "capture interface (pcap)")
  String pcapInterface;

  @Option(names = {"-P", "--pcap-filter"}, paramLabel = "FILTER", description = "BPF filter (pcap)")
  String pcapFilter;

  @Option(names = "--pcap-file", paramLabel = "FILE", description = "read packets from a pcap file (packet aging then defaults to off)")
  Path pcapFile;

  @Option(names = "--pcap-any-direction", description = "also capture outbound and forwarded packets (pcap)")
  boolean pcapAnyDirection;

  @Option(names = {"-U", "--udp-server"}, description = "receive SPA packets on a UDP socket instead of sniffing")
  boolean udpServer;

  @Option(names = "--capture", paramLabel = "NAME", description = "capture plugin to use (udp, pcap, ulogd, ...)")
  String capture;

  @Option(names = "--firewall", paramLabel = "NAME", description = "firewall plugin to use (nftables, iptables, ...)")
  String firewall;

  @Option(names = "--plugins", paramLabel = "DIR", description = "plugin directory (default: <spa.home>/plugins)")
  Path pluginsDir;

  @Option(names = "--list-plugins", description = "list the plugins found and where, then exit")
  boolean listPlugins;

  @Option(names = "--log-format", paramLabel = "FORMAT", defaultValue = "text",
      description = "events as 'text' (default) or 'json' (one object per line)")
  String logFormat;

  @Option(names = {"-t", "--test"}, description = "decide and log only: no firewall change, no command, no replay-cache write")
  boolean test;

  @Option(names = {"-C", "--packet-limit"}, paramLabel = "N", description = "exit after N packets")
  long packetLimit;

  @Option(names = {"-f", "--foreground"}, description = "run in the foreground (spad always does)")
  boolean foreground;

  @Option(names = {"-v", "--verbose"}, description = "more diagnostics on standard error (repeatable)")
  boolean[] verbose = new boolean[0];

  @Option(names = {"-D", "--dump-config"}, description = "print the effective configuration (secrets masked) and exit")
  boolean dumpConfig;

  @Option(names = "--exit-parse-config", description = "check the configuration and exit")
  boolean exitParseConfig;

  @Option(names = {"-K", "--kill"}, description = "stop the running spad")
  boolean kill;

  @Option(names = {"-R", "--restart"}, description = "make the running spad re-read its configuration")
  boolean restart;

  @Option(names = {"-S", "--status"}, description = "tell whether spad is running")
  boolean status;

  @Option(names = "--fw-list", description = "list the openings spad holds in the firewall")
  boolean fwList;

  @Option(names = "--fw-list-all", description = "same as --fw-list")
  boolean fwListAll;

  @Option(names = "--fw-flush", description = "remove every opening spad added, and nothing else")
  boolean fwFlush;

  @Option(names = {"-h", "--help"}, usageHelp = true, description = "show this help and exit")
  boolean help;

  @Option(names = {"-V", "--version"}, versionHelp = true, description = "print the version and exit")
  boolean version;

  private PrintStream err = System.err;
  private OutputStream events = System.out;
  private PrintStream out = System.out;
  private Daemon.Hooks hooks = Daemon.Hooks.NONE;

  /** Variables the options set, over every file. */
  Settings commandLine() {
    Settings.Builder b = Settings.builder("command line");
    if (accessFile != null) {
      b.put("ACCESS_FILE", accessFile.toString());
    }
    if (accessFolder != null) {
      b.put("ACCESS_FOLDER", accessFolder.toString());
    }
    if (digestFile != null) {
      b.put("DIGEST_FILE", digestFile.toString());
    }
    if (pidFile != null) {
      b.put("FWKNOP_PID_FILE", pidFile.toString());
    }
    if (runDir != null) {
      b.put("FWKNOP_RUN_DIR", runDir.toString());
    }
    if (pcapInterface != null) {
      b.put("PCAP_INTF", pcapInterface);
    }
    if (pcapFilter != null) {
      b.put("PCAP_FILTER", pcapFilter);
    }
    if (pcapFile != null) {
      b.put("PCAP_FILE", pcapFile.toString());
    }
    if (pcapAnyDirection) {
      b.put("ENABLE_PCAP_ANY_DIRECTION", "Y");
    }
    if (udpServer) {
      b.put("ENABLE_UDP_SERVER", "Y");
    }
    if (capture != null) {
      b.put("CAPTURE", capture);
    }
    if (firewall != null) {
      b.put("FIREWALL", firewall);
    }
    if (verbose.length > 0) {
      b.put("VERBOSE", Integer.toString(verbose.length));
    }
    return b.build();
  }

  PrintStream err() {
    return err;
  }

  PrintStream out() {
    return out;
  }

  OutputStream events() {
    return events;
  }

  Daemon.Hooks hooks() {
    return hooks;
  }

  @Override
  public Integer call() {
    return new Daemon(this).run();
  }

  /**
   * Runs spad with {@code args}; events go to {@code events}, messages to {@code out} and {@code err}.
   * Returns the exit status instead of exiting.
   */
  public static int run(String[] args, OutputStream events, PrintStream out, PrintStream err, Daemon.Hooks hooks) {
    SpadCommand cmd = new SpadCommand();
    cmd.events = events;
    cmd.out = out;
    cmd.err = err;
    cmd.hooks = hooks;
    CommandLine cl = new CommandLine(cmd);
    cl.setOut(new java.io.PrintWriter(out, true));
    cl.setErr(new java.io.PrintWriter(err, true));
    cl.setParameterExceptionHandler((e, a) -> {
      err.println("spad: " + e.getMessage());
      err.println("Try 'spad --help' for more information.");
      return 2;
    });
    cl.setExecutionExceptionHandler((e, c, p) -> {
      err.println("spad: " + e);
      return 1;
    });
    return cl.execute(args);
  }

  public static void main(String[] args) {
    Daemon.Hooks hooks = Daemon.Hooks.system();
    int code = run(args, new FileOutputStream(FileDescriptor.out), System.out, System.err, hooks);
    System.out.flush();
    if (!hooks.shuttingDown()) {
      System.exit(code);
    }
  }

  /** {@code -V}: the version this build was made from. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"spad " + version() + " (fwknop 2.6 wire protocol " + spa.core.SpaMessage.PROTOCOL_VERSION + ")"};
    }
  }

  static String version() {
    try (InputStream in = SpadCommand.class.getResourceAsStream("/spa/server/version.properties")) {
      Properties p = new Properties();
      if (in != null) {
        p.load(in);
      }
      return p.getProperty("version", "unknown");
    } catch (IOException e) {
      return "unknown";
    }
  }
}
