/*
 * Benchmark input generator for compare-fwknopd-gpg.sh: pcap files of distinct valid GnuPG SPA packets (spa's own
 * encoder and the gpg plugin: encrypted to the server's key and signed, as spa -g makes them) and of garbage
 * packets of GnuPG size.
 *
 * Run as a single-file program with spa's modules, the gpg plugin and spa.pcap-format's test-jar on the module
 * path (OPTS: --module-path LIB:PLUGIN:TESTJAR --add-modules
 * spa.core,spa.pcap.format,spa.pcap.format.testkit,spa.cipher.gpg):
 *   java OPTS GenGpgPackets.java valid N FILE GNUPG_HOME RECIPIENT SIGNER [HMAC_B64]
 *   java OPTS GenGpgPackets.java garbage N FILE LENGTH
 *   java OPTS GenGpgPackets.java head N FILE OUT
 * (garbage: base64 of LENGTH characters, never starting with a stripped prefix, which fwknopd drops unread;
 * head: the first N packets of a pcap file, for fwknopd, whose -C does not stop it inside a pcap dispatch)
 */
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import spa.core.MessageType;
import spa.core.Packet;
import spa.core.Settings;
import spa.core.SpaMessage;
import spa.core.codec.Base64s;
import spa.core.codec.SpaCodec;
import spa.core.spi.Encryptor;
import spa.pcap.format.LinkType;
import spa.pcap.format.PcapHeader;
import spa.pcap.format.testkit.Frames;
import spa.pcap.format.testkit.PcapWriter;

public class GenGpgPackets {
  public static void main(String[] args) throws Exception {
    int n = Integer.parseInt(args[1]);
    Path file = Path.of(args[2]);
    if (args[0].equals("head")) {
      head(n, file, Path.of(args[3]));
      return;
    }
    switch (args[0]) {
      case "valid" -> write(file, valid(n, args[3], args[4], args[5], args.length > 6 ? args[6] : null));
      case "garbage" -> write(file, garbage(n, Integer.parseInt(args[3])));
      default -> throw new IllegalArgumentException(args[0]);
    }
  }

  private static String[] valid(int n, String home, String recipient, String signer, String hmac) throws Exception {
    Map<String, String> m = new HashMap<>(Map.of("USE_GPG", "Y", "GPG_HOMEDIR", home, "GPG_RECIPIENT", recipient,
        "GPG_SIGNER", signer, "GPG_NO_SIGNING_PW", "Y"));
    if (hmac != null) {
      m.putAll(Map.of("HMAC_KEY_BASE64", hmac, "USE_HMAC", "Y"));
    }
    Settings s = Settings.of(m, "bench");
    Encryptor gpg = null;
    for (Encryptor e : ServiceLoader.load(Encryptor.class)) {
      if (e.name().equals("gpg")) {
        gpg = e;
      }
    }
    if (gpg == null) {
      throw new IllegalStateException("no gpg encryptor on the module path");
    }
    Encryptor.Keyed keyed = gpg.forKeys(s);
    long now = System.currentTimeMillis() / 1000;
    String[] wires = new String[n];
    IntStream.range(0, n).parallel().forEach(i -> {
      SplittableRandom r = new SplittableRandom(i * 0x9E3779B97F4A7C15L + System.nanoTime());
      StringBuilder rand = new StringBuilder(16);
      for (int d = 0; d < 16; d++) {
        rand.append((char) ('0' + r.nextInt(10)));
      }
      SpaMessage msg = SpaMessage.builder().random(rand.toString()).user("bench").timestamp(now)
          .type(MessageType.ACCESS).access("127.0.0.2", "tcp/22").build();
      try {
        wires[i] = keyed.encrypt(SpaCodec.encode(msg));
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    return wires;
  }

  /** Base64 text of {@code length} characters that no key opens. */
  private static String[] garbage(int n, int length) {
    SplittableRandom r = new SplittableRandom(new SecureRandom().nextLong());
    byte[] junk = new byte[length * 3 / 4];
    String[] out = new String[n];
    for (int i = 0; i < n; i++) {
      for (int k = 0; k < junk.length; k++) {
        junk[k] = (byte) r.nextInt(256);
      }
      String w = Base64s.encode(junk);
      out[i] = w.startsWith("U2FsdGVkX1") || w.startsWith("hQ") ? "A" + w.substring(1) : w;
    }
    return out;
  }

  /** Copies the classic pcap header and the first {@code n} records of {@code in} to {@code out}. */
  private static void head(int n, Path in, Path out) throws Exception {
    java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(java.nio.file.Files.readAllBytes(in));
    int magic = b.getInt(0);
    b.order(magic == 0xa1b2c3d4 || magic == 0xa1b23c4d ? java.nio.ByteOrder.BIG_ENDIAN
        : java.nio.ByteOrder.LITTLE_ENDIAN);
    int at = 24;
    for (int i = 0; i < n && at < b.limit(); i++) {
      at += 16 + b.getInt(at + 8);
    }
    java.nio.file.Files.write(out, java.util.Arrays.copyOf(b.array(), at));
  }

  private static void write(Path file, String[] wires) throws Exception {
    InetAddress lo = InetAddress.getByName("127.0.0.1");
    Instant t = Instant.now();
    try (PcapWriter w = PcapWriter.create(file, PcapHeader.of(LinkType.EN10MB))) {
      for (int i = 0; i < wires.length; i++) {
        byte[] p = wires[i].getBytes(StandardCharsets.US_ASCII);
        Packet pkt = new Packet(lo, 40000 + (i % 20000), lo, 62201, Packet.UDP, p, t);
        w.write(t, Frames.link(LinkType.EN10MB, Frames.ip(pkt)));
      }
    }
  }
}
