package spa.server.testkit;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigSyntax;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import spa.core.ConfigException;
import spa.core.MessageType;
import spa.core.Packet;
import spa.core.Settings;
import spa.core.SpaException;
import spa.core.SpaMessage;
import spa.core.codec.SpaCodec;
import spa.core.spi.Decryptor;
import spa.core.spi.Encryptor;
import spa.server.config.ConfigLoader;
import spa.server.config.ServerConfig;
import spa.server.policy.Policy;
import spa.server.policy.PolicyCompiler;

/** Builds real SPA packets with the aes plugin and real configurations from text, for the tests. */
public final class TestKit {
  public static final String KEY = "fwknoptest";
  public static final String HMAC = "hmactest";

  private TestKit() {}

  /** The cipher plugins on the module path. */
  public static List<Decryptor> decryptors() {
    List<Decryptor> out = new ArrayList<>();
    ServiceLoader.load(Decryptor.class).forEach(out::add);
    return out;
  }

  /** A client encryptor for {@code KEY=..., HMAC_KEY=...} style pairs. */
  public static Encryptor.Keyed encryptor(String... keyValues) {
    TestKit.class.getModule().addUses(Encryptor.class);
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i < keyValues.length; i += 2) {
      m.put(keyValues[i], keyValues[i + 1]);
    }
    Settings s = Settings.of(m, "test");
    for (Encryptor e : ServiceLoader.load(Encryptor.class)) {
      if (e.configuredBy(s)) {
        try {
          return e.forKeys(s);
        } catch (ConfigException ex) {
          throw new IllegalStateException(ex.toString(), ex);
        }
      }
    }
    throw new IllegalStateException("no encryptor for " + m.keySet());
  }

  /** The default test keys: KEY fwknoptest, HMAC_KEY hmactest (sha256), CBC. */
  public static Encryptor.Keyed defaultEncryptor() {
    return encryptor("KEY", KEY, "HMAC_KEY", HMAC);
  }

  /** An access message for {@code allow,access} from user {@code user} at {@code timestamp}. */
  public static SpaMessage.Builder access(String user, String allow, String access, long timestamp) {
    return SpaMessage.builder().random(SpaCodec.randomValue()).user(user).timestamp(timestamp)
        .type(MessageType.ACCESS).access(allow, access);
  }

  public static String wire(Encryptor.Keyed e, SpaMessage m) {
    try {
      return e.encrypt(SpaCodec.encode(m));
    } catch (SpaException ex) {
      throw new IllegalStateException(ex.getMessage(), ex);
    }
  }

  /** A UDP packet to port 62201 carrying {@code payload}. */
  public static Packet udp(String src, String dst, String payload) {
    return new Packet(addr(src), 40000, addr(dst), 62201, Packet.UDP, payload.getBytes(StandardCharsets.ISO_8859_1),
        Instant.now());
  }

  public static InetAddress addr(String literal) {
    try {
      return InetAddress.getByName(literal);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException(literal, e);
    }
  }

  public static long now() {
    return System.currentTimeMillis() / 1000;
  }

  /** Writes {@code fwknopd.conf} and {@code access.conf} into {@code dir} and loads them. */
  public static ServerConfig config(Path dir, String serverConf, String accessConf) throws IOException, ConfigException {
    Path c = dir.resolve("fwknopd.conf");
    Path a = dir.resolve("access.conf");
    Files.writeString(c, serverConf);
    Files.writeString(a, accessConf);
    Settings cli = Settings.builder("command line").put("ACCESS_FILE", a.toString()).build();
    return new ConfigLoader(w -> { }).load(new ConfigLoader.Sources(c, List.of(), cli, null));
  }

  public static Policy policy(ServerConfig config) throws ConfigException {
    return new PolicyCompiler(decryptors(), ZoneId::systemDefault).compile(config);
  }

  /** Writes {@code packets} as an Ethernet pcap file. */
  public static void writePcap(Path file, List<Packet> packets) throws IOException {
    try (spa.pcap.format.testkit.PcapWriter w = spa.pcap.format.testkit.PcapWriter.create(file,
        spa.pcap.format.PcapHeader.of(spa.pcap.format.LinkType.EN10MB))) {
      for (Packet p : packets) {
        w.write(p.arrival(), spa.pcap.format.testkit.Frames.link(spa.pcap.format.LinkType.EN10MB, spa.pcap.format.testkit.Frames.ip(p)));
      }
    }
  }

  /** Runs spad in this JVM; returns exit status, events (standard output) and messages (standard error). */
  public record Run(int status, String events, String out, String err) {
    public List<Config> json() {
      return jsonLines(events);
    }
  }

  public static Run spad(String... args) {
    return spad(spa.server.cli.Hooks.NONE, args);
  }

  public static Run spad(spa.server.cli.Hooks hooks, String... args) {
    ByteArrayOutputStream events = new ByteArrayOutputStream();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status = spa.server.cli.SpadCommand.run(args, events, new java.io.PrintStream(out, true, StandardCharsets.UTF_8),
        new java.io.PrintStream(err, true, StandardCharsets.UTF_8), hooks);
    return new Run(status, events.toString(StandardCharsets.UTF_8), out.toString(StandardCharsets.UTF_8),
        err.toString(StandardCharsets.UTF_8));
  }

  /**
   * Waits until {@code done} holds, checking every few milliseconds, and fails naming {@code what} when it does
   * not within a generous deadline: for outcomes another thread brings about, never as a measure of speed.
   */
  public static void await(java.util.function.BooleanSupplier done, String what) {
    long end = System.nanoTime() + java.time.Duration.ofSeconds(20).toNanos();
    while (!done.getAsBoolean()) {
      if (System.nanoTime() > end) {
        throw new AssertionError("never happened: " + what);
      }
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted waiting for: " + what);
      }
    }
  }

  /** Parses JSON lines. */
  public static List<Config> jsonLines(String text) {
    List<Config> out = new ArrayList<>();
    for (String line : text.split("\n")) {
      if (!line.isBlank()) {
        out.add(ConfigFactory.parseString(line, ConfigParseOptions.defaults().setSyntax(ConfigSyntax.JSON)));
      }
    }
    return out;
  }

  public static List<Config> jsonLines(ByteArrayOutputStream out) {
    return jsonLines(out.toString(StandardCharsets.UTF_8));
  }
}
