package spa.server.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;
import spa.core.SpaException;
import spa.core.codec.SpaCodec;
import spa.core.spi.Decryptor;

/**
 * The packet path compiled before the first knock: the ciphers' sample packets (throwaway keys,
 * {@link Decryptor#sample()}) opened and decoded as {@link KeyTrial} does, some thousands of times, on a daemon
 * thread of its own once spad is ready. Knocks are rare, so without it every one runs the decryption
 * interpreted (~200 us more per knock, after tens of knocks still). Touches nothing but its own samples: no
 * replay record, event, count or grant.
 */
public final class WarmUp {
  private WarmUp() {}

  /**
   * Starts deciding {@code packets} sample packets, taking turns among the samples {@code samples} gives (made
   * on the warm-up thread: sealing them is work too); {@code done} then gets one line saying what was done, or
   * {@code failed} one saying why not. Nothing happens for no packets or no samples.
   */
  public static void start(Supplier<List<Decryptor.Sample>> samples, int packets, Consumer<String> done,
      Consumer<String> failed) {
    if (packets <= 0) {
      return;
    }
    Thread t = new Thread(() -> {
      long t0 = System.nanoTime();
      try {
        List<Decryptor.Sample> s = samples.get();
        if (s.isEmpty()) {
          return;
        }
        run(s, packets);
        done.accept("warm-up: " + packets + " sample packets decided in " + (System.nanoTime() - t0) / 1_000_000
            + " ms");
      } catch (SpaException | RuntimeException e) {
        failed.accept("warm-up stopped (knocks are decided all the same, more slowly at first): " + e.getMessage());
      }
    }, "spa-warm-up");
    t.setDaemon(true);
    t.start();
  }

  /**
   * Opens and decodes {@code packets} packets of {@code samples}, in turn.
   *
   * @throws SpaException when a sample packet does not decode, IllegalStateException when one does not open (a
   *     cipher's sample is wrong)
   */
  static void run(List<Decryptor.Sample> samples, int packets) throws SpaException {
    List<Decryptor.Keyed> keys = new ArrayList<>();
    List<byte[]> wires = new ArrayList<>();
    for (Decryptor.Sample s : samples) {
      for (byte[] w : s.packets()) {
        keys.add(s.keyed());
        wires.add(w);
      }
    }
    for (int i = 0; i < packets; i++) {
      int j = i % wires.size();
      byte[] w = wires.get(j);
      Decryptor.Opened o = keys.get(j).open(w, 0, w.length);
      if (o == null) {
        throw new IllegalStateException("a sample packet did not open with its own keys");
      }
      SpaCodec.decode(o.plaintext());
    }
  }
}
