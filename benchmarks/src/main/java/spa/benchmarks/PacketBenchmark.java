package spa.benchmarks;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import spa.core.DigestType;
import spa.core.Settings;
import spa.core.SpaException;
import spa.core.SpaMessage;
import spa.core.codec.Digests;
import spa.core.codec.SpaCodec;
import spa.core.spi.Decryptor;
import spa.core.spi.Encryptor;

/**
 * The CPU cost of one packet with fwknop's default cipher (AES-256-CBC, HMAC-SHA256), on one thread:
 * the client building it, the server accepting it, and the server refusing a forgery. The cipher is found
 * by ServiceLoader, as the client and server find it.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(1)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class PacketBenchmark {
  private static final Settings KEYS = Settings.of(Map.of(
      "KEY", "benchmark passphrase",
      "HMAC_KEY", "benchmark hmac key",
      "HMAC_DIGEST_TYPE", "sha256",
      "ENCRYPTION_MODE", "CBC"), "benchmark");

  private Encryptor.Keyed encryptor;
  private Decryptor.Keyed decryptor;
  private SecureRandom random;
  private String wire;
  private String forged;
  private byte[] wireBytes;
  private byte[] forgedBytes;
  private final byte[] digest = new byte[Digests.MAX_LENGTH];

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    encryptor = ServiceLoader.load(Encryptor.class).stream().map(ServiceLoader.Provider::get)
        .filter(e -> e.name().equals("aes")).findFirst().orElseThrow().forKeys(KEYS);
    decryptor = ServiceLoader.load(Decryptor.class).stream().map(ServiceLoader.Provider::get)
        .filter(d -> d.name().equals("aes")).findFirst().orElseThrow().forStanza(KEYS);
    random = new SecureRandom();
    wire = buildPacket();
    // Same length, last HMAC character changed: refused after the MAC, before any decryption.
    char last = wire.charAt(wire.length() - 1);
    forged = wire.substring(0, wire.length() - 1) + (last == 'A' ? 'B' : 'A');
    wireBytes = wire.getBytes(StandardCharsets.US_ASCII);
    forgedBytes = forged.getBytes(StandardCharsets.US_ASCII);
    if (!decodePacket().equals(SpaCodec.decode(decryptor.decrypt(wire))) || !decodePacket().equals(decodeFromBytes())
        || refuseForgedFromBytes() != null) {
      throw new IllegalStateException("round trip failed");
    }
  }

  /** Client: a fresh message (random value, timestamp), SpaCodec.encode, then encrypt with HMAC. */
  @Benchmark
  public String buildPacket() throws SpaException {
    SpaMessage m = SpaMessage.builder().random(SpaCodec.randomValue(random)).user("alice")
        .timestamp(System.currentTimeMillis() / 1000).access("10.0.0.5", "tcp/22").build();
    return encryptor.encrypt(SpaCodec.encode(m));
  }

  /** Server: HMAC verify, decrypt, SpaCodec.decode (digest check included). */
  @Benchmark
  public SpaMessage decodePacket() throws SpaException {
    return SpaCodec.decode(decryptor.decrypt(wire));
  }

  /** Server, as the packet path calls it: the payload bytes in place, HMAC verify, decrypt, SpaCodec.decode. */
  @Benchmark
  public SpaMessage decodeFromBytes() throws SpaException {
    return SpaCodec.decode(decryptor.decrypt(wireBytes, 0, wireBytes.length));
  }

  /** Server, as the packet path calls it: a forgery refused without an exception (null). */
  @Benchmark
  public String refuseForgedFromBytes() throws SpaException {
    return decryptor.decrypt(forgedBytes, 0, forgedBytes.length);
  }

  /** Server: the replay key of a packet, SHA-256 over the payload, which every packet from a known source costs. */
  @Benchmark
  public byte[] replayDigest() {
    Digests.digest(DigestType.SHA256, wireBytes, 0, wireBytes.length, digest, 0);
    return digest;
  }

  /** Server: a packet whose HMAC does not match, the cost of refusing a forgery or a packet for another stanza. */
  @Benchmark
  public String refuseForgedPacket() {
    try {
      return decryptor.decrypt(forged);
    } catch (SpaException e) {
      return e.reason();
    }
  }
}
