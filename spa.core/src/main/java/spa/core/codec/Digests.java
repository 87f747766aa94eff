package spa.core.codec;

import java.nio.charset.StandardCharsets;
import java.security.DigestException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import spa.core.DigestType;

/** Message digests by fwknop type, and the constant-time comparison every secret check uses. */
public final class Digests {
  /** Longest digest of any {@link DigestType}, in bytes. */
  public static final int MAX_LENGTH = 64;

  /**
   * Each thread's digests, made on first use: {@code MessageDigest.getInstance} costs a provider lookup,
   * more than hashing a packet. Per-thread caching is the one mutable static here, and it is safe because
   * a cached digest is used only inside {@link #digest}, which resets it, and never leaves this class.
   */
  private static final ThreadLocal<MessageDigest[]> CACHE =
      ThreadLocal.withInitial(() -> new MessageDigest[DigestType.values().length]);

  private Digests() {}

  /** A fresh {@link MessageDigest} for {@code type}; every JDK 21 has all seven. */
  public static MessageDigest newDigest(DigestType type) {
    try {
      return MessageDigest.getInstance(type.jcaDigest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("JDK lacks " + type.jcaDigest(), e);
    }
  }

  /**
   * Writes the {@code type} digest of {@code in[off, off+len)} to {@code out} from {@code outOff} and returns
   * its length; uses the calling thread's cached digest, so it allocates nothing after the first call.
   */
  public static int digest(DigestType type, byte[] in, int off, int len, byte[] out, int outOff) {
    MessageDigest[] mds = CACHE.get();
    MessageDigest md = mds[type.ordinal()];
    if (md == null) {
      md = newDigest(type);
      mds[type.ordinal()] = md;
    }
    md.update(in, off, len);
    try {
      return md.digest(out, outOff, md.getDigestLength());
    } catch (DigestException e) {
      md.reset();
      throw new IllegalArgumentException("no room for a " + type.fwknopName() + " digest", e);
    }
  }

  /** Unpadded base64 of the digest of the ISO-8859-1 bytes of {@code text}. */
  public static String b64Digest(DigestType type, String text) {
    byte[] in = text.getBytes(StandardCharsets.ISO_8859_1);
    byte[] d = new byte[MAX_LENGTH];
    int n = digest(type, in, 0, in.length, d, 0);
    byte[] b64 = new byte[Base64s.encodedLength(n)];
    Base64s.encode(d, 0, n, b64, 0);
    return new String(b64, StandardCharsets.ISO_8859_1);
  }

  /** Compares without an early exit, so timing reveals nothing but the lengths. */
  public static boolean constantTimeEquals(byte[] a, byte[] b) {
    return MessageDigest.isEqual(a, b);
  }

  /** {@link #constantTimeEquals(byte[], byte[])} for ASCII strings. */
  public static boolean constantTimeEquals(String a, String b) {
    return MessageDigest.isEqual(a.getBytes(StandardCharsets.ISO_8859_1), b.getBytes(StandardCharsets.ISO_8859_1));
  }

  /** Compares {@code a[aOff, aOff+len)} with {@code b[bOff, bOff+len)} without an early exit. */
  public static boolean constantTimeEquals(byte[] a, int aOff, byte[] b, int bOff, int len) {
    int diff = 0;
    for (int i = 0; i < len; i++) {
      diff |= a[aOff + i] ^ b[bOff + i];
    }
    return diff == 0;
  }
}
