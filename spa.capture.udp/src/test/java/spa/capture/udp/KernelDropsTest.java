package spa.capture.udp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KernelDropsTest {
  private static final String UDP = """
        sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops
       98: 00000000:F339 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 4711 2 0000000000000000 0
      412: 0100007F:0035 00000000:0000 07 00000000:00000000 00:00000000 00000000   101        0 999 2 0000000000000000 17
      """;
  private static final String UDP6 = """
        sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops
      100: 00000000000000000000000000000000:F339 00000000000000000000000000000000:0000 07 00000000:0001E000 00:00000000 00000000     0        0 5150 2 0000000000000000 12345
      """;

  @Test
  void readsTheDropsColumnOfTheSocketsLine() {
    assertEquals(0, KernelDrops.drops(UDP, 4711));
    assertEquals(17, KernelDrops.drops(UDP, 999));
    assertEquals(12345, KernelDrops.drops(UDP6, 5150));
    assertEquals(-1, KernelDrops.drops(UDP, 5150), "no line for that inode");
    assertEquals(-1, KernelDrops.drops("garbage\n\n  1: short line\n", 1));
  }

  @Test
  void readsThePortOfALocalAddress() {
    assertEquals(62265, KernelDrops.port("00000000:F339"));
    assertEquals(53, KernelDrops.port("0100007F:0035"));
    assertEquals(62265, KernelDrops.port("00000000000000000000000000000000:F339"));
    assertEquals(-1, KernelDrops.port("nonsense"));
  }

  @Test
  void findsOnlyThisProcesssSocketOnThePort(@TempDir Path dir) throws Exception {
    Path fd = Files.createDirectories(dir.resolve("fd"));
    Files.createSymbolicLink(fd.resolve("3"), Path.of("socket:[5150]"));
    Files.createSymbolicLink(fd.resolve("4"), Path.of("/dev/null"));
    Files.createSymbolicLink(fd.resolve("5"), Path.of("pipe:[4711]"));
    Path udp = Files.writeString(dir.resolve("udp"), UDP);
    Path udp6 = Files.writeString(dir.resolve("udp6"), UDP6);
    assertEquals(Set.of(5150L), KernelDrops.socketInodes(fd));
    // port 0xF339 is bound twice: inode 4711 (not this process's: no fd links to it) and 5150 (ours)
    KernelDrops d = KernelDrops.find(fd, List.of(udp, udp6), 0xF339);
    assertNotNull(d);
    assertEquals(5150, d.inode());
    assertEquals(12345, d.read());
    assertNull(KernelDrops.find(fd, List.of(udp, udp6), 53), "port 53's socket is not this process's");
    assertNull(KernelDrops.find(dir.resolve("none"), List.of(udp, udp6), 0xF339));
  }

  /** A socket nobody reads, with a small buffer: the kernel drops what does not fit, and /proc says so. */
  @Test
  void countsWhatTheKernelDroppedForARealSocket() throws Exception {
    try (DatagramChannel rx = DatagramChannel.open(); DatagramChannel tx = DatagramChannel.open()) {
      rx.setOption(StandardSocketOptions.SO_RCVBUF, 4096);
      rx.bind(new InetSocketAddress("127.0.0.1", 0));
      int port = ((InetSocketAddress) rx.getLocalAddress()).getPort();
      KernelDrops d = KernelDrops.find(port);
      assertNotNull(d, "this process's socket on port " + port);
      assertEquals(0, d.read());
      int buffer = rx.getOption(StandardSocketOptions.SO_RCVBUF);
      int sent = buffer / 200 + 100; // far more than fits, whatever each datagram costs the buffer
      for (int i = 0; i < sent; i++) {
        tx.send(ByteBuffer.allocate(200), rx.getLocalAddress());
      }
      long dropped = d.read();
      assertTrue(dropped >= 100 && dropped < sent, "dropped " + dropped + " of " + sent);
    }
  }
}
