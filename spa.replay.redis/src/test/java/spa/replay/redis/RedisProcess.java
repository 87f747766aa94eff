package spa.replay.redis;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import spa.test.support.Required;

/** A redis-server of the test's own on a loopback port, nothing persisted; stopped, frozen and restarted at will. */
final class RedisProcess implements AutoCloseable {
  final int port;
  private final List<String> extra;
  private final Path server;
  private Process process;

  RedisProcess(String... extra) throws IOException {
    this.server = Required.programs("redis-server", "redis-cli");
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      this.port = s.getLocalPort();
    }
    this.extra = List.of(extra);
    start();
  }

  void start() throws IOException {
    List<String> cmd = new ArrayList<>(List.of(server.toString(), "--port", String.valueOf(port), "--bind",
        "127.0.0.1", "--save", "", "--appendonly", "no", "--daemonize", "no"));
    cmd.addAll(extra);
    process = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
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
    throw new IOException("redis-server on port " + port + " did not answer");
  }

  /** Runs one redis-cli command against this server as the default user; its output, stripped. */
  String cli(String... args) throws IOException {
    List<String> cmd = new ArrayList<>(List.of("redis-cli", "-h", "127.0.0.1", "-p", String.valueOf(port)));
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
  }
}
