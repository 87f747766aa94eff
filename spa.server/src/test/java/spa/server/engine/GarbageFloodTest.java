package spa.server.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static spa.server.testkit.TestKit.access;
import static spa.server.testkit.TestKit.now;
import static spa.server.testkit.TestKit.wire;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import spa.core.Packet;
import spa.pcap.format.testkit.Frames;
import spa.pcap.format.LinkType;
import spa.pcap.format.PcapHeader;
import spa.pcap.format.testkit.PcapWriter;
import spa.core.codec.Base64s;
import spa.core.spi.Encryptor;
import spa.server.cli.SpadCommand;
import spa.server.testkit.TestKit;

/** A million packets of every kind of garbage through {@code spad -t --pcap-file}, with a few real ones among them. */
class GarbageFloodTest {
  private static final int PACKETS = 1_000_000;
  private static final int VALID_EVERY = 100_000;
  @TempDir
  Path dir;

  /** Counts lines and events by kind without keeping them. */
  private static final class Counter extends OutputStream {
    long lines;
    long accepts;
    long auth;
    long tallies;
    /** Packets the tallied prefilter refusals stand for, by reason, and their events. */
    final java.util.Map<String, Long> prefiltered = new java.util.TreeMap<>();
    long prefilterTallies;
    private static final java.util.regex.Pattern REASON =
        java.util.regex.Pattern.compile("\"reason\":\"(prefix|not-base64)\"");
    private static final java.util.regex.Pattern COUNT = java.util.regex.Pattern.compile("\"count\":(\\d+)");
    private final StringBuilder line = new StringBuilder();

    @Override
    public void write(int b) {
      if (b == '\n') {
        lines++;
        String l = line.toString();
        if (l.contains("\"event\":\"accept\"")) {
          accepts++;
        } else if (l.contains("\"reason\":\"auth\"")) {
          java.util.regex.Matcher m = COUNT.matcher(l);
          auth += m.find() ? Long.parseLong(m.group(1)) : 1;
          tallies++;
        } else if (REASON.matcher(l).find()) {
          java.util.regex.Matcher m = REASON.matcher(l);
          m.find();
          java.util.regex.Matcher c = COUNT.matcher(l);
          prefiltered.merge(m.group(1), c.find() ? Long.parseLong(c.group(1)) : 1, Long::sum);
          prefilterTallies++;
        }
        line.setLength(0);
      } else if (line.length() < 200) {
        line.append((char) b);
      }
    }

    @Override
    public void write(byte[] b, int off, int len) {
      for (int i = off; i < off + len; i++) {
        write(b[i]);
      }
    }
  }

  @Test
  void aMillionGarbagePacketsAreProcessedWithoutError() throws Exception {
    Encryptor.Keyed enc = TestKit.defaultEncryptor();
    SplittableRandom r = new SplittableRandom(42);
    InetAddress src = InetAddress.getByName("198.18.0.10");
    InetAddress dst = InetAddress.getByName("198.18.0.1");
    Instant t = Instant.now();
    Path pcap = dir.resolve("flood.pcap");
    long expectedAuth = 0;
    long expectedPrefix = 0;
    long expectedNotBase64 = 0;
    int valid = 0;
    try (PcapWriter w = PcapWriter.create(pcap, PcapHeader.of(LinkType.EN10MB))) {
      for (int i = 0; i < PACKETS; i++) {
        byte[] payload;
        if (i % VALID_EVERY == 0) {
          payload = wire(enc, access("alice", "10.0.0.5", "tcp/22", now()).build()).getBytes(StandardCharsets.US_ASCII);
          valid++;
        } else {
          switch (i % 5) {
            case 0 -> { // random bytes of any length
              payload = new byte[r.nextInt(0, 600)];
              r.nextBytes(payload);
              if (payload.length > 400 && payload[0] == 'h' && payload[1] == 'Q') {
                expectedPrefix++; // GnuPG's stripped prefix
              } else if (payload.length >= 140 && !base64(payload)) {
                expectedNotBase64++;
              }
            }
            case 1 -> {
              payload = ("U2FsdGVkX1" + b64(r, 150)).getBytes(StandardCharsets.US_ASCII);
              expectedPrefix++;
            }
            case 2 -> payload = b64(r, r.nextInt(1, 104)).getBytes(StandardCharsets.US_ASCII); // under 140
            default -> { // base64 of a real packet's length: fails the HMAC
              String s = b64(r, r.nextInt(105, 400));
              if (s.startsWith("hQ") && s.length() > 400) {
                s = "A" + s.substring(1);
              }
              payload = s.getBytes(StandardCharsets.US_ASCII);
              if (payload.length <= 1500) {
                expectedAuth++;
              }
            }
          }
        }
        int proto = i % 7 == 3 ? Packet.TCP : Packet.UDP;
        w.write(t, Frames.link(LinkType.EN10MB, Frames.ip(src, 1024 + i % 60000, dst, 62201, proto, payload)));
      }
    }
    Path conf = dir.resolve("fwknopd.conf");
    Files.writeString(conf, "PCAP_FILTER udp or tcp\n");
    Path acc = dir.resolve("access.conf");
    Files.writeString(acc, "SOURCE ANY\nKEY " + TestKit.KEY + "\nHMAC_KEY " + TestKit.HMAC + "\n");
    Counter events = new Counter();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status = SpadCommand.run(new String[] {"-t", "-v", "--pcap-file", pcap.toString(), "-C",
        Integer.toString(PACKETS), "-c", conf.toString(), "-a", acc.toString(), "--log-format", "json", "-d",
        dir.resolve("digest.cache").toString()}, events, new PrintStream(new ByteArrayOutputStream()),
        new PrintStream(err, true, StandardCharsets.UTF_8), spa.server.cli.Hooks.NONE);
    String log = err.toString(StandardCharsets.UTF_8);
    assertEquals(0, status, log);
    assertTrue(log.contains("received=" + PACKETS + " "), log);
    assertEquals(valid, events.accepts, log);
    assertEquals(expectedAuth, events.auth, log);
    // the forged packets all come from one source: one tallied event, or a few if the run spans tally periods
    assertTrue(events.tallies >= 1 && events.tallies <= 10, "tallied auth events: " + events.tallies);
    assertEquals(java.util.Map.of("not-base64", expectedNotBase64, "prefix", expectedPrefix), events.prefiltered, log);
    assertTrue(events.prefilterTallies >= 2 && events.prefilterTallies <= 20, "prefilter tallies: " + events.prefilterTallies);
    assertEquals(valid + events.tallies + events.prefilterTallies, events.lines,
        "one event per accept and per tally, and no other");
    Files.delete(pcap);
  }

  /** Only base64's alphabet and '=': what the prefilter lets through to the keys. */
  private static boolean base64(byte[] b) {
    for (byte c : b) {
      if (!(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '+' || c == '/' || c == '=')) {
        return false;
      }
    }
    return true;
  }

  private static String b64(SplittableRandom r, int bytes) {
    byte[] b = new byte[bytes];
    r.nextBytes(b);
    return Base64s.encode(b);
  }
}
