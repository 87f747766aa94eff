package spa.fw.testkit;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import spa.cmd.exec.Command;
import spa.cmd.exec.CommandResult;
import spa.cmd.exec.CommandRunner;
import spa.cmd.exec.ExecRunner;

/**
 * Three network namespaces wired like a small site, for firewall tests that send real traffic:
 *
 * <pre>
 *   client ns  s0: 198.18.0.2, 198.18.0.3, fd00::2, fd00::3
 *      |  veth
 *   server ns  c0: 198.18.0.1, fd00::1      i0: 198.18.1.1, fd00:1::1   (forwarding on)
 *      |  veth
 *   inner ns   s0: 198.18.1.2, fd00:1::2   (routes back to the client networks through the server)
 * </pre>
 *
 * The client routes 198.18.1.0/24 and fd00:1::/64 through the server. {@link #listen} starts real TCP
 * listeners that answer with a banner and the peer address they saw; {@link #connect} tries a TCP connection with netcat from a chosen
 * client address. Namespace names start with the caller's prefix plus a random part; {@link #close} stops
 * the listeners and deletes the namespaces. Needs root, iproute2 and netcat-openbsd.
 */
public final class NetnsTopology implements AutoCloseable {
  public static final String SERVER4 = "198.18.0.1";
  public static final String CLIENT_A4 = "198.18.0.2";
  public static final String CLIENT_B4 = "198.18.0.3";
  public static final String SERVER_INNER4 = "198.18.1.1";
  public static final String INNER4 = "198.18.1.2";
  public static final String SERVER6 = "fd00::1";
  public static final String CLIENT_A6 = "fd00::2";
  public static final String CLIENT_B6 = "fd00::3";
  public static final String SERVER_INNER6 = "fd00:1::1";
  public static final String INNER6 = "fd00:1::2";

  private static final String MAC_SERVER_C = "02:5a:00:00:00:01";
  private static final String MAC_CLIENT = "02:5a:00:00:00:02";
  private static final String MAC_SERVER_I = "02:5a:00:00:01:01";
  private static final String MAC_INNER = "02:5a:00:00:01:02";

  private final CommandRunner host;
  private final String server;
  private final String client;
  private final String inner;
  private final List<Process> listeners = new ArrayList<>();
  private final Thread cleanup;
  private boolean closed;

