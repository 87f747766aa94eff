import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Measures, per trial, the time from sending one SPA packet to the first TCP connection the server accepts.
 *
 * <pre>java Knock SERVER UDP_PORT TCP_PORT INTERVAL_US FROM=PACKET_FILE...</pre>
 *
 * For each trial it sends the packet's text as one UDP datagram, then starts a new non-blocking connection from
 * address FROM every INTERVAL_US microseconds (a dropped SYN is not retried for a second, so each attempt is a
 * fresh socket) until one completes, and prints the elapsed microseconds, or "timeout" after 10 s. Attempts older
 * than 50 ms are abandoned (their SYN was dropped).
 */
public final class Knock {
  private static final long GIVE_UP_NS = 10_000_000_000L;
  private static final long STALE_NS = 50_000_000L;

  public static void main(String[] args) throws Exception {
    InetAddress server = InetAddress.getByName(args[0]);
    int udpPort = Integer.parseInt(args[1]);
    InetSocketAddress target = new InetSocketAddress(server, Integer.parseInt(args[2]));
    long interval = Long.parseLong(args[3]) * 1000;
    for (int i = 4; i < args.length; i++) {
      String[] t = args[i].split("=", 2);
      byte[] packet = Files.readString(Path.of(t[1]), StandardCharsets.US_ASCII).strip()
          .getBytes(StandardCharsets.US_ASCII);
      long us = trial(new DatagramPacket(packet, packet.length, server, udpPort), InetAddress.getByName(t[0]), target,
          interval);
      System.out.println(us < 0 ? "timeout" : Long.toString(us));
      System.out.flush();
      Thread.sleep(300);
    }
  }

  private record Attempt(SocketChannel channel, long started) {}

  private static long trial(DatagramPacket packet, InetAddress from, InetSocketAddress target, long interval)
      throws IOException {
    Deque<Attempt> pending = new ArrayDeque<>();
    try (Selector selector = Selector.open(); DatagramSocket udp = new DatagramSocket()) {
      long t0 = System.nanoTime();
      udp.send(packet);
      long next = t0;
      while (true) {
        long now = System.nanoTime();
        if (now - t0 > GIVE_UP_NS) {
          return -1;
        }
        if (now >= next) {
          SocketChannel ch = SocketChannel.open();
          ch.configureBlocking(false);
          ch.bind(new InetSocketAddress(from, 0));
          if (ch.connect(target)) {
            ch.close();
            return (System.nanoTime() - t0) / 1000;
          }
          ch.register(selector, SelectionKey.OP_CONNECT);
          pending.add(new Attempt(ch, now));
          next += interval;
        }
        while (!pending.isEmpty() && now - pending.peekFirst().started() > STALE_NS) {
          pending.pollFirst().channel().close();
        }
        long waitMs = Math.max(1, (next - System.nanoTime()) / 1_000_000);
        if (selector.select(waitMs) > 0) {
          long done = System.nanoTime();
          for (SelectionKey k : selector.selectedKeys()) {
            SocketChannel ch = (SocketChannel) k.channel();
            try {
              if (ch.finishConnect()) {
                for (Attempt a : pending) {
                  a.channel().close();
                }
                return (done - t0) / 1000;
              }
            } catch (IOException refusedOrUnreachable) {
              k.cancel();
              ch.close();
            }
          }
          selector.selectedKeys().clear();
        }
      }
    }
  }
}
