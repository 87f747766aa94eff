package spa.core.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import spa.core.DigestType;
import spa.core.MessageType;
import spa.core.SpaException;
import spa.core.SpaMessage;

/**
 * {@link SpaCodec#decode} reads fields in place; these tests hold it to the plain String decoder
 * ({@link ReferenceDecoder}) on valid messages of every type and digest and on many kinds of damage, with
 * the digest recomputed after the damage so that every field rule is reached, not only the digest check.
 */
class DecodeEquivalenceTest {
  private static final String FIELD_CHARS = "ABCabcxyz0123456789+/=:,. -_*";

  @Test
  void agreesOnValidMessagesOfEveryTypeAndDigest() throws Exception {
    SplittableRandom r = new SplittableRandom(7);
    int accepted = 0;
    for (MessageType type : MessageType.values()) {
      for (DigestType digest : DigestType.values()) {
        for (int i = 0; i < 20; i++) {
          String p = SpaCodec.encode(message(r, type, digest, i % 3 == 0));
          assertEquals(outcome(() -> ReferenceDecoder.decode(p)), outcome(() -> SpaCodec.decode(p)), p);
          assertEquals(SpaCodec.decode(p), ReferenceDecoder.decode(p));
          assertEquals(SpaCodec.decode(p), SpaCodec.decode(oneBytePerChar(p)));
          accepted++;
        }
      }
    }
    assertEquals(MessageType.values().length * DigestType.values().length * 20, accepted);
  }

  @Test
  void agreesOnDamagedFieldsWithAValidDigest() throws Exception {
    SplittableRandom r = new SplittableRandom(11);
    int refused = 0;
    int acceptedCount = 0;
    for (int i = 0; i < 12_000; i++) {
      MessageType type = MessageType.values()[r.nextInt(MessageType.values().length)];
      DigestType digest = DigestType.values()[r.nextInt(DigestType.values().length)];
      String encoded = SpaCodec.encodeWithoutDigest(message(r, type, digest, r.nextInt(4) == 0));
      List<String> fields = new ArrayList<>(List.of(encoded.split(":", -1)));
      damage(r, fields);
      String damaged = String.join(":", fields);
      String p = damaged + ":" + ReferenceDecoder.b64Digest(digest, damaged);
      String expected = outcome(() -> ReferenceDecoder.decode(p));
      assertEquals(expected, outcome(() -> SpaCodec.decode(p)), p);
      assertEquals(expected, outcome(() -> SpaCodec.decode(oneBytePerChar(p))), p);
      if (expected.startsWith("refused")) {
        refused++;
      } else {
        acceptedCount++;
      }
    }
    // the damage reaches both outcomes often, so both paths are compared
    assertTrue(refused > 3000 && acceptedCount > 1000, refused + " refused, " + acceptedCount + " accepted");
  }

  @Test
  void agreesOnDamagedCharactersAndLengths() throws Exception {
    SplittableRandom r = new SplittableRandom(13);
    int latin1 = 0;
    for (int i = 0; i < 12_000; i++) {
      MessageType type = MessageType.values()[r.nextInt(MessageType.values().length)];
      DigestType digest = DigestType.values()[r.nextInt(DigestType.values().length)];
      char[] c = SpaCodec.encode(message(r, type, digest, false)).toCharArray();
      int flips = r.nextInt(3);
      for (int f = 0; f < flips; f++) {
        c[r.nextInt(c.length)] = r.nextBoolean() ? FIELD_CHARS.charAt(r.nextInt(FIELD_CHARS.length()))
            : (char) r.nextInt(300);
      }
      String p = new String(c, 0, r.nextInt(4) == 0 ? r.nextInt(c.length + 1) : c.length);
      String expected = outcome(() -> ReferenceDecoder.decode(p));
      assertEquals(expected, outcome(() -> SpaCodec.decode(p)), p);
      if (p.chars().allMatch(ch -> ch <= 0xff)) { // a plaintext's bytes, as a cipher gives them
        assertEquals(expected, outcome(() -> SpaCodec.decode(oneBytePerChar(p))), p);
        latin1++;
      }
    }
    assertTrue(latin1 > 9_000, latin1 + " of the damaged plaintexts had only one-byte characters");
  }

  /** Replaces, empties, splits, drops or adds fields, with values that break one rule at a time. */
  private static void damage(SplittableRandom r, List<String> fields) {
    int n = 1 + r.nextInt(2);
    for (int k = 0; k < n; k++) {
      int i = r.nextInt(fields.size());
      switch (r.nextInt(9)) {
        case 0 -> fields.set(i, "");
        case 1 -> fields.set(i, randomText(r, 1 + r.nextInt(r.nextBoolean() ? 20 : 300)));
        case 2 -> fields.set(i, Base64s.encodeText(randomText(r, 1 + r.nextInt(40))));
        case 3 -> fields.set(i, Long.toString(r.nextLong(1L << 40, 1L << 45)).substring(0, 1 + r.nextInt(13)));
        case 4 -> fields.add(i, Base64s.encodeText("x"));
        case 5 -> {
          if (fields.size() > 1) {
            fields.remove(i);
          }
        }
        case 6 -> fields.set(i, Base64s.encodeText(r.nextBoolean() ? "10.0.0.5,tcp/" + r.nextInt(70_000)
            : r.nextInt(300) + ".1.2.3,udp/53"));
        case 7 -> fields.set(i, fields.get(i) + "=" + randomText(r, r.nextInt(4)));
        default -> fields.set(i, Integer.toString(r.nextInt(10)));
      }
    }
  }

  private static String randomText(SplittableRandom r, int len) {
    StringBuilder sb = new StringBuilder(len);
    for (int i = 0; i < len; i++) {
      sb.append(FIELD_CHARS.charAt(r.nextInt(FIELD_CHARS.length())));
    }
    return sb.toString();
  }

  private static SpaMessage message(SplittableRandom r, MessageType type, DigestType digest, boolean serverAuth) {
    SpaMessage.Builder b = SpaMessage.builder().random(SpaCodec.randomValue(r)).user("user" + r.nextInt(1000))
        .timestamp(r.nextLong(0, Integer.MAX_VALUE)).type(type).digestType(digest)
        .clientTimeout(type.hasClientTimeout() ? 1 + r.nextInt(65536) : 0);
    if (type.isCommand()) {
      b.message(r.nextInt(256) + ".0.0." + r.nextInt(256) + ",echo " + r.nextInt());
    } else {
      b.access(r.nextInt(256) + ".1.2.3", "tcp/" + (1 + r.nextInt(65535)) + (r.nextBoolean() ? ",udp/53" : ""));
    }
    if (type.hasNat()) {
      b.natAccess("host" + r.nextInt(100) + "," + (1 + r.nextInt(65535)));
    }
    if (serverAuth) {
      b.serverAuth("auth" + r.nextInt(1000));
    }
    return b.build();
  }

  private static byte[] oneBytePerChar(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  private interface Decoder {
    SpaMessage decode() throws SpaException;
  }

  private static String outcome(Decoder d) {
    try {
      return "accepted " + d.decode();
    } catch (SpaException e) {
      return "refused " + e.kind() + " " + e.field() + " " + e.reason();
    }
  }
}
