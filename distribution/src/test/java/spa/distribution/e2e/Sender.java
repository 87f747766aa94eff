package spa.distribution.e2e;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Runs in the client namespace (a program of its own, like {@link SessionServer}) and reports on standard output:
 *
 * <ul>
 *   <li>{@code flood SRC DST PORT RATE FILE}: sends each line of FILE as one UDP datagram from SRC, RATE a
 *       second, evenly paced; prints {@code sent N in MS ms};
 *   <li>{@code knock SRC DST PORT TCPPORT WIRE}: sends WIRE from SRC, then starts a TCP connection from SRC to
 *       DST:TCPPORT every 5 ms until one is accepted; prints {@code open MS} (milliseconds from the send to the
 *       first accepted connection) or {@code closed} after 10 s, then {@code sent EPOCHMILLIS}.
 * </ul>
 */
public final class Sender {
  private Sender() {}

  public static void main(String[] args) throws Exception {
    InetAddress src = InetAddress.getByName(args[1]);
    InetAddress dst = InetAddress.getByName(args[2]);
    int port = Integer.parseInt(args[3]);
    switch (args[0]) {
      case "flood" -> flood(src, dst, port, Integer.parseInt(args[4]), Files.readAllLines(Path.of(args[5])));
      case "knock" -> knock(src, dst, port, Integer.parseInt(args[4]), args[5]);
      default -> throw new IllegalArgumentException("flood or knock: " + args[0]);
    }
  }

  private static void flood(InetAddress src, InetAddress dst, int port, int rate, List<String> wires)
      throws IOException {
    long start = System.nanoTime();
    long gap = TimeUnit.SECONDS.toNanos(1) / rate;
    try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(src, 0))) {
      for (int i = 0; i < wires.size(); i++) {
        long due = start + i * gap;
        long wait;
        while ((wait = due - System.nanoTime()) > 0) {
          LockSupport.parkNanos(wait);
        }
        byte[] b = wires.get(i).getBytes(StandardCharsets.US_ASCII);
        s.send(new DatagramPacket(b, b.length, dst, port));
      }
    }
    System.out.println("sent " + wires.size() + " in " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)
        + " ms");
  }

  private static void knock(InetAddress src, InetAddress dst, int port, int tcpPort, String wire) throws Exception {
    ExecutorService probes = Executors.newVirtualThreadPerTaskExecutor();
    CompletableFuture<Long> open = new CompletableFuture<>();
    byte[] b = wire.getBytes(StandardCharsets.US_ASCII);
    long sent;
    long sentAt;
    try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(src, 0))) {
      sentAt = System.currentTimeMillis();
      sent = System.nanoTime();
      s.send(new DatagramPacket(b, b.length, dst, port));
    }
    long deadline = sent + TimeUnit.SECONDS.toNanos(10);
    while (!open.isDone() && System.nanoTime() < deadline) {
      probes.execute(() -> {
        try (Socket c = new Socket()) {
          c.bind(new InetSocketAddress(src, 0));
          c.connect(new InetSocketAddress(dst, tcpPort), 1000);
          open.complete(System.nanoTime());
        } catch (IOException e) {
          // filtered (no answer) or refused: the next probe tries again
        }
      });
      Thread.sleep(5);
    }
    Long at = open.getNow(null);
    System.out.println((at == null ? "closed" : "open " + TimeUnit.NANOSECONDS.toMillis(at - sent)) + " sent " + sentAt);
    System.out.flush();
    Runtime.getRuntime().halt(0); // probes still waiting on dropped SYNs need not finish
  }
}
