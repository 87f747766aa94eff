package spa.cmd.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExecRunnerTest {
  private final ExecRunner runner = new ExecRunner();

  @Test
  void argumentsReachTheProgramVerbatimWithoutAShell() {
    List<String> args = List.of("a b", "'q'", "\"d\"", "$HOME", "x;y|z", "*", "back\\slash", "", "${x}");
    List<String> argv = new java.util.ArrayList<>(List.of("printf", "[%s]\\n"));
    argv.addAll(args);
    CommandResult r = runner.run(Command.of(argv));
    assertTrue(r.ok(), r.failure());
    StringBuilder expected = new StringBuilder();
    args.forEach(a -> expected.append('[').append(a).append("]\n"));
    assertEquals(expected.toString(), r.stdout());
  }

  @Test
  void inputGoesToStandardInput() {
    CommandResult r = runner.run(Command.of("cat").withInput("add element inet spa s { 1 }\nline two\n"));
    assertTrue(r.ok());
    assertEquals("add element inet spa s { 1 }\nline two\n", r.stdout());
  }

  @Test
  void withoutInputStandardInputIsClosedAtOnce() {
    CommandResult r = runner.run(Command.of("cat").withTimeout(Duration.ofSeconds(5)));
    assertTrue(r.ok());
    assertEquals("", r.stdout());
    assertTrue(r.elapsed().compareTo(Duration.ofSeconds(4)) < 0);
  }

  @Test
  void exitStatusAndStandardErrorAreReported() {
    CommandResult r = runner.run(Command.of("ls", "/nonexistent-spa-path"));
    assertEquals(CommandResult.Status.EXITED, r.status());
    assertEquals(2, r.exitCode());
    assertFalse(r.ok());
    assertTrue(r.stderr().contains("nonexistent-spa-path"), r.stderr());
    assertTrue(r.failure().startsWith("`ls /nonexistent-spa-path` exited 2: "), r.failure());
    assertFalse(r.failure().contains("\n"));
  }

  @Test
  void aProcessPastItsLimitIsKilled() {
    CommandResult r = runner.run(Command.of("sleep", "30").withTimeout(Duration.ofMillis(300)));
    assertEquals(CommandResult.Status.TIMED_OUT, r.status());
    assertFalse(r.ok());
    assertTrue(r.elapsed().compareTo(Duration.ofSeconds(10)) < 0, r.elapsed().toString());
    assertEquals("`sleep 30` killed after 300 ms", r.failure());
  }

  @Test
  void atItsLimitTheWholeProcessTreeIsKilled(@TempDir Path dir) throws Exception {
    // a child of the shell, and a grandchild orphaned by its subshell (re-parented, no longer a descendant)
    Path child = dir.resolve("child");
    Path orphan = dir.resolve("orphan");
    CommandResult r = runner.run(Command.of("sh", "-c",
        "sleep 300 & echo $! > " + child + "; (sleep 300 & echo $! > " + orphan + "); wait")
        .withTimeout(Duration.ofMillis(500)));
    assertEquals(CommandResult.Status.TIMED_OUT, r.status(), r.toString());
    assertGone(Long.parseLong(Files.readString(child).strip()));
    assertGone(Long.parseLong(Files.readString(orphan).strip()));
  }

  @Test
  void aBackgroundChildHoldingStandardOutputDoesNotHideTheExitStatus(@TempDir Path dir) throws Exception {
    Path child = dir.resolve("child");
    CommandResult r = runner.run(Command.of("sh", "-c", "echo started; sleep 300 & echo $! > " + child + "; exit 3")
        .withTimeout(Duration.ofSeconds(60)));
    assertEquals(CommandResult.Status.EXITED, r.status(), r.toString());
    assertEquals(3, r.exitCode());
    assertTrue(r.stdout().startsWith("started\n"), r.stdout());
    // not killed: a command may start a daemon on purpose; it is just no longer waited for
    long pid = Long.parseLong(Files.readString(child).strip());
    assertTrue(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));
    ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
  }

  @Test
  void aHundredMegabytesOfOutputAreReadAndAllButTheCapDropped() {
    ExecRunner capped = new ExecRunner(ExecRunner.DEFAULT_ENVIRONMENT, ExecRunner.COMMAND_MAX_OUTPUT);
    CommandResult r = capped.run(Command.of("head", "-c", "104857600", "/dev/zero").withTimeout(Duration.ofSeconds(120)));
    assertTrue(r.ok(), r.failure());
    String note = "\n[" + (104_857_600 - ExecRunner.COMMAND_MAX_OUTPUT) + " more bytes dropped]";
    assertTrue(r.stdout().endsWith(note), r.stdout().substring(ExecRunner.COMMAND_MAX_OUTPUT));
    assertEquals(ExecRunner.COMMAND_MAX_OUTPUT + note.length(), r.stdout().length());
  }

  /** Waits (up to a deadline) for {@code pid} to be gone: SIGKILL is delivered asynchronously. */
  private static void assertGone(long pid) throws InterruptedException {
    long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (ProcessTree.sessionOf(pid).isPresent() && System.nanoTime() < end) {
      Thread.sleep(10);
    }
    assertFalse(ProcessTree.sessionOf(pid).isPresent(), "process " + pid + " is still alive");
  }

  @Test
  void aMissingProgramDoesNotStart() {
    CommandResult r = runner.run(Command.of("spa-no-such-program", "x"));
    assertEquals(CommandResult.Status.NOT_STARTED, r.status());
    assertTrue(r.failure().contains("could not start"), r.failure());
    CommandResult abs = runner.run(Command.of("/nonexistent/bin/tool"));
    assertEquals(CommandResult.Status.NOT_STARTED, abs.status());
  }

  @Test
  void theEnvironmentIsExactlyTheScrubbedOne() {
    CommandResult r = runner.run(Command.of("env"));
    assertTrue(r.ok());
    List<String> lines = r.stdout().lines().sorted().toList();
    assertEquals(List.of("LC_ALL=C", "PATH=" + ExecRunner.DEFAULT_ENVIRONMENT.get("PATH")), lines);

    CommandResult custom = new ExecRunner(Map.of("PATH", "/usr/bin:/bin", "SPA_X", "1"), 1024)
        .run(Command.of("env"));
    assertEquals(List.of("PATH=/usr/bin:/bin", "SPA_X=1"), custom.stdout().lines().sorted().toList());
  }

  @Test
  void programsAreLookedUpInTheRunnersOwnPath() {
    CommandResult r = new ExecRunner(Map.of("PATH", "/nonexistent"), 1024).run(Command.of("true"));
    assertEquals(CommandResult.Status.NOT_STARTED, r.status());
    assertTrue(r.stderr().contains("not found in PATH /nonexistent"), r.stderr());
  }

  @Test
  void outputBeyondTheLimitIsDropped() {
    CommandResult r = new ExecRunner(ExecRunner.DEFAULT_ENVIRONMENT, 100).run(Command.of("seq", "1", "10000"));
    assertTrue(r.ok());
    assertTrue(r.stdout().startsWith("1\n2\n3\n"));
    assertTrue(r.stdout().endsWith("more bytes dropped]"), r.stdout());
    assertTrue(r.stdout().length() < 200);
  }

  @Test
  void aPrefixedRunnerRunsThroughThePrefixAndReportsTheOriginal() {
    CommandRunner viaEnv = runner.prefixed(List.of("env", "SPA_PREFIXED=yes"));
    CommandResult r = viaEnv.run(Command.of("printenv", "SPA_PREFIXED"));
    assertTrue(r.ok());
    assertEquals("yes\n", r.stdout());
    assertEquals(List.of("printenv", "SPA_PREFIXED"), r.command().argv());
  }

  @Test
  void badCommandsAreRejectedBeforeRunning() {
    assertThrows(IllegalArgumentException.class, () -> Command.of(List.of()));
    assertThrows(IllegalArgumentException.class, () -> Command.of(" nft"));
    assertThrows(IllegalArgumentException.class, () -> Command.of("c:\\nft"));
    assertThrows(IllegalArgumentException.class, () -> Command.of("nft", "a\0b"));
    assertThrows(IllegalArgumentException.class, () -> Command.of("nft").withTimeout(Duration.ZERO));
  }

  @Test
  void displayQuotesWhatAShellWouldSplit() {
    assertEquals("iptables -m comment --comment _exp_1 'a b' 'it'\\''s' ''",
        Command.of("iptables", "-m", "comment", "--comment", "_exp_1", "a b", "it's", "").display());
  }
}
