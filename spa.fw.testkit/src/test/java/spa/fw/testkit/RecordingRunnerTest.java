package spa.fw.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import spa.cmd.exec.Command;
import spa.cmd.exec.CommandResult;
import spa.cmd.exec.ExecRunner;
import spa.fw.testkit.RecordingRunner.Answer;

class RecordingRunnerTest {

  @Test
  void recordsArgvAndInputAndAnswersFromTheScript() {
    RecordingRunner r = RecordingRunner.answeringOk()
        .on("pfctl", "-s").always(Answer.out("anchor \"fwknop\" all\n"))
        .on("pfctl", "-a").once(Answer.exit(1, "stdin:1: syntax error"));
    assertEquals("anchor \"fwknop\" all\n", r.run(Command.of("pfctl", "-s", "rules")).stdout());
    assertEquals("anchor \"fwknop\" all\n", r.run(Command.of("pfctl", "-s", "rules")).stdout());
    CommandResult refused = r.run(Command.of("pfctl", "-a", "fwknop", "-f", "-").withInput("pass\nblock\n"));
    assertEquals(1, refused.exitCode());
    assertTrue(refused.failure().contains("stdin:1: syntax error"), refused.failure());
    // the once-answer is used up: the next one falls through to exit 0
    assertTrue(r.run(Command.of("pfctl", "-a", "fwknop", "-F", "rules")).ok());
    assertEquals("""
        pfctl -s rules
        pfctl -s rules
        pfctl -a fwknop -f -
        < pass
        < block
        pfctl -a fwknop -F rules
        """, r.transcript());
    assertEquals(List.of("pfctl", "-a", "fwknop", "-f", "-"), r.calls().get(2).argv());
    assertEquals("pass\nblock\n", r.calls().get(2).stdin());
    r.clear();
    assertEquals("", r.transcript());
  }

  @Test
  void injectsTimeOutsAndProgramsThatDoNotStart() {
    RecordingRunner r = RecordingRunner.answeringOk()
        .on("ipfw", "-S", "list").once(Answer.timedOut())
        .on("ipfw").once(Answer.notStarted("ipfw: not found"));
    assertEquals(CommandResult.Status.TIMED_OUT, r.run(Command.of("ipfw", "-S", "list")).status());
    CommandResult missing = r.run(Command.of("ipfw", "-S", "list"));
    assertEquals(CommandResult.Status.NOT_STARTED, missing.status());
    assertFalse(missing.ok());
    assertTrue(r.run(Command.of("ipfw", "-S", "list")).ok());
  }

  @Test
  void overADelegateRecordsWhatReallyRan(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("f");
    RecordingRunner r = RecordingRunner.over(new ExecRunner());
    CommandResult tee = r.run(Command.of("tee", file.toString()).withInput("hello\n"));
    assertTrue(tee.ok(), tee.failure());
    assertEquals("hello\n", tee.stdout());
    assertEquals("hello\n", Files.readString(file));
    assertEquals("tee " + file + "\n< hello\n", r.transcript());
  }
}
