package spa.cipher.gpg;

import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.List;
import org.bouncycastle.bcpg.ECPublicBCPGKey;
import org.bouncycastle.openpgp.PGPPrivateKey;
import spa.core.codec.Base64s;

/**
 * fwknop's GnuPG wire form: the binary OpenPGP message in base64 without {@code =} padding and without its
 * first two characters, {@code hQ}. Also the cheap look at the first packet (a public-key encrypted session key,
 * RFC 9580 §5.1) that lets a server refuse a packet for somebody else's key without any key operation.
 */
final class GpgWire {
  static final String PREFIX = "hQ";
  /** Old-format header of tag 1 with a two-octet length: base64 {@code hQ} for any body under 4096 octets. */
  private static final int OLD_TAG1_LEN2 = 0x85;
  /** Key id value of a session-key packet that does not name its recipient. */
  static final long WILDCARD = 0;

  private GpgWire() {}

  /** {@code hQ} and the wire bytes, as ASCII: what the HMAC covers and what is base64-decoded. */
  static byte[] prefixed(byte[] wire, int off, int len) {
    return prefixed(HQ, wire, off, len);
  }

  /** {@code prefix} (two characters) and the wire bytes, as ASCII. */
  static byte[] prefixed(byte[] prefix, byte[] wire, int off, int len) {
    byte[] b = new byte[len + 2];
    b[0] = prefix[0];
    b[1] = prefix[1];
    System.arraycopy(wire, off, b, 2, len);
    return b;
  }

  private static final byte[] HQ = {'h', 'Q'};

  /**
   * The prefixes a packet to these keys may have lost: {@code hQ}, and for a Curve25519 key also the two that
   * fwknop's client strips from a message whose session-key packet gpg wrote with a one-octet length (0x84 and
   * 78 or 86..94 octets: base64 {@code hE}, {@code hF}), which fwknopd replaces with {@code hQ} and so corrupts.
   */
  static List<byte[]> prefixes(Collection<PGPPrivateKey> keys) {
    boolean curve = keys.stream().anyMatch(k -> k.getPublicKeyPacket().getKey() instanceof ECPublicBCPGKey ec
        && ec.getCurveOID().getId().equals(Curve25519Secrets.CV25519_OID));
    return curve ? List.of(HQ, new byte[] {'h', 'E'}, new byte[] {'h', 'F'}) : List.of(HQ);
  }

  /** Characters of wire text decoded to find the recipient: the prefix and 18 more, 15 octets. */
  private static final int HEAD = 20;

  /**
   * The recipient key id of {@code prefix} and the wire text, from its first 15 octets only (no allocation of the
   * whole message: the cheap look of a flood's packets); null when the text does not start with a session-key
   * packet.
   */
  static Long recipient(byte[] prefix, byte[] wire, int off, int len) {
    if (len < HEAD - 2) {
      return null;
    }
    byte[] head = new byte[HEAD];
    head[0] = prefix[0];
    head[1] = prefix[1];
    System.arraycopy(wire, off, head, 2, HEAD - 2);
    byte[] m = new byte[HEAD * 3 / 4];
    return Base64s.decode(head, 0, HEAD, m, 0) == m.length ? recipient(m) : null;
  }

  /** The binary message of a prefixed wire text, or null when it is not base64. */
  static byte[] binary(byte[] prefixed) {
    byte[] out = new byte[prefixed.length * 3 / 4];
    int n = Base64s.decode(prefixed, 0, prefixed.length, out, 0);
    if (n < 0) {
      return null;
    }
    return n == out.length ? out : java.util.Arrays.copyOf(out, n);
  }

