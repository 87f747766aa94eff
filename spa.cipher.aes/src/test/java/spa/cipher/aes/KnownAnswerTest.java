package spa.cipher.aes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static spa.cipher.aes.Fixtures.decryptor;
import static spa.cipher.aes.Fixtures.encryptor;
import static spa.cipher.aes.Fixtures.hex;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import spa.cipher.aes.Fixtures.Kat;
import spa.core.SpaException;
import spa.core.SpaMessage;
import spa.core.codec.SpaCodec;

/** The deterministic vectors of fwknop-kat.json, each accepted by real fwknopd 2.6.10. */
class KnownAnswerTest {

  static List<Kat> kats() throws Exception {
    return Fixtures.kats();
  }

  @Test
  void allEightVectorsAreLoaded() throws Exception {
    assertEquals(8, kats().size());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("kats")
  void encryptWithTheVectorsSaltReproducesTheWirePacket(Kat kat) throws Exception {
    assertEquals(kat.packet(), encryptor(kat.stanza(), hex(kat.salt())).encrypt(kat.plaintext()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("kats")
  void decryptWithTheStanzaGivesThePlaintext(Kat kat) throws Exception {
    String plain = decryptor(kat.stanza()).decrypt(kat.packet());
    assertEquals(kat.plaintext(), plain);
    SpaMessage m = SpaCodec.decode(plain);
    assertEquals(kat.plaintext(), SpaCodec.encode(m));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("kats")
  void theWirePacketStartsWithTheSecondHalfOfTheSaltedHeader(Kat kat) {
    byte[] head = spa.core.codec.Base64s.decode(RijndaelCodec.PREFIX + kat.packet().substring(0, 22));
    assertEquals("Salted__", new String(head, 0, 8, java.nio.charset.StandardCharsets.US_ASCII));
    assertEquals(kat.salt(), java.util.HexFormat.of().formatHex(head, 8, 16));
  }

  /** As fwknopd sorted them: each vector is accepted only by the stanza built for it. */
  @Test
  void eachVectorFailsUnderEveryOtherVectorsStanzaKind() throws Exception {
    List<Kat> kats = kats();
    for (Kat packet : kats) {
      for (Kat stanza : kats) {
        boolean same = java.util.Objects.equals(packet.hmacKey(), stanza.hmacKey())
            && (packet.hmacKey() == null || packet.hmacType().equals(stanza.hmacType()))
            && packet.mode().equals(stanza.mode());
        if (same) {
          assertEquals(packet.plaintext(), decryptor(stanza.stanza()).decrypt(packet.packet()));
        } else {
          SpaException e = assertThrows(SpaException.class, () -> decryptor(stanza.stanza()).decrypt(packet.packet()),
              packet + " under " + stanza);
          assertEquals(SpaException.Kind.AUTH, e.kind());
        }
      }
    }
  }
}
