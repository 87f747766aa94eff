package spa.cipher.aes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static spa.cipher.aes.Fixtures.decryptor;
import static spa.cipher.aes.Fixtures.encryptor;
import static spa.cipher.aes.Fixtures.settings;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import spa.core.DigestType;
import spa.core.MessageType;
import spa.core.Settings;
import spa.core.SpaException;
import spa.core.codec.Base64s;
import spa.core.spi.Decryptor;

/**
 * {@code decrypt(byte[], off, len)}, the packet path, gives what {@code decrypt(String)} gives and what the
 * plain String implementation ({@link ReferenceOpener}) gives: the same plaintext, or a refusal (null for the
 * byte form, the same AUTH reason for the String form).
 */
class ByteDecryptTest {
  private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

  static List<Fixtures.Kat> kats() throws Exception {
    return Fixtures.kats();
  }

  @ParameterizedTest
  @MethodSource("kats")
  void knownAnswersDecryptFromBytesAtAnyOffset(Fixtures.Kat kat) throws Exception {
    Decryptor.Keyed dec = decryptor(kat.stanza());
    byte[] packet = kat.packet().getBytes(StandardCharsets.US_ASCII);
    for (int off : new int[] {0, 1, 17}) {
      byte[] buf = new byte[off + packet.length + 5];
      java.util.Arrays.fill(buf, (byte) '*'); // outside base64: read past the range and it fails
      System.arraycopy(packet, 0, buf, off, packet.length);
      assertEquals(kat.plaintext(), dec.decrypt(buf, off, packet.length));
    }
    assertEquals(kat.plaintext(), dec.decrypt(kat.packet()));
  }

  static List<Settings> stanzas() {
    List<Settings> out = new ArrayList<>();
    for (String mode : new String[] {"CBC", "ECB", "CFB", "OFB", "CTR", "LEGACY"}) {
      out.add(settings("KEY", "fwknoptest", "ENCRYPTION_MODE", mode));
      if (!mode.equals("LEGACY")) {
        out.add(settings("KEY", "fwknoptest", "HMAC_KEY", "hmactest", "ENCRYPTION_MODE", mode));
      }
    }
    for (DigestType t : DigestType.values()) {
      out.add(settings("KEY", "fwknoptest", "HMAC_KEY", "hmactest", "HMAC_DIGEST_TYPE", t.fwknopName()));
    }
    return out;
  }

  @ParameterizedTest
  @MethodSource("stanzas")
  void agreesWithTheStringFormsOnValidDamagedAndGarbagePackets(Settings stanza) throws Exception {
    Decryptor.Keyed dec = decryptor(stanza);
    ReferenceOpener reference = new ReferenceOpener(AesKeys.from(stanza, AesKeys.Side.SERVER));
    // a no-HMAC sender for the same stanza: its packets reach the cipher of an HMAC stanza without a MAC
    Settings plainStanza = settings("KEY", stanza.get("KEY").orElseThrow(), "ENCRYPTION_MODE",
        stanza.get("ENCRYPTION_MODE").orElse("CBC"));
    var senders = List.of(encryptor(stanza), encryptor(plainStanza));
    SplittableRandom r = new SplittableRandom(stanza.toString().hashCode());
    int accepted = 0;
    int refused = 0;
    for (int i = 0; i < 400; i++) {
      String valid = senders.get(i % 2).encrypt(RoundTripTest.plaintext(MessageType.ACCESS, DigestType.SHA256));
      String wire = damage(r, valid, i);
      String expected = outcome(() -> reference.open(wire));
      assertEquals(expected, outcome(() -> dec.decrypt(wire)), wire);
      byte[] b = wire.getBytes(StandardCharsets.ISO_8859_1);
      int off = r.nextInt(4);
      byte[] buf = new byte[off + b.length + r.nextInt(3)];
      System.arraycopy(b, 0, buf, off, b.length);
      String fromBytes = dec.decrypt(buf, off, b.length);
      assertEquals(expected.startsWith("refused AUTH") ? null : expected.substring("plaintext ".length()), fromBytes,
          wire);
      // the packet path's form: the plaintext's bytes, in an array of their own
      Decryptor.Opened opened = dec.open(buf, off, b.length);
      assertEquals(fromBytes, opened == null ? null : new String(opened.text(), StandardCharsets.ISO_8859_1), wire);
      if (expected.startsWith("plaintext")) {
        accepted++;
      } else {
        refused++;
      }
    }
    assertTrue(accepted >= 100 && refused >= 150, accepted + " accepted, " + refused + " refused");
  }

