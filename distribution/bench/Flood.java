import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Garbage at a steady rate to one loopback UDP port, from a few threads, for a fixed time: every datagram distinct
 * and of SPA size, random bytes that the server's prefilter refuses (a flood the capture must drain, not one that
 * costs a MAC check each), with chosen datagrams (valid knocks) sent among them at even intervals. Used by the
 * footprint benchmark and by the flood tests:
 *
 * <pre>java Flood.java HOST PORT RATE THREADS MILLIS [KNOCK_FILE...]</pre>
 *
 * <p>RATE datagrams a second in all, from THREADS threads, for MILLIS milliseconds; each KNOCK_FILE holds one packet
 * (as {@code spa -B} or {@code fwknop -B} writes it) sent among the garbage. Prints {@code sent N} (garbage datagrams)
 * when done.
 */
final class Flood {
  static final int SIZE = 200;

  private final InetSocketAddress to;
  private final int perSecond;
  private final int threads;
  private final AtomicLong sent = new AtomicLong();

  Flood(InetSocketAddress to, int perSecond, int threads) {
    this.to = to;
    this.perSecond = perSecond;
    this.threads = threads;
  }

  public static void main(String[] args) throws Exception {
    if (args.length < 5) {
      System.err.println("usage: java Flood.java HOST PORT RATE THREADS MILLIS [KNOCK_FILE...]");
      System.exit(2);
    }
    InetSocketAddress to = new InetSocketAddress(InetAddress.getByName(args[0]), Integer.parseInt(args[1]));
    List<byte[]> knocks = new ArrayList<>();
    for (int i = 5; i < args.length; i++) {
      knocks.add(Files.readString(Path.of(args[i])).strip().getBytes(StandardCharsets.US_ASCII));
    }
    Flood flood = new Flood(to, Integer.parseInt(args[2]), Integer.parseInt(args[3]));
    flood.run(Long.parseLong(args[4]), knocks);
    System.out.println("sent " + flood.sent());
  }

  /** Floods for {@code millis}, sending each of {@code knocks} at an even share of that time; returns when done. */
  void run(long millis, List<byte[]> knocks) throws Exception {
    long start = System.nanoTime();
    long end = start + TimeUnit.MILLISECONDS.toNanos(millis);
    List<Thread> ts = new ArrayList<>();
    List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
    for (int i = 0; i < threads; i++) {
      int id = i;
      ts.add(Thread.ofPlatform().name("flood-" + i).start(() -> {
        try {
          garbage(id, start, end);
        } catch (IOException | RuntimeException e) {
          failures.add(e);
        }
      }));
    }
    try (DatagramChannel ch = DatagramChannel.open()) {
      ch.connect(to);
      for (int i = 0; i < knocks.size(); i++) {
        long at = start + (end - start) * (2L * i + 1) / (2L * knocks.size());
        long wait = at - System.nanoTime();
        if (wait > 0) {
          TimeUnit.NANOSECONDS.sleep(wait);
        }
        sendIgnoringRefusal(ch, ByteBuffer.wrap(knocks.get(i)));
      }
    }
    for (Thread t : ts) {
      t.join();
    }
    if (!failures.isEmpty()) {
      throw new AssertionError("flood sender failed", failures.get(0));
    }
  }

  /** Garbage datagrams sent so far. */
  long sent() {
    return sent.get();
  }

  /** One thread's share: paced in bursts every half millisecond, each datagram made distinct by a counter written into it. */
  private void garbage(int id, long start, long end) throws IOException {
    SplittableRandom r = new SplittableRandom(id);
    byte[] p = new byte[SIZE];
    for (int i = 0; i < SIZE; i++) {
      p[i] = (byte) r.nextInt(256);
    }
    p[8] = '!'; // never base64, whatever the random bytes
    ByteBuffer buf = ByteBuffer.wrap(p);
    double rate = (double) perSecond / threads / 1e9; // datagrams per nanosecond
    long n = 0;
    try (DatagramChannel ch = DatagramChannel.open()) {
      ch.connect(to);
      long now;
      while ((now = System.nanoTime()) < end) {
        long due = (long) ((now - start) * rate);
        while (n < due) {
          long c = n++ * threads + id;
          for (int k = 0; k < 8; k++) {
            p[k] = (byte) (c >>> (8 * k));
          }
          buf.clear();
          sendIgnoringRefusal(ch, buf);
        }
        LockSupport.parkNanos(500_000);
      }
      sent.addAndGet(n);
    }
  }

  /** A port nobody listens on answers with ICMP, which a connected socket reports on a later send: ignored. */
  private static void sendIgnoringRefusal(DatagramChannel ch, ByteBuffer b) throws IOException {
    try {
      ch.write(b);
    } catch (java.net.PortUnreachableException e) {
      // the next datagram goes out as usual
    }
  }
}