  /**
   * The recipient key id of the message's first packet when it is a version 3 public-key encrypted session key;
   * null when the message does not start with one.
   */
  static Long recipient(byte[] m) {
    if (m.length < 12) {
      return null;
    }
    int b0 = m[0] & 0xff;
    int body;
    if ((b0 & 0xc0) == 0x80) { // old format: tag in bits 5..2, length type in bits 1..0
      if ((b0 >>> 2 & 0x0f) != 1) {
        return null;
      }
      body = switch (b0 & 3) {
        case 0 -> 2;
        case 1 -> 3;
        case 2 -> 5;
        default -> -1;
      };
    } else if ((b0 & 0xc0) == 0xc0) { // new format
      if ((b0 & 0x3f) != 1) {
        return null;
      }
      int l0 = m[1] & 0xff;
      body = l0 < 192 ? 2 : l0 < 224 ? 3 : l0 == 255 ? 6 : -1;
    } else {
      return null;
    }
    if (body < 0 || m.length < body + 9 || m[body] != 3) {
      return null;
    }
    long id = 0;
    for (int i = 1; i <= 8; i++) {
      id = id << 8 | (m[body + i] & 0xff);
    }
    return id;
  }

  /**
   * Whether the message has exactly the shape gpg gives an encrypted message: one or more version 3 session-key
   * packets, each whole and with exactly the fields its algorithm has, then one encrypted-data packet (tag 18 or
   * 20) that ends where the message ends. Decided before any key operation, and the same way for every packet:
   * a packet carrying an HMAC the stanza does not expect decodes to a message with the MAC's octets after its
   * end, which is refused however those octets read; and of the prefixes a Curve25519 packet may have lost, only
   * the right one gives a session-key packet whose length matches its fields.
   */
  static boolean wellFormed(byte[] m) {
    int i = 0;
    boolean sessionKey = false;
    while (i < m.length) {
      int b0 = m[i] & 0xff;
      if ((b0 & 0x80) == 0) {
        return false;
      }
      int tag = (b0 & 0x40) != 0 ? b0 & 0x3f : b0 >>> 2 & 0x0f;
      if (tag == 1) {
        i = sessionKeyEnd(m, i);
        if (i < 0) {
          return false;
        }
        sessionKey = true;
      } else if (tag == 18 || tag == 20) {
        return sessionKey && dataEnd(m, i) == m.length;
      } else {
        return false;
      }
    }
    return false;
  }

  /** The offset after the session-key packet at {@code i}, or -1 when it is not whole or its fields do not fill it. */
  private static int sessionKeyEnd(byte[] m, int i) {
    int b0 = m[i] & 0xff;
    int at;
    long len;
    if ((b0 & 0x40) == 0) { // old format: one, two or four length octets
      int n = b0 & 3;
      if (n == 3) {
        return -1;
      }
      n = 1 << n;
      at = i + 1 + n;
      if (at > m.length) {
        return -1;
      }
      len = 0;
      for (int k = i + 1; k < at; k++) {
        len = len << 8 | (m[k] & 0xff);
      }
    } else { // new format: no partial lengths for this packet
      if (i + 1 >= m.length) {
        return -1;
      }
      int l0 = m[i + 1] & 0xff;
      if (l0 < 192) {
        at = i + 2;
        len = l0;
      } else if (l0 < 224) {
        at = i + 3;
        len = at > m.length ? 0 : ((l0 - 192) << 8) + (m[i + 2] & 0xff) + 192;
      } else if (l0 == 255) {
        at = i + 6;
        len = at > m.length ? 0 : (m[i + 2] & 0xffL) << 24 | (m[i + 3] & 0xff) << 16 | (m[i + 4] & 0xff) << 8
            | m[i + 5] & 0xff;
      } else {
        return -1;
      }
    }
    int end = skip(m, at, len);
    if (end < 0 || len < 10 || m[at] != 3) {
      return -1;
    }
    int f = at + 10; // version, key id, algorithm
    f = switch (m[at + 9] & 0xff) {
      case 1, 2 -> mpiEnd(m, f, end); // RSA
      case 16 -> mpiEnd(m, mpiEnd(m, f, end), end); // Elgamal
      case 18 -> octetsEnd(m, mpiEnd(m, f, end), end); // ECDH: ephemeral point, wrapped key
      case 25 -> octetsEnd(m, f + 32 <= end ? f + 32 : -1, end); // X25519
      case 26 -> octetsEnd(m, f + 56 <= end ? f + 56 : -1, end); // X448
      default -> -1;
    };
    return f == end ? end : -1;
  }