  @Test
  void packetsOfManyLengthsTakingTurnsOnOneThreadEachOpenToTheirOwnPlaintext() throws Exception {
    // the cipher keeps one text array per length seen, in a few slots that lengths share: packets whose lengths
    // take the same slot in turn must each be read in full, never through another length's array
    for (Settings stanza : List.of(settings("KEY", "fwknoptest", "HMAC_KEY", "hmactest"), settings("KEY", "fwknoptest"))) {
      Decryptor.Keyed dec = decryptor(stanza);
      var enc = encryptor(stanza);
      List<String> plaintexts = new ArrayList<>();
      List<byte[]> wires = new ArrayList<>();
      java.util.Set<Integer> lengths = new java.util.HashSet<>();
      for (int u = 1; u <= 48; u++) {
        String p = spa.core.codec.SpaCodec.encode(spa.core.SpaMessage.builder().random(spa.core.codec.SpaCodec.randomValue())
            .user("u".repeat(u)).timestamp(1_700_000_000L).type(MessageType.ACCESS).digestType(DigestType.SHA256)
            .access("10.1.2.3", "tcp/22").build());
        byte[] w = enc.encrypt(p).getBytes(StandardCharsets.US_ASCII);
        plaintexts.add(p);
        wires.add(w);
        lengths.add(w.length);
      }
      assertTrue(lengths.size() >= 4, lengths.toString());
      for (int round = 0; round < 3; round++) {
        for (int i = 0; i < wires.size(); i++) {
          int k = (i * 7 + round) % wires.size();
          Decryptor.Opened o = dec.open(wires.get(k), 0, wires.get(k).length);
          assertEquals(plaintexts.get(k), o == null ? null : o.plaintext(), stanza + " packet " + k);
        }
      }
    }
  }

  /** Half the packets stay as sent; the others are damaged in one of several ways. */
  private static String damage(SplittableRandom r, String w, int i) {
    if (i % 4 < 2) {
      return w;
    }
    int p = r.nextInt(w.length());
    return switch (r.nextInt(10)) {
      case 0 -> w.substring(0, p) + ALPHABET.charAt(r.nextInt(64)) + w.substring(p + 1);
      case 1 -> w.substring(0, r.nextInt(w.length() + 1));
      case 2 -> w.substring(0, p) + "=" + w.substring(p + 1);
      case 3 -> RijndaelCodec.PREFIX + w;
      case 4 -> w.substring(0, p) + (char) (r.nextBoolean() ? r.nextInt(256) : r.nextInt(0x2000)) + w.substring(p + 1);
      case 5 -> w + String.valueOf(ALPHABET.charAt(r.nextInt(64))).repeat(1 + r.nextInt(3));
      case 6 -> {
        byte[] junk = new byte[r.nextInt(400)];
        r.nextBytes(junk);
        yield Base64s.encode(junk);
      }
      case 7 -> w.substring(1);
      case 8 -> "A".repeat(r.nextInt(1600));
      default -> {
        // a well-formed container around random blocks, without a MAC
        byte[] c = new byte[16 + 16 * (1 + r.nextInt(8))];
        r.nextBytes(c);
        System.arraycopy("Salted__".getBytes(StandardCharsets.US_ASCII), 0, c, 0, 8);
        yield Base64s.encode(c).substring(RijndaelCodec.PREFIX.length());
      }
    };
  }

  private interface Opener {
    String open() throws SpaException;
  }

  private static String outcome(Opener o) {
    try {
      return "plaintext " + o.open();
    } catch (SpaException e) {
      return "refused " + e.kind() + " " + e.reason();
    }
  }

  @Test
  void emptyRangesAreRefusedLikeEmptyStrings() throws Exception {
    Decryptor.Keyed dec = decryptor(settings("KEY", "fwknoptest", "HMAC_KEY", "hmactest"));
    assertNull(dec.decrypt(new byte[10], 5, 0));
    assertNull(dec.decrypt(null, 0, 0));
    assertEquals("refused AUTH empty packet", outcome(() -> dec.decrypt("")));
  }
}
