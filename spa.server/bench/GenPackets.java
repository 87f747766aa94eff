/*
 * Benchmark input generator for compare-fwknopd.sh: writes pcap files of distinct valid SPA packets (spa's own
 * encoder and the aes plugin), of garbage packets, an fwknop-format digest.cache of random records, and access.conf
 * files of many stanzas. Every packet is distinct, as real traffic is: a valid one has its own salt, random value
 * and timestamp (so its own replay digest), a garbage one its own random bytes.
 *
 * Run as a single-file program with spa's modules and spa.pcap-format's test-jar on the module path (OPTS:
 * --module-path LIB:TESTJAR --add-modules spa.core,spa.pcap.format,spa.pcap.format.testkit,spa.cipher.aes,spa.server
 * --add-exports spa.server/spa.server.replay=ALL-UNNAMED):
 *   java OPTS GenPackets.java valid N FILE KEY_B64 HMAC_B64
 *   java OPTS GenPackets.java garbage N FILE
 *   java OPTS GenPackets.java digests N FILE
 *   java OPTS GenPackets.java mixed N FILE KEY_B64 HMAC_B64
 *   java OPTS GenPackets.java compact DIGEST_FILE SPAD_FILE
 *   java OPTS GenPackets.java access N FILE
 * (mixed: valid and garbage packets in turn, a training input that takes every path of the packet code;
 * compact: the records of an fwknop-format file written as spad keeps them once it has compacted its cache;
 * access: N stanzas, SOURCE ANY, each with its own random keys; the last stanza's KEY_BASE64 and HMAC_KEY_BASE64
 * are printed on standard output, one a line)
 */
import java.io.BufferedWriter;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import spa.core.MessageType;
import spa.core.Packet;
import spa.core.Settings;
import spa.core.SpaMessage;
import spa.pcap.format.testkit.Frames;
import spa.pcap.format.LinkType;
import spa.pcap.format.PcapHeader;
import spa.pcap.format.testkit.PcapWriter;
import spa.core.codec.Base64s;
import spa.core.codec.SpaCodec;
import spa.core.spi.Encryptor;
import spa.server.replay.DigestStore;
import spa.server.replay.ReplayCache;

public class GenPackets {
  public static void main(String[] args) throws Exception {
    String what = args[0];
    if (what.equals("compact")) {
      ReplayCache cache = new ReplayCache();
      DigestStore.read(Path.of(args[1]), cache, Long.MIN_VALUE);
      DigestStore.create(Path.of(args[2]), cache);
      return;
    }
    int n = Integer.parseInt(args[1]);
    Path file = Path.of(args[2]);
    switch (what) {
      case "valid" -> valid(n, file, args[3], args[4]);
      case "mixed" -> mixed(n, file, args[3], args[4]);
      case "garbage" -> garbage(n, file);
      case "digests" -> digests(n, file);
      case "access" -> access(n, file);
      default -> throw new IllegalArgumentException(what);
    }
  }

  private static void valid(int n, Path file, String key, String hmac) throws Exception {
    String[] wires = validWires(n, key, hmac);
    write(file, n, i -> wires[i]);
  }

  private static void mixed(int n, Path file, String key, String hmac) throws Exception {
    String[] wires = validWires((n + 1) / 2, key, hmac);
    java.util.function.IntFunction<String> junk = garbageWires();
    write(file, n, i -> i % 2 == 0 ? wires[i / 2] : junk.apply(i));
  }