  /** The offset after the multiprecision integer at {@code at}, or -1 when it does not fit before {@code end}. */
  private static int mpiEnd(byte[] m, int at, int end) {
    if (at < 0 || at + 2 > end) {
      return -1;
    }
    int bits = (m[at] & 0xff) << 8 | m[at + 1] & 0xff;
    int after = at + 2 + (bits + 7) / 8;
    return after <= end ? after : -1;
  }

  /** The offset after the one-octet count and that many octets at {@code at}, or -1 when they pass {@code end}. */
  private static int octetsEnd(byte[] m, int at, int end) {
    if (at < 0 || at >= end) {
      return -1;
    }
    int after = at + 1 + (m[at] & 0xff);
    return after <= end ? after : -1;
  }

  /** The offset after the data packet at {@code i} (partial lengths allowed), or -1 when the message ends before. */
  private static int dataEnd(byte[] m, int i) {
    int b0 = m[i] & 0xff;
    if ((b0 & 0x40) == 0) { // old format
      int n = b0 & 3;
      if (n == 3) {
        return -1; // indeterminate length: gpg's output never has one at the top level
      }
      n = 1 << n;
      if (i + 1 + n > m.length) {
        return -1;
      }
      long len = 0;
      for (int k = 1; k <= n; k++) {
        len = len << 8 | (m[i + k] & 0xff);
      }
      return skip(m, i + 1 + n, len);
    }
    i++;
    while (i >= 0 && i < m.length) {
      int l0 = m[i] & 0xff;
      if (l0 < 192) {
        return skip(m, i + 1, l0);
      } else if (l0 < 224) {
        return i + 1 >= m.length ? -1 : skip(m, i + 2, ((l0 - 192) << 8) + (m[i + 1] & 0xff) + 192);
      } else if (l0 == 255) {
        return i + 5 > m.length ? -1 : skip(m, i + 5, (m[i + 1] & 0xffL) << 24 | (m[i + 2] & 0xff) << 16
            | (m[i + 3] & 0xff) << 8 | m[i + 4] & 0xff);
      }
      i = skip(m, i + 1, 1L << (l0 & 0x1f)); // a partial body chunk, then more length octets
    }
    return -1;
  }

  /** The offset after {@code len} octets from {@code at}, or -1 when the message ends before. */
  private static int skip(byte[] m, int at, long len) {
    return at < 0 || at + len > m.length ? -1 : (int) (at + len);
  }

  /**
   * The message with its first packet's header rewritten as fwknop needs it (old format, two-octet length), so
   * that its base64 starts {@code hQ} whatever the key type; the message unchanged when it already has that form.
   */
  static byte[] withFwknopHeader(byte[] m) {
    int b0 = m[0] & 0xff;
    int hdr;
    int len;
    if (b0 == OLD_TAG1_LEN2) {
      return m;
    } else if (b0 == 0x84) {
      hdr = 2;
      len = m[1] & 0xff;
    } else if (b0 == 0xc1) {
      int l0 = m[1] & 0xff;
      if (l0 < 192) {
        hdr = 2;
        len = l0;
      } else if (l0 < 224) {
        hdr = 3;
        len = ((l0 - 192) << 8) + (m[2] & 0xff) + 192;
      } else {
        throw new IllegalArgumentException("unexpected session-key packet length form " + l0);
      }
    } else {
      throw new IllegalArgumentException("message does not start with a session-key packet: " + b0);
    }
    if (len >= 4096) {
      throw new IllegalArgumentException("session-key packet of " + len + " octets");
    }
    byte[] out = new byte[m.length - hdr + 3];
    out[0] = (byte) OLD_TAG1_LEN2;
    out[1] = (byte) (len >>> 8);
    out[2] = (byte) len;
    System.arraycopy(m, hdr, out, 3, m.length - hdr);
    return out;
  }

  /** The wire text of a binary message that {@link #withFwknopHeader} has prepared: base64, unpadded, less hQ. */
  static String wire(byte[] m) {
    String b64 = Base64s.encode(m);
    if (!b64.startsWith(PREFIX)) {
      throw new IllegalArgumentException("message base64 starts " + b64.substring(0, 2));
    }
    return b64.substring(PREFIX.length());
  }

  static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }
}
