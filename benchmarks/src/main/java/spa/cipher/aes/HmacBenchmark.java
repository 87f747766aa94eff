package spa.cipher.aes;

import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
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
import org.openjdk.jmh.annotations.Warmup;
import spa.core.DigestType;

/**
 * What {@link Hmac}'s precomputed pad states buy over {@code javax.crypto.Mac}: one HMAC-SHA256 of a packet's
 * base64 text (167 bytes, the prefix restored), the check every packet costs for every stanza it is tried
 * against. In package {@code spa.cipher.aes} because {@link Hmac} is package-private.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class HmacBenchmark {
  private byte[] key;
  private byte[] text;
  private final byte[] out = new byte[32];
  private Hmac padStates;
  private Mac reused;
  private Mac initialized;
  private SecretKeySpec spec;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    SecureRandom r = new SecureRandom();
    key = new byte[64];
    r.nextBytes(key);
    text = new byte[167];
    r.nextBytes(text);
    padStates = new Hmac(DigestType.SHA256, key);
    spec = new SecretKeySpec(key, "HmacSHA256");
    reused = Mac.getInstance("HmacSHA256");
    reused.init(spec);
    initialized = Mac.getInstance("HmacSHA256");
    initialized.init(spec);
    if (!Arrays.equals(padStates(), macReused()) || !Arrays.equals(padStates(), macFresh())
        || !Arrays.equals(padStates(), macCloned())) {
      throw new IllegalStateException("the HMACs differ");
    }
  }

  /** spa: copies of the digests after the key's inner and outer pad blocks. */
  @Benchmark
  public byte[] padStates() throws GeneralSecurityException {
    padStates.mac(text, 0, text.length, out);
    return out;
  }

  /** The library, one Mac per key kept and reused: it digests both pad blocks again for every message. */
  @Benchmark
  public byte[] macReused() throws GeneralSecurityException {
    reused.update(text);
    reused.doFinal(out, 0);
    return out;
  }

  /** The library, a Mac made and keyed for each message. */
  @Benchmark
  public byte[] macFresh() throws GeneralSecurityException {
    Mac m = Mac.getInstance("HmacSHA256");
    m.init(spec);
    m.update(text);
    m.doFinal(out, 0);
    return out;
  }

  /** The library, a copy of a keyed Mac for each message (the copy has not digested the pads yet either). */
  @Benchmark
  public byte[] macCloned() throws Exception {
    Mac m = (Mac) initialized.clone();
    m.update(text);
    m.doFinal(out, 0);
    return out;
  }
}
