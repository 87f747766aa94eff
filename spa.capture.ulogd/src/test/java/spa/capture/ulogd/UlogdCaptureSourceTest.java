package spa.capture.ulogd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import spa.core.ConfigException;
import spa.core.Packet;
import spa.core.Settings;
import spa.core.spi.CaptureSource;

class UlogdCaptureSourceTest {

  @TempDir
  Path dir;
  final BlockingQueue<Packet> received = new LinkedBlockingQueue<>();

  Settings settings(Path file, String poll) {
    return Settings.of(Map.of("ULOGD_PCAP_FILE", file.toString(), "ULOGD_POLL_MILLIS", poll), "spad.conf");
  }

  Packet next() throws InterruptedException {
    Packet p = received.poll(5, TimeUnit.SECONDS);
    assertNotNull(p, "nothing delivered within 5 s");
    return p;
  }

  @Test
  void deliversRecordsAsTheyAreAppendedAcrossARotation() throws Exception {
    Path file = dir.resolve("ulogd.pcap");
    try (UlogdCapture c = new UlogdCaptureSource().start(settings(file, "10"), received::add)) {
      Files.write(file, PcapFollowerTest.concat(PcapFollowerTest.header(PcapFollowerTest.ULOGD),
          PcapFollowerTest.records(PcapFollowerTest.ULOGD, 1)));
      assertArrayEquals("p1".getBytes(StandardCharsets.US_ASCII), next().payload());
      Files.move(file, dir.resolve("ulogd.pcap.1"), StandardCopyOption.ATOMIC_MOVE);
      Files.write(file, PcapFollowerTest.concat(PcapFollowerTest.header(PcapFollowerTest.ULOGD),
          PcapFollowerTest.records(PcapFollowerTest.ULOGD, 2)));
      assertArrayEquals("p2".getBytes(StandardCharsets.US_ASCII), next().payload());
      Files.write(file, PcapFollowerTest.records(PcapFollowerTest.ULOGD, 3), StandardOpenOption.APPEND);
      Packet p = next();
      assertArrayEquals("p3".getBytes(StandardCharsets.US_ASCII), p.payload());
      assertEquals(Packet.UDP, p.protocol());
      assertEquals(1, c.rotations());
      assertEquals(0, c.truncations());
      assertEquals(0, c.dropped());
    }
  }

  @Test
  void closesPromptlyAndDeliversNothingAfterwards() throws Exception {
    Path file = dir.resolve("ulogd.pcap");
    UlogdCapture c = new UlogdCaptureSource().start(settings(file, "1000"), received::add);
    Thread t = Thread.getAllStackTraces().keySet().stream().filter(x -> x.getName().equals("spa-capture-ulogd"))
        .filter(Thread::isAlive).findFirst().orElse(null);
    assertNotNull(t);
    Thread.sleep(50);
    long start = System.nanoTime();
    c.close();
    assertTrue(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start) < 500, "close() waited for the poll");
    assertFalse(t.isAlive());
    Files.write(file, PcapFollowerTest.concat(PcapFollowerTest.header(PcapFollowerTest.ULOGD),
        PcapFollowerTest.records(PcapFollowerTest.ULOGD, 1)));
    assertEquals(null, received.poll(100, TimeUnit.MILLISECONDS));
  }

  @Test
  void refusesAFileThatIsNotPcapAndBadSettings() throws IOException {
    UlogdCaptureSource src = new UlogdCaptureSource();
    Path text = dir.resolve("text.pcap");
    Files.writeString(text, "hello, this is text and not a capture");
    IOException e = assertThrows(IOException.class, () -> src.start(settings(text, "20"), received::add));
    assertEquals("ulogd capture: " + text + ": not a pcap file (magic 0x68656c6c)", e.getMessage());
    ConfigException poll = assertThrows(ConfigException.class,
        () -> src.start(settings(dir.resolve("x.pcap"), "0"), received::add));
    assertEquals("spad.conf: ULOGD_POLL_MILLIS: must be a number of milliseconds 1..1000, not '0'", poll.toString());
    ConfigException isDir = assertThrows(ConfigException.class, () -> src.start(settings(dir, "20"), received::add));
    assertEquals("ULOGD_PCAP_FILE", isDir.key());
  }

  @Test
  void defaultsAndServiceName() {
    assertEquals("/var/log/ulog/ulogd.pcap", UlogdCaptureSource.DEFAULT_FILE);
    getClass().getModule().addUses(CaptureSource.class);
    assertTrue(ServiceLoader.load(CaptureSource.class).stream()
        .anyMatch(p -> p.type() == UlogdCaptureSource.class && p.get().name().equals("ulogd")));
  }
}
