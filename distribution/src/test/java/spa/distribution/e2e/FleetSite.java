package spa.distribution.e2e;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import spa.cmd.exec.Command;
import spa.cmd.exec.CommandResult;
import spa.cmd.exec.ExecRunner;

/**
 * Two gateways of one fleet on one link, as behind a shared address: namespaces A (198.18.2.1) and B
 * (198.18.2.3), each with its own firewall and a listener on tcp/22, and a client namespace (198.18.2.2) whose
 * bridge joins them; the client namespace also runs the fleet's redis-server. A knock from the client reaches
 * either gateway from the same address.
 */
final class FleetSite implements AutoCloseable {
  static final String A = "198.18.2.1";
  static final String CLIENT = "198.18.2.2";
  static final String B = "198.18.2.3";
  private final ExecRunner host = new ExecRunner();
  private final String id = HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt()).substring(2);
  final String a = "spafl-" + id + "-a";
  final String b = "spafl-" + id + "-b";
  final String client = "spafl-" + id + "-c";
  private final List<Process> services = new ArrayList<>();

  FleetSite() {
    try {
      for (String ns : List.of(a, b, client)) {
        run(List.of(), "ip", "netns", "add", ns);
        in(ns, "ip", "link", "set", "lo", "up");
      }
      in(client, "ip", "link", "add", "br0", "type", "bridge");
      in(client, "ip", "addr", "add", CLIENT + "/24", "dev", "br0");
      in(client, "ip", "link", "set", "br0", "up");
      gateway(a, "va", A);
      gateway(b, "vb", B);
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  private void gateway(String ns, String port, String address) {
    in(client, "ip", "link", "add", port, "type", "veth", "peer", "name", "eth0", "netns", ns);
    in(client, "ip", "link", "set", port, "master", "br0", "up");
    in(ns, "ip", "addr", "add", address + "/24", "dev", "eth0");
    in(ns, "ip", "link", "set", "eth0", "up");
  }

  /** The argv prefix that runs a command in {@code ns}. */
  static List<String> prefix(String ns) {
    return List.of("ip", "netns", "exec", ns);
  }

  CommandResult runIn(String ns, Command c) {
    return host.prefixed(prefix(ns)).run(c);
  }

  String in(String ns, String... argv) {
    return run(prefix(ns), argv);
  }

  private String run(List<String> prefix, String... argv) {
    CommandResult r = host.prefixed(prefix).run(Command.of(argv));
    if (!r.ok()) {
      throw new IllegalStateException(String.join(" ", argv) + ": " + r.failure());
    }
    return r.stdout();
  }

  /** Starts {@code argv} in {@code ns} for the life of the site. */
  Process start(String ns, String... argv) throws java.io.IOException {
    List<String> all = new ArrayList<>(prefix(ns));
    all.addAll(List.of(argv));
    Process p = new ProcessBuilder(all).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    services.add(p);
    return p;
  }

  /** True when a TCP connection from the client to {@code to}:22 is accepted within a second. */
  boolean reaches(String to) {
    return runIn(client, Command.of("nc", "-z", "-n", "-w", "1", to, "22").withTimeout(java.time.Duration.ofSeconds(5)))
        .ok();
  }

  /** Sends {@code payload} as one UDP datagram from the client to {@code to}:{@code port}. */
  void send(String payload, String to, int port) {
    in(client, "bash", "-c", "printf %s \"$1\" >\"/dev/udp/$2/$3\"", "send", payload, to, String.valueOf(port));
  }

  @Override
  public void close() {
    for (Process p : services) {
      p.destroyForcibly();
      try {
        p.waitFor(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    for (String ns : List.of(a, b, client)) {
      host.run(Command.of("ip", "netns", "del", ns));
    }
  }
}
