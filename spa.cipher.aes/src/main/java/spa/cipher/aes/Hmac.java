package spa.cipher.aes;

import java.security.DigestException;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import spa.core.DigestType;
import spa.core.codec.Digests;

/**
 * HMAC (RFC 2104) for one key, with the key's inner and outer pad blocks digested once: a MAC then starts
 * from copies of those two states, where {@code javax.crypto.Mac} digests both blocks again for every
 * message. Not thread-safe: one per thread, like the digests it copies.
 */
final class Hmac {
  private static final byte IPAD = 0x36;
  private static final byte OPAD = 0x5c;

  /** The digest after {@code key ^ ipad}, and after {@code key ^ opad}; only ever copied, never updated. */
  private final MessageDigest inner;
  private final MessageDigest outer;
  private final int length;

  /**
   * @throws GeneralSecurityException when the JDK's digest for {@code type} cannot be copied (a provider
   *     without {@code clone}), so that the caller fails when keys are loaded, not per packet
   */
  Hmac(DigestType type, byte[] key) throws GeneralSecurityException {
    int block = type.blockSize();
    byte[] k = key.length > block ? Digests.newDigest(type).digest(key) : key;
    byte[] pad = Arrays.copyOf(k, block);
    inner = Digests.newDigest(type);
    outer = Digests.newDigest(type);
    try {
      for (int i = 0; i < block; i++) {
        pad[i] ^= IPAD;
      }
      inner.update(pad);
      for (int i = 0; i < block; i++) {
        pad[i] ^= IPAD ^ OPAD;
      }
      outer.update(pad);
      inner.clone();
    } catch (CloneNotSupportedException e) {
      throw new GeneralSecurityException(type.jcaDigest() + " digests cannot be copied", e);
    } finally {
      Arrays.fill(pad, (byte) 0);
    }
    length = inner.getDigestLength();
  }

  /** MAC length in bytes. */
  int length() {
    return length;
  }

  /** Writes the MAC of {@code in[off, off+len)} to {@code out[0, length())}. */
  void mac(byte[] in, int off, int len, byte[] out) throws GeneralSecurityException {
    try {
      MessageDigest d = (MessageDigest) inner.clone();
      d.update(in, off, len);
      d.digest(out, 0, length);
      d = (MessageDigest) outer.clone();
      d.update(out, 0, length);
      d.digest(out, 0, length);
    } catch (CloneNotSupportedException e) {
      throw new DigestException(e); // checked in the constructor
    }
  }

  /** The MAC of {@code in}. */
  byte[] mac(byte[] in) throws GeneralSecurityException {
    byte[] out = new byte[length];
    mac(in, 0, in.length, out);
    return out;
  }
}
