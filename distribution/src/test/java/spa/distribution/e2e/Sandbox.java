package spa.distribution.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import spa.cmd.exec.Command;
import spa.cmd.exec.CommandResult;
import spa.cmd.exec.ExecRunner;

/**
 * A private mount namespace in which chosen directories of the machine ({@code /usr}, {@code /etc}, {@code /var},
 * {@code /dev}...) are overlays whose writes go to a tmpfs of the namespace's own, and {@code run} makes
 * {@code /run} an empty tmpfs with the real {@code /run/netns} bound in (so {@code ip netns exec} still finds the
 * test's namespaces, created before). There dpkg installs, adds users and removes, or a test binds
 * {@code /dev/log}, while the machine keeps none of it. A {@code sleep} started by {@code unshare} holds the
 * namespace; {@link #close} kills it, and the namespace, its overlays and its tmpfs go with the last process in it.
 */
final class Sandbox implements AutoCloseable {
  private static final String SETUP = """
      set -e
      t=$1
      shift
      mount -t tmpfs -o mode=0755 spa-sandbox "$t"
      for d in "$@"; do
        if [ "$d" = run ]; then
          mkdir "$t/netns"
          mount --rbind /run/netns "$t/netns"
          mount -t tmpfs -o mode=0755 spa-run /run
          mkdir /run/netns /run/lock
          mount --rbind "$t/netns" /run/netns
        else
          mkdir "$t/$d" "$t/$d.work"
          mount -t overlay overlay -o "lowerdir=/$d,upperdir=$t/$d,workdir=$t/$d.work" "/$d"
        fi
      done
      """;

  private final Process holder;
  private final ExecRunner exec = new ExecRunner();

  private Sandbox(Process holder) {
    this.holder = holder;
  }

  /**
   * Creates the namespace, its tmpfs mounted on {@code dir} (a new, empty directory) inside it only, with
   * {@code dirs} (names under /, or {@code run}) as described above.
   */
  static Sandbox create(Path dir, String... dirs) throws IOException, InterruptedException {
    Files.createDirectories(dir);
    Process p = new ProcessBuilder("unshare", "--mount", "--propagation", "private", "sleep", "infinity")
        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    Sandbox s = new Sandbox(p);
    try {
      Path self = Files.readSymbolicLink(Path.of("/proc/self/ns/mnt"));
      Path theirs = Path.of("/proc", Long.toString(p.pid()), "ns/mnt");
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (!Files.exists(theirs) || Files.readSymbolicLink(theirs).equals(self)) { // unshare has not exec'd yet
        if (!p.isAlive() || System.nanoTime() > deadline) {
          throw new IllegalStateException("unshare --mount did not start its namespace");
        }
        Thread.sleep(10);
      }
      List<String> setup = new ArrayList<>(List.of("sh", "-c", SETUP, "sandbox", dir.toString()));
      setup.addAll(List.of(dirs));
      CommandResult r = s.run(Command.of(setup));
      if (!r.ok()) {
        throw new IllegalStateException("cannot set up the overlays: " + r.failure());
      }
      return s;
    } catch (IOException | InterruptedException | RuntimeException e) {
      s.close();
      throw e;
    }
  }

  /** The argv prefix that runs a program in the namespace. */
  List<String> prefix() {
    return List.of("nsenter", "-t", Long.toString(holder.pid()), "-m", "--");
  }

  /** Runs {@code argv} in the namespace, whatever its exit status (two minutes at most: dpkg runs Java). */
  CommandResult run(String... argv) {
    return run(Command.of(argv));
  }

  /** Runs {@code command} in the namespace. */
  CommandResult run(Command command) {
    return exec.run(command.withPrefix(prefix()).withTimeout(Duration.ofSeconds(120)));
  }

  /** Whether {@code path} exists (as a file, link or directory) in the namespace. */
  boolean exists(String path) {
    return run("test", "-e", path).ok() || run("test", "-L", path).ok();
  }

  /** The owner, group and octal mode of {@code path} in the namespace, as {@code spa:spa 600}. */
  String owner(String path) {
    CommandResult r = run("stat", "-c", "%U:%G %a", path);
    return r.ok() ? r.stdout().strip() : "(" + path + ": " + r.stderr().strip() + ")";
  }

  /** Paths of {@code expected} missing in the namespace. */
  List<String> missing(List<String> expected) {
    List<String> missing = new ArrayList<>();
    for (String p : expected) {
      if (!exists(p)) {
        missing.add(p);
      }
    }
    return missing;
  }

  @Override
  public void close() {
    holder.destroyForcibly();
    try {
      holder.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
