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
import spa.core.Settings;

/**
 * {@code spad}: fwknopd's command line with fwknopd's meaning, plus plugin selection, plugin listing and
 * JSON events.
 */
public final class SpadCommand {
  static final String DESCRIPTION = "Single Packet Authorization daemon, wire-compatible with fwknop 2.6 (fwknopd).";

  Path configFile;
  List<Path> overrideFiles = new ArrayList<>();
  Path accessFile;
  Path accessFolder;
  Path digestFile;
  boolean rotateDigestCache;
  Path pidFile;
  Path runDir;
  String pcapInterface;
  String pcapFilter;
  Path pcapFile;
  boolean pcapAnyDirection;
  boolean udpServer;
  String capture;
  String firewall;
  String pluginPath;
  boolean listPlugins;
  String logFormat = "text";
  boolean test;
  long packetLimit;
  boolean foreground;
  int verbose;
  boolean dumpConfig;
  boolean exitParseConfig;
  boolean kill;
  boolean restart;
  boolean status;
  boolean fwList;
  boolean fwListAll;
  boolean dumpServErrCodes;
  boolean fwFlush;
  Path sudoExe;
  boolean help;
  boolean version;

  /** fwknopd's options and spad's own, in the order {@code --help} lists them. */
  private static final Getopt<SpadCommand> OPTIONS = new Getopt<>(List.of(
      value('c', "config-file", "FILE", "fwknopd.conf or HOCON spad.conf", (c, v) -> c.configFile = path(v)),
      value('O', "override-config", "FILE[,FILE...]", "further configuration files whose variables win (repeatable)",
          (c, v) -> {
            for (String f : v.split(",")) {
              c.overrideFiles.add(path(f));
            }
          }),
      value('a', "access-file", "FILE", "access.conf (fwknop syntax or HOCON)", (c, v) -> c.accessFile = path(v)),
      value((char) 0, "access-folder", "DIR", "read every *.conf in DIR as access.conf",
          (c, v) -> c.accessFolder = path(v)),
      value('d', "digest-file", "FILE", "replay cache file (fwknop digest.cache format)",
          (c, v) -> c.digestFile = path(v)),
      flag((char) 0, "rotate-digest-cache", "rename the replay cache file to FILE-old at start",
          c -> c.rotateDigestCache = true),
      value('p', "pid-file", "FILE", "pid file", (c, v) -> c.pidFile = path(v)),
      value('r', "run-dir", "DIR", "directory of the pid file and control socket", (c, v) -> c.runDir = path(v)),
      value('i', "interface", "IF", "capture interface (pcap)", (c, v) -> c.pcapInterface = v),
      value('P', "pcap-filter", "FILTER", "BPF filter (pcap)", (c, v) -> c.pcapFilter = v),
      value((char) 0, "pcap-file", "FILE", "read packets from a pcap file (packet aging then defaults to off)",
          (c, v) -> c.pcapFile = path(v)),
      flag((char) 0, "pcap-any-direction", "also capture outbound and forwarded packets (pcap)",
          c -> c.pcapAnyDirection = true),
      flag('U', "udp-server", "receive SPA packets on a UDP socket instead of sniffing", c -> c.udpServer = true),
      value((char) 0, "capture", "NAME", "capture plugin to use (udp, pcap, ulogd, ...)", (c, v) -> c.capture = v),
      value((char) 0, "firewall", "NAME", "firewall plugin to use (nftables, iptables, ...)",
          (c, v) -> c.firewall = v),
      value((char) 0, "plugins", "DIR[:DIR...]",
          "more plugin directories, after the image's plugins/ and before SPA_PLUGIN_PATH's",
          (c, v) -> c.pluginPath = c.pluginPath == null ? v : c.pluginPath + ":" + v),
      flag((char) 0, "list-plugins", "list the plugins found and where, then exit", c -> c.listPlugins = true),
      value((char) 0, "log-format", "FORMAT", "events as 'text' (default) or 'json' (one object per line)",
          (c, v) -> c.logFormat = v),
      flag('t', "test", "decide and log only: no firewall change, no command, no replay-cache write",
          c -> c.test = true),
      value('C', "packet-limit", "N", "exit after N packets", (c, v) -> c.packetLimit = count(v)),
      flag('f', "foreground", "run in the foreground (spad always does)", c -> c.foreground = true),
      flag('v', "verbose", "more diagnostics on standard error (repeatable)", c -> c.verbose++),
      flag('D', "dump-config", "print the effective configuration (secrets masked) and exit",
          c -> c.dumpConfig = true),
      flag((char) 0, "exit-parse-config", "check the configuration and exit", c -> c.exitParseConfig = true),
      flag('K', "kill", "stop the running spad", c -> c.kill = true),
      flag('R', "restart", "make the running spad re-read its configuration", c -> c.restart = true),
      flag('S', "status", "tell whether spad is running", c -> c.status = true),
      flag((char) 0, "fw-list", "list the openings spad holds in the firewall", c -> c.fwList = true),
      flag((char) 0, "fw-list-all", "print the whole firewall policy (spa's part and the rest)", c -> c.fwListAll = true),
      flag((char) 0, "fw-flush", "remove every opening spad added, and nothing else", c -> c.fwFlush = true),
      value((char) 0, "sudo-exe", "FILE", "sudo for stanzas with ENABLE_CMD_SUDO_EXEC (SUDO_EXE)",
          (c, v) -> c.sudoExe = executable(v)),
      value('l', "locale", "LOCALE", "taken for fwknopd's command lines; spad's output is the same in every locale",
          (c, v) -> { }),
      refused("syslog-enable", "spad writes its lines to standard output and error, and to syslog too when the "
          + "configuration sets SYSLOG_IDENTITY or SYSLOG_FACILITY"),
      refused("fw-del-chains", "fwknopd 2.6.10 has no such option; --fw-flush removes spa's openings"),
      flag((char) 0, "dump-serv-err-codes", "list the refusal reasons with fwknopd's error codes and exit",
          c -> c.dumpServErrCodes = true),
      flag('h', "help", "show this help and exit", c -> c.help = true),
      flag('V', "version", "print the version and exit", c -> c.version = true)));

