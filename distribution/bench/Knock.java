import java.io.IOException;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
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
 * older than 50 ms are abandoned (their SYN was dropped). The first {@value #READY} attempts' sockets are opened,
 * bound and registered before the datagram is sent, so that an attempt costs one connect(2) and the client keeps
 * its cadence on a small machine; later ones are opened as they are needed.
 */
public final class Knock {
  private static final long GIVE_UP_NS = 10_000_000_000L;
  private static final long STALE_NS = 50_000_000L;
  /** Sockets made ready before each trial's datagram: 50 ms of attempts at 100 us. */
  private static final int READY = 500;

  public static void main(String[] args) throws Exception {
    preciseSleeps();
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

  /** A socket, and when its connection attempt started. */
  private static final class Attempt {
    final SocketChannel channel;
    SelectionKey key;
    long started;

    Attempt(SocketChannel channel) {
      this.channel = channel;
    }
  }

  /**
   * A non-blocking socket bound to {@code from}, registered with no interest yet: an unconnected socket polls as
   * hung up, so it is watched for its connection's completion only once it connects.
   */
  private static Attempt open(Selector selector, InetAddress from) throws IOException {
    SocketChannel ch = SocketChannel.open();
    ch.configureBlocking(false);
    ch.bind(new InetSocketAddress(from, 0));
    Attempt a = new Attempt(ch);
    a.key = ch.register(selector, 0, a);
    return a;
  }

  private static String trial(DatagramPacket packet, InetAddress from, InetSocketAddress target, long interval)
      throws IOException {
    Deque<Attempt> pending = new ArrayDeque<>();
    long attempts = 0;
    Deque<Attempt> ready = new ArrayDeque<>();
    try (Selector selector = Selector.open(); DatagramSocket udp = new DatagramSocket()) {
      for (int i = 0; i < READY; i++) {
        ready.add(open(selector, from));
      }
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
            Attempt a = ready.isEmpty() ? open(selector, from) : ready.poll();
            a.started = now;
            attempts++;
            if (a.channel.connect(target)) {
              long done = System.nanoTime();
              a.channel.close();
              return line(t0, now, done, attempts);
            }
            a.key.interestOps(SelectionKey.OP_CONNECT);
            pending.add(a);
            // keep the cadence, but never make up for a late wake-up with a burst
            next = Math.max(next + interval, now + interval / 2);
          }
          while (!pending.isEmpty() && now - pending.peekFirst().started > STALE_NS) {
            pending.pollFirst().channel.close();
          }
          if (selector.selectNow() > 0) {
            long done = System.nanoTime();
            Attempt first = null;
            for (SelectionKey k : selector.selectedKeys()) {
              Attempt a = (Attempt) k.attachment();
              try {
                if (a.channel.finishConnect() && (first == null || a.started < first.started)) {
                  first = a;
                }
              } catch (IOException refusedOrUnreachable) {
                k.cancel();
                a.channel.close();
                pending.remove(a);
              }
            }
            selector.selectedKeys().clear();
            if (first != null) {
              return line(t0, first.started, done, attempts);
            }
          }
          long sleep = next - System.nanoTime();
          if (sleep > 0) {
            LockSupport.parkNanos(sleep);
          }
        }
      } finally {
        for (Attempt a : pending) {
          a.channel.close();
        }
        for (Attempt a : ready) {
          a.channel.close();
        }
      }
    }
  }

  /**
   * Asks the kernel to wake this thread on time (prctl PR_SET_TIMERSLACK, 1 ns) instead of up to 50 us late, the
   * default slack: the attempts then keep nearer their cadence. Without it (no prctl) the figures are coarser only.
   */
  private static void preciseSleeps() {
    try {
      Linker linker = Linker.nativeLinker();
      MethodHandle prctl = linker.downcallHandle(linker.defaultLookup().find("prctl").orElseThrow(),
          FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG));
      int rc = (int) prctl.invokeExact(29, 1L); // PR_SET_TIMERSLACK
      if (rc != 0) {
        System.err.println("Knock: prctl(PR_SET_TIMERSLACK) returned " + rc + "; default timer slack");
      }
    } catch (Throwable e) {
      System.err.println("Knock: cannot set the timer slack (" + e + "); default timer slack");
    }
  }

  private static String line(long t0, long accepted, long done, long attempts) {
    return (accepted - t0) / 1000 + " " + (done - t0) / 1000 + " " + attempts;
  }
}
