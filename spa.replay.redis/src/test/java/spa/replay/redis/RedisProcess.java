package spa.replay.redis;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import spa.test.support.Required;

/**
 * A redis-server of the test's own on a loopback port, in a directory of its own, nothing persisted; stopped,
 * frozen and restarted at will. Also as a Sentinel ({@link #sentinel}) or with TLS only ({@link #tls}).
 */
final class RedisProcess implements AutoCloseable {
  final int port;
  final Path dir;
  private final List<String> args;
  private final List<String> cliArgs;
  private final Path server;
  private Process process;

  RedisProcess(String... extra) throws IOException {
    this(null, List.of(), List.of(extra));
  }

  /** {@code conf} (the file's text, or null) first, then the port, directory and {@code extra}. */
  private RedisProcess(String conf, List<String> cliArgs, List<String> extra) throws IOException {
    this.server = Required.programs("redis-server", "redis-cli");
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      this.port = s.getLocalPort();
    }
    this.dir = Files.createTempDirectory("spa-redis-");
    List<String> a = new ArrayList<>();
    if (conf != null) {
      Path file = dir.resolve("redis.conf");
      Files.writeString(file, conf);
      a.add(file.toString());
    }
    boolean tls = extra.contains("--tls-port");
    a.addAll(List.of(tls ? "--tls-port" : "--port", String.valueOf(port), "--bind", "127.0.0.1", "--dir",
        dir.toString(), "--daemonize", "no"));
    if (tls) {
      a.addAll(List.of("--port", "0"));
    }
    for (int i = 0; i < extra.size(); i++) {
      if (tls && extra.get(i).equals("--tls-port")) {
        i++; // the port is this process's own
      } else {
        a.add(extra.get(i));
      }
    }
    this.args = List.copyOf(a);
    this.cliArgs = cliArgs;
    start();
  }

  /** A Sentinel watching the master {@code master} at {@code masterPort} on loopback, with quorum 1. */
  static RedisProcess sentinel(String master, int masterPort) throws IOException {
    return new RedisProcess("sentinel monitor " + master + " 127.0.0.1 " + masterPort + " 1\n"
        + "sentinel down-after-milliseconds " + master + " 1000\n", List.of(), List.of("--sentinel"));
  }

  /** A server that speaks TLS only, with {@code cert} and {@code key}, not asking clients for certificates. */
  static RedisProcess tls(Path cert, Path key, Path ca) throws IOException {
    return new RedisProcess(null, List.of("--tls", "--cacert", ca.toString()), List.of("--tls-port", "0",
        "--tls-cert-file", cert.toString(), "--tls-key-file", key.toString(), "--tls-ca-cert-file", ca.toString(),
        "--tls-auth-clients", "no", "--save", "", "--appendonly", "no"));
  }

  void start() throws IOException {
    List<String> cmd = new ArrayList<>(List.of(server.toString()));
    cmd.addAll(args);
    if (!args.contains("--sentinel") && !args.contains("--tls-cert-file")) {
      cmd.addAll(List.of("--save", "", "--appendonly", "no"));
    }
    process = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("log").toFile())
        .start();
    for (int i = 0; i < 200; i++) {
      if ("PONG".equals(cli("PING"))) {
        return;
      }
      try {
        Thread.sleep(25);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException(e);
      }
    }
    throw new IOException("redis-server on port " + port + " did not answer: " + Files.readString(dir.resolve("log")));
  }

  /** Runs one redis-cli command against this server as the default user; its output, stripped. */
  String cli(String... args) throws IOException {
    List<String> cmd = new ArrayList<>(List.of("redis-cli", "-h", "127.0.0.1", "-p", String.valueOf(port)));
    cmd.addAll(cliArgs);
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    try {
      String out = new String(p.getInputStream().readAllBytes()).strip();
      p.waitFor();
      return out;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
  }

  void signal(String sig) throws IOException, InterruptedException {
    new ProcessBuilder("kill", "-" + sig, String.valueOf(process.pid())).start().waitFor();
  }

  void kill() throws InterruptedException {
    process.destroyForcibly().waitFor();
  }

  int port() {
    return port;
  }

  String url() {
    return "redis://127.0.0.1:" + port;
  }

  @Override
  public void close() throws Exception {
    if (process != null && process.isAlive()) {
      signal("CONT");
      kill();
    }
    try (var files = Files.walk(dir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    }
  }
}