  static Getopt<SpadCommand> options() {
    return OPTIONS;
  }

  private static Getopt.Option<SpadCommand> value(char shortName, String longName, String label, String help,
      java.util.function.BiConsumer<SpadCommand, String> action) {
    return new Getopt.Option<>(shortName, longName, label, help, action);
  }

  private static Getopt.Option<SpadCommand> flag(char shortName, String longName, String help,
      java.util.function.Consumer<SpadCommand> action) {
    return new Getopt.Option<>(shortName, longName, null, help, (c, v) -> action.accept(c));
  }

  /** An option of fwknopd that spad refuses, saying why. */
  private static Getopt.Option<SpadCommand> refused(String longName, String why) {
    return new Getopt.Option<>((char) 0, longName, null, "not supported: " + why, (c, v) -> {
      throw new Getopt.Refused(why);
    });
  }

  /** --sudo-exe: checked at once, as fwknopd checks it. */
  private static Path executable(String v) {
    Path p = path(v);
    if (!java.nio.file.Files.isRegularFile(p) || !java.nio.file.Files.isExecutable(p)) {
      throw new Getopt.BadValue("'" + v + "' is not an executable file");
    }
    return p;
  }

  private static Path path(String v) {
    if (v.isEmpty()) {
      throw new Getopt.BadValue("empty path");
    }
    return Path.of(v); // InvalidPathException is an IllegalArgumentException: reported as a bad value
  }

  /** A packet count in fwknopd's range for -C, 0 (no limit) to 2147483647. */
  private static long count(String v) {
    try {
      long n = Long.parseLong(v);
      if (n >= 0 && n <= Integer.MAX_VALUE) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new Getopt.BadValue("'" + v + "' is not a number of packets (0.." + Integer.MAX_VALUE + ")");
  }

  private PrintStream err = System.err;
  private OutputStream events = System.out;
  private PrintStream out = System.out;
  private Hooks hooks = Hooks.NONE;

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
    if (sudoExe != null) {
      b.put("SUDO_EXE", sudoExe.toString());
    }
    if (verbose > 0) {
      b.put("VERBOSE", Integer.toString(verbose));
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

  Hooks hooks() {
    return hooks;
  }


  /**
   * Runs spad with {@code args}; events go to {@code events}, messages to {@code out} and {@code err}.
   * Returns the exit status instead of exiting.
   */
  public static int run(String[] args, OutputStream events, PrintStream out, PrintStream err, Hooks hooks) {
    SpadCommand cmd = new SpadCommand();
    cmd.events = events;
    cmd.out = out;
    cmd.err = err;
    cmd.hooks = hooks;
    try {
      OPTIONS.parse(args, cmd);
    } catch (Getopt.UsageException e) {
      err.println("spad: " + e.getMessage() + " (see spad --help)");
      return 2;
    }
    if (cmd.help) {
      out.print("Usage: spad [OPTION]...\n" + DESCRIPTION + "\n\n" + OPTIONS.help(80));
      out.flush();
      return 0;
    }
    if (cmd.dumpServErrCodes) {
      out.print(ErrorCodes.dump());
      out.flush();
      return 0;
    }
    if (cmd.version) {
      out.println("spad " + version() + " (fwknop 2.6 wire protocol " + spa.core.SpaMessage.PROTOCOL_VERSION + ")");
      out.flush();
      return 0;
    }
    try {
      return new Daemon(cmd).run();
    } catch (RuntimeException e) {
      err.println("spad: " + e);
      return 1;
    }
  }

  public static void main(String[] args) {
    Hooks hooks = Hooks.system();
    int code = run(args, new FileOutputStream(FileDescriptor.out), System.out, System.err, hooks);
    System.out.flush();
    if (!hooks.shuttingDown()) {
      System.exit(code);
    }
  }

  /** The version this build was made from. */
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
