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
import java.util.concurrent.locks.LockSupport;

/**
 * Measures, per trial, the time from sending one SPA packet to the first TCP connection attempt the server accepts.
 *
 * <pre>java Knock SERVER UDP_PORT TCP_PORT INTERVAL_US FROM=PACKET_FILE...</pre>
 *
 * For each trial it sends the packet's text as one UDP datagram, then starts a fresh non-blocking connection from
 * address FROM every INTERVAL_US microseconds (a dropped SYN is not retried for a second, so each attempt is a new
 * socket whose SYN leaves at once) until one completes. It prints one line per trial: the microseconds from the
 * datagram's send to the send of the first attempt that was accepted (so the figure is at most one interval above
 * the moment the opening took effect), the microseconds until that connection was seen complete, and the number of
 * attempts made; or "timeout" after 10 s. All times come from one clock (System.nanoTime). Between attempts the
 * thread parks rather than spins, so on a small machine the client does not take the CPU the server needs. Attempts
 * older than 50 ms are abandoned (their SYN was dropped).
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
      System.out.println(trial(new DatagramPacket(packet, packet.length, server, udpPort), InetAddress.getByName(t[0]),
          target, interval));
      System.out.flush();
      Thread.sleep(300);
    }
  }

  private record Attempt(SocketChannel channel, long started) {}

  private static String trial(DatagramPacket packet, InetAddress from, InetSocketAddress target, long interval)
      throws IOException {
    Deque<Attempt> pending = new ArrayDeque<>();
    long attempts = 0;
    try (Selector selector = Selector.open(); DatagramSocket udp = new DatagramSocket()) {
      long t0 = System.nanoTime();
      udp.send(packet);
      long next = t0;
      try {
        while (true) {
          long now = System.nanoTime();
          if (now - t0 > GIVE_UP_NS) {
            return "timeout " + attempts;
          }
          if (now >= next) {
            SocketChannel ch = SocketChannel.open();
            ch.configureBlocking(false);
            ch.bind(new InetSocketAddress(from, 0));
            attempts++;
            if (ch.connect(target)) {
              long done = System.nanoTime();
              ch.close();
              return line(t0, now, done, attempts);
            }
            Attempt a = new Attempt(ch, now);
            ch.register(selector, SelectionKey.OP_CONNECT, a);
            pending.add(a);
            // keep the cadence, but never make up for a late wake-up with a burst
            next = Math.max(next + interval, now + interval / 2);
          }
          while (!pending.isEmpty() && now - pending.peekFirst().started() > STALE_NS) {
            pending.pollFirst().channel().close();
          }
          if (selector.selectNow() > 0) {
            long done = System.nanoTime();
            Attempt first = null;
            for (SelectionKey k : selector.selectedKeys()) {
              Attempt a = (Attempt) k.attachment();
              try {
                if (a.channel().finishConnect() && (first == null || a.started() < first.started())) {
                  first = a;
                }
              } catch (IOException refusedOrUnreachable) {
                k.cancel();
                a.channel().close();
                pending.remove(a);
              }
            }
            selector.selectedKeys().clear();
            if (first != null) {
              return line(t0, first.started(), done, attempts);
            }
          }
          long sleep = next - System.nanoTime();
          if (sleep > 0) {
            LockSupport.parkNanos(sleep);
          }
        }
      } finally {
        for (Attempt a : pending) {
          a.channel().close();
        }
      }
    }
  }

  private static String line(long t0, long accepted, long done, long attempts) {
    return (accepted - t0) / 1000 + " " + (done - t0) / 1000 + " " + attempts;
  }
}
