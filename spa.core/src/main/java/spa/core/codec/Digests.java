package spa.core.codec;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import spa.core.DigestType;

/** Message digests by fwknop type, and the constant-time comparison every secret check uses. */
public final class Digests {
  private Digests() {}

  /** A fresh {@link MessageDigest} for {@code type}; every JDK 21 has all seven. */
  public static MessageDigest newDigest(DigestType type) {
    try {
      return MessageDigest.getInstance(type.jcaDigest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("JDK lacks " + type.jcaDigest(), e);
    }
  }

  /** Unpadded base64 of the digest of the ISO-8859-1 bytes of {@code text}. */
  public static String b64Digest(DigestType type, String text) {
    return Base64s.encode(newDigest(type).digest(text.getBytes(StandardCharsets.ISO_8859_1)));
  }

  /** Compares without an early exit, so timing reveals nothing but the lengths. */
  public static boolean constantTimeEquals(byte[] a, byte[] b) {
    return MessageDigest.isEqual(a, b);
  }

  /** {@link #constantTimeEquals(byte[], byte[])} for ASCII strings. */
  public static boolean constantTimeEquals(String a, String b) {
    return MessageDigest.isEqual(a.getBytes(StandardCharsets.ISO_8859_1), b.getBytes(StandardCharsets.ISO_8859_1));
  }
}
