/*
 * Sender for scale.sh: N distinct SPA packets, each from its own source address and asking to open that address,
 * sent as UDP datagrams at a fixed rate; and single packets for other users (sent by Knock.java).
 *
 * Run as a single-file program with the image's modules (OPTS: --module-path LIB --add-modules spa.core,spa.cipher.aes):
 *   java OPTS ScaleKnock.java send SERVER UDP_PORT N RATE KEY_B64 HMAC_B64 OUT
 *   java OPTS ScaleKnock.java packet ALLOW KEY_B64 HMAC_B64 FILE
 * send: the sources are 198.18.64.1 onwards (x.x.x.0 and x.x.x.255 skipped), which the client namespace holds as
 * a local route (any address in it can be bound). All packets are made first; knock i leaves at start + i/RATE
 * (late ones at once). OUT gets one line per knock: "SOURCE EPOCH_MICROS" of its send; stderr the rate reached.
 * packet: writes one packet asking to open tcp/22 for ALLOW to FILE.
 */
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.SplittableRandom;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.IntStream;
import spa.core.MessageType;
import spa.core.Settings;
import spa.core.SpaMessage;
import spa.core.codec.SpaCodec;
import spa.core.spi.Encryptor;

public class ScaleKnock {
  private static final int FIRST = (198 << 24) | (18 << 16) | (64 << 8);

  public static void main(String[] args) throws Exception {
    switch (args[0]) {
      case "send" -> send(InetAddress.getByName(args[1]), Integer.parseInt(args[2]), Integer.parseInt(args[3]),
          Integer.parseInt(args[4]), args[5], args[6], Path.of(args[7]));
      case "packet" -> Files.writeString(Path.of(args[4]), wire(keyed(args[2], args[3]), args[1], 0) + "\n");
      default -> throw new IllegalArgumentException(args[0]);
    }
  }

  private static void send(InetAddress server, int port, int n, int rate, String key, String hmac, Path out)
      throws Exception {
    Encryptor.Keyed keyed = keyed(key, hmac);
    InetAddress[] sources = new InetAddress[n];
    for (int i = 0, a = FIRST; i < n; a++) {
      if ((a & 0xff) != 0 && (a & 0xff) != 0xff) {
        sources[i++] = InetAddress.getByAddress(new byte[] {(byte) (a >>> 24), (byte) (a >>> 16), (byte) (a >>> 8),
            (byte) a});
      }
    }
    byte[][] wires = new byte[n][];
    IntStream.range(0, n).parallel().forEach(i -> wires[i] = wire(keyed, sources[i].getHostAddress(), i)
        .getBytes(StandardCharsets.US_ASCII));
    InetSocketAddress target = new InetSocketAddress(server, port);
    long[] sentMicros = new long[n];
    long epochMicros0 = System.currentTimeMillis() * 1000;
    long t0 = System.nanoTime();
    for (int i = 0; i < n; i++) {
      long due = t0 + i * 1_000_000_000L / rate;
      for (long now; (now = System.nanoTime()) < due; ) {
        LockSupport.parkNanos(Math.min(due - now, 200_000));
      }
      try (DatagramChannel ch = DatagramChannel.open()) {
        ch.bind(new InetSocketAddress(sources[i], 0));
        sentMicros[i] = epochMicros0 + (System.nanoTime() - t0) / 1000;
        ch.send(ByteBuffer.wrap(wires[i]), target);
      }
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    List<String> lines = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      lines.add(sources[i].getHostAddress() + " " + sentMicros[i]);
    }
    Files.write(out, lines);
    System.err.printf("sent %d knocks in %.2f s (%.0f/s)%n", n, seconds, n / seconds);
  }

  private static Encryptor.Keyed keyed(String key, String hmac) throws Exception {
    Settings s = Settings.of(Map.of("KEY_BASE64", key, "HMAC_KEY_BASE64", hmac, "USE_HMAC", "Y"), "bench");
    for (Encryptor e : ServiceLoader.load(Encryptor.class)) {
      if (e.configuredBy(s)) {
        return e.forKeys(s);
      }
    }
    throw new IllegalStateException("no aes encryptor on the module path");
  }

  private static String wire(Encryptor.Keyed keyed, String allow, int i) {
    SplittableRandom r = new SplittableRandom(i * 0x9E3779B97F4A7C15L + System.nanoTime());
    StringBuilder rand = new StringBuilder(16);
    for (int d = 0; d < 16; d++) {
      rand.append((char) ('0' + r.nextInt(10)));
    }
    SpaMessage m = SpaMessage.builder().random(rand.toString()).user("bench")
        .timestamp(System.currentTimeMillis() / 1000).type(MessageType.ACCESS).access(allow, "tcp/22").build();
    try {
      return keyed.encrypt(SpaCodec.encode(m));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
