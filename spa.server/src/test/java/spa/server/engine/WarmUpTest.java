package spa.server.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import spa.core.spi.Decryptor;
import spa.server.testkit.TestKit;

/** The start-up warm-up decides the ciphers' own samples, and says in one line what it did or why it stopped. */
class WarmUpTest {

  private static Decryptor.Sample aesSample() {
    return TestKit.decryptors().stream().filter(d -> d.name().equals("aes")).findFirst().orElseThrow().sample();
  }

  @Test
  void samplesAreDecidedAndTheCountIsReported() throws Exception {
    BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    WarmUp.start(() -> List.of(aesSample()), 300, lines::add, lines::add);
    String line = lines.poll(20, TimeUnit.SECONDS);
    assertTrue(line != null && line.matches("warm-up: 300 sample packets decided in \\d+ ms"), line);
  }

  @Test
  void aSampleWhoseKeysDoNotOpenItsPacketsStopsTheWarmUpWithOneLine() throws Exception {
    Decryptor.Sample a = aesSample();
    Decryptor.Sample wrong = new Decryptor.Sample(aesSample().keyed(), a.packets());
    assertThrows(IllegalStateException.class, () -> WarmUp.run(List.of(wrong), 1));
    BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    WarmUp.start(() -> List.of(wrong), 10, lines::add, lines::add);
    assertEquals("warm-up stopped (knocks are decided all the same, more slowly at first): a sample packet did not "
        + "open with its own keys", lines.poll(20, TimeUnit.SECONDS));
  }

  @Test
  void noPacketsOrNoSamplesIsNoWarmUp() throws Exception {
    BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    WarmUp.start(() -> { throw new AssertionError("samples made for 0 packets"); }, 0, lines::add, lines::add);
    WarmUp.start(List::of, 100, lines::add, lines::add);
    assertEquals(null, lines.poll(300, TimeUnit.MILLISECONDS));
  }
}
