package spa.cmd.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class StreamingProcessTest {

  @Test
  void linesArriveAsWrittenAndTheEndIsReportedOnceWithTheLastErrorLine() throws Exception {
    List<String> lines = new CopyOnWriteArrayList<>();
    LinkedBlockingQueue<String> ends = new LinkedBlockingQueue<>();
    try (StreamingProcess p = StreamingProcess.start(
        List.of("sh", "-c", "printf 'delete table inet spa\\nsecond line\\n'; echo 'no such table' >&2; exit 3"),
        lines::add, ends::add)) {
      assertEquals("exit 3: no such table", ends.poll(10, TimeUnit.SECONDS));
      assertEquals(List.of("delete table inet spa", "second line"), lines);
      assertFalse(p.alive());
    }
    assertEquals(null, ends.poll(), "reported once, also after close");
  }

  @Test
  void linesArriveWhileTheProcessRuns() throws Exception {
    LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
    try (StreamingProcess p = StreamingProcess.start(List.of("sh", "-c", "echo first; exec sleep 60"),
        lines::add, e -> {})) {
      assertEquals("first", lines.poll(10, TimeUnit.SECONDS));
      assertTrue(p.alive());
    }
  }

  @Test
  void inputReachesTheProcessAsItIsWrittenAndItsEndClosesStandardInput() throws Exception {
    LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
    LinkedBlockingQueue<String> ends = new LinkedBlockingQueue<>();
    java.io.PipedOutputStream writer = new java.io.PipedOutputStream();
    java.io.PipedInputStream input = new java.io.PipedInputStream(writer);
    try (StreamingProcess p = StreamingProcess.start(List.of("cat"), ExecRunner.DEFAULT_ENVIRONMENT, input, lines::add,
        ends::add)) {
      writer.write("first\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
      writer.flush();
      assertEquals("first", lines.poll(10, TimeUnit.SECONDS), "passed on while the input is still open");
      writer.close();
      assertEquals("exit 0", ends.poll(10, TimeUnit.SECONDS));
    }
  }

  @Test
  void closeKillsTheProcessAndReapsIt() throws Exception {
    CountDownLatch ended = new CountDownLatch(1);
    CountDownLatch started = new CountDownLatch(1);
    StreamingProcess p = StreamingProcess.start(List.of("sh", "-c", "echo up; exec sleep 60"),
        l -> started.countDown(), e -> ended.countDown());
    assertTrue(started.await(10, TimeUnit.SECONDS));
    long pid = p.pid();
    assertTrue(pid > 0);
    assertTrue(ProcessHandle.of(pid).isPresent(), "running");
    p.close();
    assertEquals(0, ended.getCount(), "close returns once the end is reported");
    assertFalse(p.alive());
    // reaped: no process, not even a zombie, is left under that pid among this JVM's children
    assertTrue(ProcessHandle.current().children().noneMatch(h -> h.pid() == pid));
    assertFalse(java.nio.file.Files.exists(java.nio.file.Path.of("/proc/" + pid)), "no zombie left");
  }

  @Test
  void aProgramMissingFromPathIsOneClearError() {
    IOException e = assertThrows(IOException.class, () -> StreamingProcess.start(List.of("no-such-program"),
        Map.of("PATH", "/nonexistent"), l -> {}, x -> {}));
    assertEquals("no-such-program: not found in PATH /nonexistent", e.getMessage());
  }

  @Test
  void theEnvironmentIsExactlyTheOneGiven() throws Exception {
    LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
    CountDownLatch ended = new CountDownLatch(1);
    try (StreamingProcess p = StreamingProcess.start(List.of("env"), Map.of("PATH", "/usr/bin:/bin", "ONLY", "this"),
        lines::add, e -> ended.countDown())) {
      assertTrue(ended.await(10, TimeUnit.SECONDS));
    }
    assertEquals(List.of("ONLY=this", "PATH=/usr/bin:/bin"), lines.stream().sorted().toList());
  }
}
