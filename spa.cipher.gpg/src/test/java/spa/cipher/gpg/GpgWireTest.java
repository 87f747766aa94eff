package spa.cipher.gpg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.util.Base64;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The structural look at a decoded message before any key operation, on messages built octet by octet. */
class GpgWireTest {
  private final Random random = new Random(20261203);

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }

  /** A session-key packet body: version 3, a key id, {@code algorithm}, then {@code fields}. */
  private byte[] sessionKeyBody(int algorithm, byte[] fields) {
    byte[] id = new byte[8];
    random.nextBytes(id);
    return concat(new byte[] {3}, id, new byte[] {(byte) algorithm}, fields);
  }

  private byte[] octets(int n) {
    byte[] b = new byte[n];
    random.nextBytes(b);
    return b;
  }

  private byte[] mpi(int octets) {
    byte[] b = octets(octets);
    b[0] |= (byte) 0x80;
    int bits = octets * 8;
    return concat(new byte[] {(byte) (bits >>> 8), (byte) bits}, b);
  }

  /** Old-format tag 1 with a one-octet length. */
  private static byte[] oldTag1(byte[] body) {
    return concat(new byte[] {(byte) 0x84, (byte) body.length}, body);
  }

  /** Old-format tag 1 with a two-octet length (fwknop's form). */
  private static byte[] oldTag1Long(byte[] body) {
    return concat(new byte[] {(byte) 0x85, (byte) (body.length >>> 8), (byte) body.length}, body);
  }

  /** A new-format tag 18 packet of {@code n} random octets, sent as 512-octet partial chunks then the rest. */
  private byte[] data(int n) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(0xD2);
    int left = n;
    while (left >= 512 + 192) {
      out.write(0xE9); // a partial chunk of 2^9 octets
      out.writeBytes(octets(512));
      left -= 512;
    }
    if (left < 192) {
      out.write(left);
    } else {
      out.write(((left - 192) >>> 8) + 192);
      out.write(left - 192);
    }
    out.writeBytes(octets(left));
    return out.toByteArray();
  }

  /** An ECDH session-key packet as gpg writes it for a Curve25519 key: 78, 86 or 94 octets, one-octet length. */
  private byte[] ecdhSessionKey() {
    int wrapped = 32 + 8 * random.nextInt(3);
    return oldTag1(sessionKeyBody(18, concat(mpi(33), new byte[] {(byte) wrapped}, octets(wrapped))));
  }

  @Test
  void gpgsShapeIsWellFormedForEachAlgorithm() {
    assertTrue(GpgWire.wellFormed(concat(oldTag1Long(sessionKeyBody(1, mpi(256))), data(900))));
    assertTrue(GpgWire.wellFormed(concat(ecdhSessionKey(), data(300))));
    assertTrue(GpgWire.wellFormed(concat(oldTag1Long(sessionKeyBody(16, concat(mpi(128), mpi(128)))), data(100))));
    assertTrue(GpgWire.wellFormed(concat(oldTag1(sessionKeyBody(25, concat(octets(32), new byte[] {41},
        octets(41)))), data(10))));
    // two recipients, then the data
    assertTrue(GpgWire.wellFormed(concat(ecdhSessionKey(), oldTag1Long(sessionKeyBody(1, mpi(256))), data(2000))));
  }

  @Test
  void anythingElseIsNot() {
    byte[] key = ecdhSessionKey();
    assertFalse(GpgWire.wellFormed(data(300)), "no session key");
    assertFalse(GpgWire.wellFormed(key), "no data");
    assertFalse(GpgWire.wellFormed(new byte[0]));
    // a session-key packet one octet longer than its fields
    byte[] body = sessionKeyBody(1, concat(mpi(256), new byte[] {0}));
    assertFalse(GpgWire.wellFormed(concat(oldTag1Long(body), data(50))));
    // a whole packet after the data: a marker packet, and another data packet
    assertFalse(GpgWire.wellFormed(concat(key, data(300), new byte[] {(byte) 0xCA, 3, 'P', 'G', 'P'})));
    assertFalse(GpgWire.wellFormed(concat(key, data(300), data(5))));
    // an algorithm this server has no keys of
    assertFalse(GpgWire.wellFormed(concat(oldTag1(sessionKeyBody(99, octets(20))), data(50))));
  }

  /** Random octets can start a chunk or a packet that runs past the end: not well formed, and nothing throws. */
  @Test
  void packetsPastTheEndAreNotWellFormed() {
    byte[] key = ecdhSessionKey();
    assertFalse(GpgWire.wellFormed(concat(key, new byte[] {(byte) 0xD2, (byte) 0xE5, 0, 0, 0})));
    assertFalse(GpgWire.wellFormed(concat(key, new byte[] {(byte) 0xD2, (byte) 0xE1, 0, 0, (byte) 0xE4, 0})));
    assertFalse(GpgWire.wellFormed(concat(key, new byte[] {(byte) 0xD2, (byte) 0xE1, 0, 0, (byte) 0xFF, 0})));
    byte[] whole = concat(key, data(400));
    for (int n = 0; n < whole.length; n++) {
      assertFalse(GpgWire.wellFormed(java.util.Arrays.copyOf(whole, n)), "cut at " + n);
    }
  }

  /**
   * A packet with an HMAC sent to a stanza without one: the MAC's base64 is decoded with the message and, when the
   * message's length is a multiple of three, its 32 octets follow the data packet unchanged. Whatever they are (here
   * 20,000 random MACs after messages of each length modulo three), the message is refused.
   */
  @Test
  void aMacAfterTheMessageIsNeverWellFormed() {
    Base64.Encoder encoder = Base64.getEncoder().withoutPadding();
    for (int i = 0; i < 20_000; i++) {
      byte[] m = concat(oldTag1Long(sessionKeyBody(1, mpi(256))), data(700 + i % 3));
      String mac = encoder.encodeToString(octets(32));
      byte[] read = GpgWire.binary(GpgWire.ascii(GpgWire.PREFIX + GpgWire.wire(m) + mac)); // as spad reads it
      assertTrue(read != null && read.length >= m.length + 31, mac);
      assertFalse(GpgWire.wellFormed(read), mac);
    }
  }

  /**
   * spa's signed packet with an HMAC, from a GpgMatrixIT run: sent to stanzas without HMAC, its MAC's octets read
   * as one whole packet (old format, tag 15, 30 octets), and gpg (so fwknopd) accepted it. spad refuses it.
   */
  @Test
  void theMatrixPacketWhoseMacReadsAsAPacketIsRefused() throws Exception {
    String wire;
    try (var in = GpgWireTest.class.getResourceAsStream("hmac-packet.wire")) {
      wire = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII).strip();
    }
    byte[] withMac = Base64.getDecoder().decode(GpgInteropTest.pad(GpgWire.PREFIX + wire));
    assertEquals(0xBC, withMac[900] & 0xff);
    assertFalse(GpgWire.wellFormed(withMac));
    String message = wire.substring(0, wire.length() - 43); // an HMAC-SHA256 in base64, unpadded
    assertTrue(GpgWire.wellFormed(Base64.getDecoder().decode(GpgInteropTest.pad(GpgWire.PREFIX + message))));
  }

  /**
   * fwknop's client strips "hF" (or "hE") from a Curve25519 packet, whose session-key packet gpg wrote with a
   * one-octet length: of the prefixes spad tries, only the lost one reads as well formed, for every packet.
   */
  @Test
  void onlyTheLostPrefixReadsAsACurve25519Message() {
    for (int i = 0; i < 20_000; i++) {
      byte[] m = concat(ecdhSessionKey(), data(250 + random.nextInt(200)));
      String text = Base64.getEncoder().withoutPadding().encodeToString(m);
      String lost = text.substring(0, 2);
      assertEquals((m[1] & 0xff) == 78 ? "hE" : "hF", lost);
      for (String prefix : new String[] {"hQ", "hE", "hF"}) {
        byte[] read = Base64.getDecoder().decode(GpgInteropTest.pad(prefix + text.substring(2)));
        assertEquals(prefix.equals(lost), GpgWire.wellFormed(read), prefix + text.substring(2, 40));
      }
    }
  }
}