  private NetnsTopology(CommandRunner host, String prefix) {
    this.host = host;
    String id = HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt()).substring(2);
    this.server = prefix + "-" + id + "-s";
    this.client = prefix + "-" + id + "-c";
    this.inner = prefix + "-" + id + "-i";
    this.cleanup = new Thread(this::deleteAll);
  }

  /** Creates and wires the namespaces; {@code prefix} is a short module tag such as {@code spanft}. */
  public static NetnsTopology create(String prefix) {
    NetnsTopology t = new NetnsTopology(new ExecRunner(), prefix);
    Runtime.getRuntime().addShutdownHook(t.cleanup);
    try {
      t.build();
    } catch (RuntimeException e) {
      t.close();
      throw e;
    }
    return t;
  }

  private void build() {
    for (String ns : List.of(server, client, inner)) {
      host("ip", "netns", "add", ns);
      in(ns, "ip", "link", "set", "lo", "up");
      // no duplicate address detection: addresses (link-local ones too) are usable at once
      in(ns, "sysctl", "-q", "-w", "net.ipv6.conf.default.accept_dad=0", "net.ipv6.conf.all.accept_dad=0");
    }
    in(server, "ip", "link", "add", "c0", "address", MAC_SERVER_C, "type", "veth",
        "peer", "name", "s0", "address", MAC_CLIENT, "netns", client);
    in(server, "ip", "link", "add", "i0", "address", MAC_SERVER_I, "type", "veth",
        "peer", "name", "s0", "address", MAC_INNER, "netns", inner);
    in(server, "sysctl", "-q", "-w", "net.ipv4.ip_forward=1");
    in(server, "sysctl", "-q", "-w", "net.ipv6.conf.all.forwarding=1");
    addresses(server, "c0", SERVER4 + "/24", SERVER6 + "/64");
    addresses(server, "i0", SERVER_INNER4 + "/24", SERVER_INNER6 + "/64");
    addresses(client, "s0", CLIENT_A4 + "/24", CLIENT_B4 + "/24", CLIENT_A6 + "/64", CLIENT_B6 + "/64");
    addresses(inner, "s0", INNER4 + "/24", INNER6 + "/64");
    // Fixed neighbours: no ARP or neighbour discovery, whose first forwarded IPv6 packets were sometimes lost.
    neighbours(server, "c0", MAC_CLIENT, CLIENT_A4, CLIENT_B4, CLIENT_A6, CLIENT_B6);
    neighbours(server, "i0", MAC_INNER, INNER4, INNER6);
    neighbours(client, "s0", MAC_SERVER_C, SERVER4, SERVER6);
    neighbours(inner, "s0", MAC_SERVER_I, SERVER_INNER4, SERVER_INNER6);
    in(client, "ip", "route", "add", "198.18.1.0/24", "via", SERVER4);
    in(client, "ip", "-6", "route", "add", "fd00:1::/64", "via", SERVER6);
    in(inner, "ip", "route", "add", "198.18.0.0/24", "via", SERVER_INNER4);
    in(inner, "ip", "-6", "route", "add", "fd00::/64", "via", SERVER_INNER6);
  }

  private void neighbours(String ns, String dev, String mac, String... addresses) {
    for (String a : addresses) {
      in(ns, "ip", "neigh", "replace", a, "lladdr", mac, "dev", dev, "nud", "permanent");
    }
  }

  private void addresses(String ns, String dev, String... cidrs) {
    for (String cidr : cidrs) {
      if (cidr.contains(":")) {
        in(ns, "ip", "-6", "addr", "add", cidr, "dev", dev, "nodad");
      } else {
        in(ns, "ip", "addr", "add", cidr, "dev", dev);
      }
    }
    in(ns, "ip", "link", "set", dev, "up");
  }

  public String server() {
    return server;
  }

  public String client() {
    return client;
  }

  public String inner() {
    return inner;
  }

  /** A runner whose commands run inside namespace {@code ns}. */
  public CommandRunner runnerIn(String ns) {
    return host.prefixed(List.of("ip", "netns", "exec", ns));
  }

  /** Runs {@code argv} inside {@code ns} and fails the test if it does not exit 0; returns its output. */
  public String in(String ns, String... argv) {
    CommandResult r = runnerIn(ns).run(Command.of(argv));
    if (!r.ok()) {
      throw new IllegalStateException("in " + ns + ": " + r.failure());
    }
    return r.stdout();
  }

  private void host(String... argv) {
    CommandResult r = host.run(Command.of(argv));
    if (!r.ok()) {
      throw new IllegalStateException(r.failure());
    }
  }

  /**
   * Starts a listener process in {@code ns} answering each {@code port=banner} spec (every address, v4 and
   * v6) and waits until it is bound. It stops at {@link #close}, or when this JVM exits.
   */
  public void listen(String ns, String... portBanners) {
    List<String> argv = new ArrayList<>(List.of("ip", "netns", "exec", ns,
        ProcessHandle.current().info().command().orElse("java"), "-Xshare:auto", "-XX:TieredStopAtLevel=1",
        "-Xmx32m", "-cp", classPath(), BannerServer.class.getName()));
    argv.addAll(List.of(portBanners));
    try {
      // A long-running child with its stdin held open: it exits when the pipe closes, even if this JVM dies.
      Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
      listeners.add(p);
      BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
      String line = out.readLine();
      if (!"ready".equals(line)) {
        throw new IllegalStateException("listener in " + ns + " did not start: " + line);
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot start listener in " + ns, e);
    }
  }

  private static String classPath() {
    try {
      return Path.of(BannerServer.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    } catch (java.net.URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Tries a TCP connection from the client namespace, from address {@code from} to {@code to}:{@code port}. */
  public Probe connect(String from, String to, int port) {
    return connect(client, from, to, port);
  }

  /** Tries a TCP connection from namespace {@code ns}; waits at most one second for an answer. */
  public Probe connect(String ns, String from, String to, int port) {
    return Probe.netcat(argv -> runnerIn(ns).run(Command.of(argv).withTimeout(Duration.ofSeconds(5))),
        "nc", "-v", "-n", "-w", "1", "-s", from, to, String.valueOf(port));
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      deleteAll();
      try {
        Runtime.getRuntime().removeShutdownHook(cleanup);
      } catch (IllegalStateException e) {
        // already shutting down
      }
    }
  }

  private void deleteAll() {
    for (Process p : listeners) {
      try {
        p.getOutputStream().close();
        if (!p.waitFor(3, java.util.concurrent.TimeUnit.SECONDS)) {
          p.destroyForcibly().waitFor();
        }
      } catch (IOException e) {
        p.destroyForcibly();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    listeners.clear();
    for (String ns : List.of(server, client, inner)) {
      host.run(Command.of("ip", "netns", "del", ns));
    }
  }
}
