package spa.distribution.e2e;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import spa.cmd.exec.Command;
import spa.cmd.exec.CommandResult;
import spa.fw.testkit.NetnsTopology;
import spa.fw.testkit.Probe;

/**
 * The test site: {@link NetnsTopology}'s client, server and inner namespaces, with {@link SessionServer}s on the
 * server (tcp/22 {@code ssh}, tcp/80 {@code web}) and on the inner host (tcp/22 {@code inner-ssh}). Client A's
 * addresses are the client namespace's preferred sources; client B (198.18.0.3, fd00::3) never knocks and is used
 * only as an explicit source.
 */
final class Site implements AutoCloseable {
  static final String SERVER4 = NetnsTopology.SERVER4;
  static final String SERVER6 = NetnsTopology.SERVER6;
  static final String A4 = NetnsTopology.CLIENT_A4;
  static final String B4 = NetnsTopology.CLIENT_B4;
  static final String A6 = NetnsTopology.CLIENT_A6;
  static final String B6 = NetnsTopology.CLIENT_B6;
  static final String INNER4 = NetnsTopology.INNER4;
  static final int SSH = 22;
  static final int WEB = 80;

  private final NetnsTopology net;
  private final List<Process> services = new ArrayList<>();

  private Site(NetnsTopology net) {
    this.net = net;
  }

  /** Creates the namespaces (names start with {@code spae2e-}) and starts the services. */
  static Site create() {
    Site site = new Site(NetnsTopology.create("spae2e"));
    try {
      // B's IPv6 address deprecated: packets the client sends without choosing a source leave from fd00::2 (A)
      site.client("ip", "-6", "addr", "change", B6 + "/64", "dev", "s0", "preferred_lft", "0", "nodad");
      site.serve(site.net.server(), SSH + "=ssh", WEB + "=web");
      site.serve(site.net.inner(), SSH + "=inner-ssh");
    } catch (RuntimeException e) {
      site.close();
      throw e;
    }
    return site;
  }

  String serverNs() {
    return net.server();
  }

  String clientNs() {
    return net.client();
  }

  /** Runs {@code argv} in the server namespace; fails unless it exits 0. */
  String server(String... argv) {
    return net.in(net.server(), argv);
  }

  /** Runs {@code argv} in the client namespace; fails unless it exits 0. */
  String client(String... argv) {
    return net.in(net.client(), argv);
  }

  /** Runs {@code command} in the server namespace, whatever its exit status. */
  CommandResult runInServer(Command command) {
    return net.runnerIn(net.server()).run(command);
  }

  /** Runs {@code command} in the client namespace, whatever its exit status. */
  CommandResult runInClient(Command command) {
    return net.runnerIn(net.client()).run(command);
  }

  /** The argv prefix that runs a program in the server namespace. */
  List<String> inServer() {
    return List.of("ip", "netns", "exec", net.server());
  }

  /**
   * A TCP connection from client address {@code from} to {@code to}:{@code port}: REACHED with the service's
   * banner and the peer it saw, REFUSED, FILTERED (no answer within a second), or SILENT (no banner).
   */
  Probe connect(String from, String to, int port) {
    return Probe.netcat(argv -> runInClient(Command.of(argv).withTimeout(Duration.ofSeconds(5))),
        "nc", "-N", "-v", "-n", "-w", "1", "-s", from, to, String.valueOf(port));
  }

  /** One TCP connection attempt: from a client address to a server address and port. */
  record Attempt(String from, String to, int port) {}

  static Attempt tcp(String from, String to, int port) {
    return new Attempt(from, to, port);
  }

  /** Several {@link #connect}s at once (a filtered one takes a second), results in the same order. */
  List<Probe> connectAll(Attempt... attempts) {
    List<CompletableFuture<Probe>> all = new ArrayList<>();
    for (Attempt a : attempts) {
      all.add(CompletableFuture.supplyAsync(() -> connect(a.from(), a.to(), a.port())));
    }
    return all.stream().map(CompletableFuture::join).toList();
  }

  /** Sends {@code payload} as one UDP datagram from the client namespace (from its preferred address). */
  void sendUdp(String payload, String to, int port) {
    client("bash", "-c", "printf %s \"$1\" >\"/dev/udp/$2/$3\"", "send", payload, to, String.valueOf(port));
  }

  /** Opens a TCP session from {@code from} and reads the service's greeting. */
  Session session(String from, String to, int port) throws IOException {
    return Session.open(List.of("ip", "netns", "exec", net.client(), "nc", "-n", "-s", from, to, String.valueOf(port)));
  }

  private void serve(String ns, String... portBanners) {
    List<String> argv = new ArrayList<>(List.of("ip", "netns", "exec", ns,
        ProcessHandle.current().info().command().orElse("java"), "-Xshare:auto", "-XX:TieredStopAtLevel=1",
        "-Xmx32m", "-cp", classPath(), SessionServer.class.getName()));
    argv.addAll(List.of(portBanners));
    try {
      Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
      services.add(p);
      String line = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8)).readLine();
      if (!"ready".equals(line)) {
        throw new IllegalStateException("service in " + ns + " did not start: " + line);
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot start a service in " + ns, e);
    }
  }

  private static String classPath() {
    try {
      return Path.of(SessionServer.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Stops the services and deletes the namespaces. */
  @Override
  public void close() {
    for (Process p : services) {
      try {
        p.getOutputStream().close();
        if (!p.waitFor(3, TimeUnit.SECONDS)) {
          p.destroyForcibly().waitFor(3, TimeUnit.SECONDS);
        }
      } catch (IOException e) {
        p.destroyForcibly();
      } catch (InterruptedException e) {
        p.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
    services.clear();
    net.close();
  }
}