  private static String[] validWires(int n, String key, String hmac) throws Exception {
    Settings s = Settings.of(Map.of("KEY_BASE64", key, "HMAC_KEY_BASE64", hmac, "USE_HMAC", "Y"), "bench");
    Encryptor.Keyed enc = null;
    for (Encryptor e : ServiceLoader.load(Encryptor.class)) {
      if (e.configuredBy(s)) {
        enc = e.forKeys(s);
      }
    }
    if (enc == null) {
      throw new IllegalStateException("no aes encryptor on the module path");
    }
    Encryptor.Keyed keyed = enc;
    long now = System.currentTimeMillis() / 1000;
    long seed = new SecureRandom().nextLong();
    String[] wires = new String[n];
    IntStream.range(0, n).parallel().forEach(i -> {
      // 9 random digits, then the packet's number: no two random values alike (the salt is the encryptor's own)
      SplittableRandom r = new SplittableRandom(seed + i * 0x9E3779B97F4A7C15L);
      String rand = String.format("%09d%07d", r.nextInt(1_000_000_000), i % 10_000_000);
      // one timestamp per packet (aging is off in the benchmark), a second apart
      SpaMessage m = SpaMessage.builder().random(rand).user("bench").timestamp(now - i)
          .type(MessageType.ACCESS).access("127.0.0.2", "tcp/22").build();
      try {
        wires[i] = keyed.encrypt(SpaCodec.encode(m));
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    return wires;
  }

  private static void garbage(int n, Path file) throws Exception {
    write(file, n, garbageWires());
  }

  /** Base64 packets of real-packet length whose HMAC fails. */
  private static java.util.function.IntFunction<String> garbageWires() {
    SecureRandom seed = new SecureRandom();
    SplittableRandom r = new SplittableRandom(seed.nextLong());
    byte[] junk = new byte[150]; // 200 base64 characters, like a real packet with an HMAC
    return i -> {
      for (int k = 0; k < junk.length; k++) {
        junk[k] = (byte) r.nextInt(256);
      }
      String w = Base64s.encode(junk);
      // never the stripped prefixes: those the prefilter drops without a look
      return w.startsWith("U2FsdGVkX1") || w.startsWith("hQ") ? "A" + w.substring(1) : w;
    };
  }

  private static void write(Path file, int n, java.util.function.IntFunction<String> payload) throws Exception {
    InetAddress src = InetAddress.getByName("127.0.0.1");
    InetAddress dst = InetAddress.getByName("127.0.0.1");
    Instant t = Instant.now();
    try (PcapWriter w = PcapWriter.create(file, PcapHeader.of(LinkType.EN10MB))) {
      for (int i = 0; i < n; i++) {
        byte[] p = payload.apply(i).getBytes(StandardCharsets.US_ASCII);
        Packet pkt = new Packet(src, 40000 + (i % 20000), dst, 62201, Packet.UDP, p, t);
        w.write(t, Frames.link(LinkType.EN10MB, Frames.ip(pkt)));
      }
    }
  }

  private static void access(int n, Path file) throws Exception {
    SecureRandom r = new SecureRandom();
    byte[] key = new byte[32];
    byte[] hmac = new byte[64];
    java.util.Base64.Encoder b64 = java.util.Base64.getEncoder();
    try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.US_ASCII)) {
      for (int i = 0; i < n; i++) {
        r.nextBytes(key);
        r.nextBytes(hmac);
        w.write("SOURCE ANY\nKEY_BASE64 " + b64.encodeToString(key) + "\nHMAC_KEY_BASE64 " + b64.encodeToString(hmac)
            + "\nFW_ACCESS_TIMEOUT 30\n\n");
      }
    }
    System.out.println(b64.encodeToString(key));
    System.out.println(b64.encodeToString(hmac));
  }

  private static void digests(int n, Path file) throws Exception {
    SplittableRandom r = new SplittableRandom(new SecureRandom().nextLong());
    long now = System.currentTimeMillis() / 1000;
    byte[] d = new byte[32];
    try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.US_ASCII)) {
      w.write("# <digest> <proto> <src_ip> <src_port> <dst_ip> <dst_port> <time>\n");
      for (int i = 0; i < n; i++) {
        for (int k = 0; k < d.length; k++) {
          d[k] = (byte) r.nextInt(256);
        }
        w.write(Base64s.encode(d) + " 17 127.0.0.1 " + (40000 + i % 20000) + " 0.0.0.0 62201 " + now + "\n");
      }
    }
  }
}
