package spa.benchmarks;

import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
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
import org.openjdk.jmh.annotations.Warmup;
import spa.core.codec.Base64s;

/**
 * What spa's in-place base64 ({@code Base64s}) buys over {@code java.util.Base64} where the packet path uses it:
 * decoding a packet's container (188 characters that lie inside a larger buffer, the prefix restored) and
 * encoding an HMAC-SHA256 (32 bytes) to compare it with the packet's. The JDK's decoder takes whole arrays
 * only: {@code decodeJdk} pays for the copy that needs, {@code decodeJdkExact} is what the Rijndael opener does
 * (the prefix restored into a kept array of the text's exact length, decoded into a kept container).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class Base64Benchmark {
  private static final int TEXT = 188;
  private final byte[] buffer = new byte[1510];
  private final byte[] exact = new byte[TEXT];
  private final byte[] container = new byte[1500];
  private final byte[] mac = new byte[32];
  private final byte[] macText = new byte[43];
  private final Base64.Decoder jdkDecoder = Base64.getDecoder();
  private final Base64.Encoder jdkEncoder = Base64.getEncoder().withoutPadding();

  @Setup(Level.Trial)
  public void setUp() {
    SecureRandom r = new SecureRandom();
    byte[] raw = new byte[TEXT * 3 / 4];
    r.nextBytes(raw);
    byte[] text = jdkEncoder.encode(raw);
    System.arraycopy(text, 0, buffer, 0, TEXT);
    System.arraycopy(text, 0, exact, 0, TEXT);
    r.nextBytes(mac);
    if (!Arrays.equals(decodeJdk(), Arrays.copyOf(container, decodeInPlace()))
        || !Arrays.equals(decodeJdk(), Arrays.copyOf(container, decodeJdkExact()))
        || !Arrays.equals(encodeJdk(), Arrays.copyOf(encodeInPlace(), 43))) {
      throw new IllegalStateException("the decoders differ");
    }
  }

  /** spa: decodes in place, from the packet buffer into a buffer kept for it. */
  @Benchmark
  public int decodeInPlace() {
    return Base64s.decode(buffer, 0, TEXT, container, 0);
  }

  /** The JDK: the text copied out to an array of its own, decoded to a new array. */
  @Benchmark
  public byte[] decodeJdk() {
    return jdkDecoder.decode(Arrays.copyOf(buffer, TEXT));
  }

  /** The JDK, as the Rijndael opener uses it: from an array of the text's exact length into a kept container. */
  @Benchmark
  public int decodeJdkExact() {
    return jdkDecoder.decode(exact, container);
  }

  /** spa: the MAC's base64 into a buffer kept for it. */
  @Benchmark
  public byte[] encodeInPlace() {
    Base64s.encode(mac, 0, mac.length, macText, 0);
    return macText;
  }

  /** The JDK: the same into the same buffer (its encoder takes a whole array, which the MAC is). */
  @Benchmark
  public byte[] encodeJdk() {
    jdkEncoder.encode(mac, macText);
    return macText;
  }
}
