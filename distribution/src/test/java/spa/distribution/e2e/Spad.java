package spa.distribution.e2e;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import spa.cmd.exec.Command;
import spa.cmd.exec.CommandResult;

/**
 * The image's {@code bin/spad} running in the server namespace as a UDP server ({@code -U}) with a real firewall
 * backend and JSON events on standard output, which the test reads back.
 */
final class Spad implements AutoCloseable {
  private final Process process;
  private final Path events;
  private final Path errors;

  private Spad(Process process, Path events, Path errors) {
    this.process = process;
    this.events = events;
    this.errors = errors;
  }

  /** Starts spad and waits until its UDP socket is bound (the firewall is set up before that). */
  static Spad start(Site site, Path image, ServerFiles files, Backend backend, String name)
      throws IOException, InterruptedException {
    return start(site, image, files, backend, name, List.of());
  }

  /** {@link #start}, with {@code env} ({@code env(1)} and its arguments, or nothing) before bin/spad. */
  static Spad start(Site site, Path image, ServerFiles files, Backend backend, String name, List<String> env)
      throws IOException, InterruptedException {
    return start(site.inServer(), site::runInServer, image, files, backend, name, env);
  }

  /**
   * {@link #start} in the namespace that {@code inNs} (the argv prefix that runs a command there) and
   * {@code runInNs} stand for.
   */
  static Spad start(List<String> inNs, java.util.function.Function<Command, CommandResult> runInNs, Path image,
      ServerFiles files, Backend backend, String name, List<String> env) throws IOException, InterruptedException {
    Path dir = files.fwknopdConf().getParent();
    Path out = dir.resolve(name + ".events");
    Path err = dir.resolve(name + ".err");
    List<String> argv = new ArrayList<>(inNs);
    argv.addAll(env);
    argv.add(image.resolve("bin/spad").toString());
    argv.addAll(args(files, backend));
    argv.addAll(List.of("-U", "--log-format", "json"));
    Process p = new ProcessBuilder(argv).directory(dir.toFile()).redirectOutput(out.toFile()).redirectError(err.toFile())
        .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile())).start();
    Spad spad = new Spad(p, out, err);
    String port = String.format(":%04X ", ServerFiles.UDP_PORT);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (true) {
      CommandResult r = runInNs.apply(Command.of("cat", "/proc/net/udp", "/proc/net/udp6"));
      if (r.stdout().contains(port)) {
        return spad;
      }
      if (!p.isAlive() || System.nanoTime() > deadline) {
        spad.close();
        return fail("spad did not start its UDP server on port " + ServerFiles.UDP_PORT + ":\n" + spad.output());
      }
      Thread.sleep(25);
    }
  }

  /** Runs spad once with {@code option} ({@code --fw-list}, {@code --fw-flush}) on the same configuration. */
  static CommandResult tool(Site site, Path image, ServerFiles files, Backend backend, String option) {
    return tool(site::runInServer, image, files, backend, option);
  }

  /** {@link #tool} in the namespace {@code runInNs} runs commands in. */
  static CommandResult tool(java.util.function.Function<Command, CommandResult> runInNs, Path image, ServerFiles files,
      Backend backend, String option) {
    List<String> argv = new ArrayList<>(List.of("env", "JAVA_HOME=" + System.getProperty("java.home"),
        image.resolve("bin/spad").toString()));
    argv.addAll(args(files, backend));
    argv.add(option);
    return runInNs.apply(Command.of(argv).withTimeout(Duration.ofSeconds(30)));
  }

  private static List<String> args(ServerFiles files, Backend backend) {
    return List.of("-c", files.fwknopdConf().toString(), "-a", files.accessConf().toString(),
        "--firewall", backend.pluginName(), "-d", files.digestFile().toString(), "-p", files.pidFile().toString(),
        "-r", files.runDir().toString());
  }

  /** The process id (ip netns exec, env, setpriv and the launcher all exec: it is the JVM's). */
  long pid() {
    return process.pid();
  }

  /** The program the spad process runs (ip netns exec, env and the launcher all exec it): its java. */
  Path executable() throws IOException {
    return Files.readSymbolicLink(Path.of("/proc", Long.toString(process.pid()), "exe"));
  }

  /** The JSON events logged so far. */
  List<Json> events() {
    try {
      return Files.readAllLines(events, StandardCharsets.UTF_8).stream().filter(l -> l.startsWith("{"))
          .map(Json::new).toList();
    } catch (IOException e) {
      return List.of();
    }
  }

  /** The first event matching {@code what}, waiting up to {@code limit}; fails the test with spad's output if none. */
  Json await(String description, Predicate<Json> what, Duration limit) throws InterruptedException {
    long deadline = System.nanoTime() + limit.toNanos();
    while (true) {
      for (Json e : events()) {
        if (what.test(e)) {
          return e;
        }
      }
      if (System.nanoTime() > deadline) {
        return fail("no " + description + " event from spad within " + limit.toMillis() + " ms:\n" + output());
      }
      Thread.sleep(20);
    }
  }

  /** The events matching {@code what}. */
  List<Json> all(Predicate<Json> what) {
    return events().stream().filter(what).toList();
  }

  /** Events and diagnostics, for assertion messages. */
  String output() {
    return "--- spad events:\n" + read(events) + "--- spad stderr:\n" + read(errors)
        + (process.isAlive() ? "" : "--- spad exited " + process.exitValue() + "\n");
  }

  private static String read(Path f) {
    try {
      return Files.readString(f, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "(" + e + ")\n";
    }
  }

  /** SIGKILL: no clean-up of any kind. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(10, TimeUnit.SECONDS);
  }

  /** SIGTERM, as an init system stops it; returns the exit status. */
  int stop() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(15, TimeUnit.SECONDS)) {
      kill();
      return fail("spad did not stop within 15 s of SIGTERM:\n" + output());
    }
    return process.exitValue();
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      try {
        kill();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
