package spa.cipher.aes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import spa.core.MessageType;
import spa.core.Settings;
import spa.core.SpaMessage;
import spa.core.codec.SpaCodec;
import spa.core.spi.Decryptor;

/** The sample spad warms its packet path with: packets like a client's, under keys of their own only. */
class SampleTest {

  @Test
  void samplePacketsAreDistinctAccessRequestsThatOnlyTheSampleKeysOpen() throws Exception {
    Decryptor aes = new AesDecryptor();
    Decryptor.Sample s = aes.sample();
    Decryptor.Keyed sampleKeys = aes.forStanza(s.keys());
    Decryptor.Keyed stanza = aes.forStanza(Settings.of(Map.of("KEY", "fwknoptest", "HMAC_KEY", "hmactest"), "t"));
    Set<String> seen = new HashSet<>();
    for (byte[] w : s.packets()) {
      assertEquals(true, seen.add(new String(w, java.nio.charset.StandardCharsets.ISO_8859_1)), "a packet twice");
      Decryptor.Opened o = sampleKeys.open(w, 0, w.length);
      assertNotNull(o);
      SpaMessage m = SpaCodec.decode(o.plaintext());
      assertEquals(MessageType.ACCESS, m.type());
      assertEquals(s.source().getHostAddress(), m.allowIp());
      assertNull(stanza.open(w, 0, w.length), "a stanza's keys opened a sample packet");
    }
    assertEquals(64, seen.size());
    // each sample has keys of its own
    byte[] first = s.packets().get(0);
    assertNull(aes.forStanza(aes.sample().keys()).open(first, 0, first.length));
  }
}
