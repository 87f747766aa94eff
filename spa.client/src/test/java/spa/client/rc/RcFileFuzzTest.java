package spa.client.rc;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import spa.core.ConfigException;

/**
 * {@code ~/.fwknoprc} on arbitrary text: every stanza either becomes a client configuration or is refused with a
 * {@link ConfigException} that names the file, never another exception, and every call ends within a second.
 */
class RcFileFuzzTest {

  @FuzzTest(maxDuration = "5m")
  void rcFileParsesOrRefusesWithItsPlace(byte[] input) {
    String text = new String(input, StandardCharsets.UTF_8);
    long start = System.nanoTime();
    try {
      RcFile rc = RcFile.parse("fuzz.rc", text.lines().toList());
      for (String stanza : rc.stanzas().keySet()) {
        try {
          assertNotNull(ClientConfig.from(rc.effective(stanza)));
        } catch (ConfigException refused) {
          assertTrue(refused.origin() != null && refused.origin().startsWith("fuzz.rc"), refused::toString);
        }
      }
    } catch (ConfigException refused) {
      assertTrue(refused.origin() != null && refused.origin().startsWith("fuzz.rc"), refused::toString);
    } finally {
      assertTrue(System.nanoTime() - start < 1_000_000_000L, "reading the rc file took over a second");
    }
  }
}
