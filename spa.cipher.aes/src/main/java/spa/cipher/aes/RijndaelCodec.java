package spa.cipher.aes;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.concurrent.ConcurrentLinkedQueue;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import spa.core.EncryptionMode;
import spa.core.SpaException;
import spa.core.codec.Base64s;
import spa.core.codec.Digests;

/**
 * fwknop's Rijndael packet format for one set of keys: the OpenSSL {@code enc} container
 * ({@code "Salted__" + salt + AES-256(pkcs7(plaintext))}, key and IV from EVP_BytesToKey-MD5), base64
 * without padding and without its constant {@code U2FsdGVkX1} head, then the HMAC of the full base64 text.
 * Immutable and thread-safe; JCA objects are pooled so no call pays for {@code getInstance}.
 */
final class RijndaelCodec {
  /** Base64 of {@code "Salted__"} as far as it is constant; absent from the wire. */
  static final String PREFIX = "U2FsdGVkX1";
  static final int SALT_LEN = 8;
  /** Shortest ciphertext (and plaintext) fwknop handles ({@code MIN_SPA_ENCODED_MSG_SIZE}). */
  static final int MIN_LEN = 36;
  /** Base64 ciphertexts this long or longer (prefix included) are GnuPG's ({@code MIN_GNUPG_MSG_SIZE}). */
  static final int GPG_MIN_B64 = 400;
  /** Exclusive upper bound of packet and plaintext lengths ({@code MAX_SPA_ENCODED_MSG_SIZE}). */
  static final int MAX_LEN = 1500;

  private static final int BLOCK = 16;
  private static final int HEADER = 16;
  private static final byte[] MAGIC = "Salted__".getBytes(StandardCharsets.US_ASCII);
  private static final String WRONG_KEY = "decryption failed: wrong key?";

  private final AesKeys keys;
  private final String transform;
  private final SecretKeySpec hmacKey;
  private final ConcurrentLinkedQueue<Tools> pool = new ConcurrentLinkedQueue<>();

  /** One caller's JCA objects; the Mac is keyed once and reset by every {@code doFinal}. */
  private record Tools(Cipher cipher, MessageDigest md5, Mac mac) {}

  RijndaelCodec(AesKeys keys) throws GeneralSecurityException {
    this.keys = keys;
    this.transform = transform(keys.mode());
    this.hmacKey = keys.hmac() ? new SecretKeySpec(keys.hmacKey(), keys.hmacType().jcaHmac()) : null;
    pool.add(newTools()); // fail now, not per packet, if the JDK lacks an algorithm
  }

  AesKeys keys() {
    return keys;
  }

  private static String transform(EncryptionMode mode) {
    return switch (mode) {
      case ECB -> "AES/ECB/NoPadding";
      case CBC, LEGACY -> "AES/CBC/NoPadding";
      case CFB -> "AES/CFB/NoPadding"; // full-block CFB128
      case OFB -> "AES/OFB/NoPadding";
      case CTR -> "AES/CTR/NoPadding";
      case ASYMMETRIC -> throw new IllegalArgumentException("not a Rijndael mode: " + mode);
    };
  }

  private Tools newTools() throws GeneralSecurityException {
    Mac mac = null;
    if (hmacKey != null) {
      mac = Mac.getInstance(keys.hmacType().jcaHmac());
      mac.init(hmacKey);
    }
    return new Tools(Cipher.getInstance(transform), MessageDigest.getInstance("MD5"), mac);
  }

  private Tools take() throws GeneralSecurityException {
    Tools t = pool.poll();
    return t != null ? t : newTools();
  }

  /** The wire string for {@code plaintext} with the given 8-byte salt. */
  String seal(String plaintext, byte[] salt) throws SpaException {
    if (plaintext == null) {
      throw new SpaException(SpaException.Kind.ENCODE, null, "no plaintext");
    }
    if (salt == null || salt.length != SALT_LEN) {
      throw new SpaException(SpaException.Kind.ENCODE, null, "salt must be " + SALT_LEN + " bytes");
    }
    int n = plaintext.length();
    for (int i = 0; i < n; i++) {
      if (plaintext.charAt(i) > 0x7e) {
        throw new SpaException(SpaException.Kind.ENCODE, null, "plaintext is not ASCII");
      }
    }
    byte[] padded = pad(plaintext.getBytes(StandardCharsets.US_ASCII));
    // Base64 of the container, checked before any work: fwknopd would take the packet for GnuPG's.
    int b64Len = ((HEADER + padded.length) * 4 + 2) / 3;
    if (b64Len >= GPG_MIN_B64) {
      throw new SpaException(SpaException.Kind.ENCODE, null, "plaintext of " + n
          + " characters is too long for Rijndael: fwknopd would take the packet for GnuPG (limit 271)");
    }
    Tools t = null;
    try {
      t = take();
      byte[] out = new byte[HEADER + padded.length];
      System.arraycopy(MAGIC, 0, out, 0, MAGIC.length);
      System.arraycopy(salt, 0, out, MAGIC.length, SALT_LEN);
      init(t, Cipher.ENCRYPT_MODE, salt);
      t.cipher.doFinal(padded, 0, padded.length, out, HEADER);
      String b64 = Base64s.encode(out);
      String wire = b64.substring(PREFIX.length());
      return t.mac == null ? wire : wire + Base64s.encode(t.mac.doFinal(b64.getBytes(StandardCharsets.US_ASCII)));
    } catch (GeneralSecurityException | RuntimeException e) {
      throw new SpaException(SpaException.Kind.ENCODE, null, "encryption failed: " + e.getClass().getSimpleName());
    } finally {
      if (t != null) {
        pool.offer(t);
      }
    }
  }

  /** The plaintext of a wire string; {@link SpaException} of kind AUTH for anything else. */
  String open(String wire) throws SpaException {
    if (wire == null || wire.isEmpty()) {
      throw SpaException.auth("empty packet");
    }
    int n = wire.length();
    if (n >= MAX_LEN) {
      throw SpaException.auth("packet of " + n + " characters, limit " + (MAX_LEN - 1));
    }
    if (!Base64s.isBase64(wire)) {
      throw SpaException.auth("characters outside base64");
    }
    if (wire.indexOf('=') >= 0) {
      // fwknop strips every '='; one would only make a second spelling of a packet (a replay variant).
      throw SpaException.auth("'=' in packet");
    }
    if (wire.startsWith(PREFIX)) {
      throw SpaException.auth("packet starts with the " + PREFIX + " prefix that the wire form strips (replay variant)");
    }
    Tools t = null;
    try {
      t = take();
      if (t.mac == null) {
        return decrypt(t, PREFIX + wire);
      }
      int macLen = keys.hmacType().b64Length();
      if (n - macLen < MIN_LEN) {
        throw SpaException.auth("packet of " + n + " characters is too short to carry an HMAC-"
            + keys.hmacType().fwknopName());
      }
      // The MAC covers the base64 text with its prefix; the type comes from the stanza, not the packet.
      String prefixed = PREFIX + wire.substring(0, n - macLen);
      String expected = Base64s.encode(t.mac.doFinal(prefixed.getBytes(StandardCharsets.US_ASCII)));
      if (!Digests.constantTimeEquals(expected, wire.substring(n - macLen))) {
        throw SpaException.auth("HMAC mismatch: wrong HMAC key or digest type?");
      }
      return decrypt(t, prefixed);
    } catch (GeneralSecurityException | RuntimeException e) {
      throw SpaException.auth("decryption failed: " + e.getClass().getSimpleName());
    } finally {
      if (t != null) {
        pool.offer(t);
      }
    }
  }

  private String decrypt(Tools t, String prefixed) throws SpaException, GeneralSecurityException {
    int len = prefixed.length();
    if (len >= GPG_MIN_B64) {
      throw SpaException.auth("GPG-sized ciphertext: " + len + " base64 characters, Rijndael stays under " + GPG_MIN_B64);
    }
    byte[] data = Base64s.decode(prefixed);
    if (data == null || !Base64s.encode(data).equals(prefixed)) {
      throw SpaException.auth("not canonical base64");
    }
    if (data.length % BLOCK != 0 || data.length < HEADER + BLOCK) {
      throw SpaException.auth("ciphertext of " + data.length + " bytes is not a whole number of blocks");
    }
    for (int i = 0; i < MAGIC.length; i++) {
      if (data[i] != MAGIC[i]) {
        throw SpaException.auth("no Salted__ header");
      }
    }
    byte[] salt = java.util.Arrays.copyOfRange(data, MAGIC.length, HEADER);
    init(t, Cipher.DECRYPT_MODE, salt);
    byte[] plain = t.cipher.doFinal(data, HEADER, data.length - HEADER);
    int plen = unpaddedLength(plain);
    if (plen < MIN_LEN || plen >= MAX_LEN || plain[16] != ':') {
      throw SpaException.auth(WRONG_KEY);
    }
    for (int i = 0; i < 16; i++) {
      if (plain[i] < '0' || plain[i] > '9') {
        throw SpaException.auth(WRONG_KEY);
      }
    }
    // fwknop's decoder refuses any non-printable byte too; checking here reports a wrong key or mode as such.
    for (int i = 17; i < plen; i++) {
      if (plain[i] < 0x20 || plain[i] > 0x7e) {
        throw SpaException.auth(WRONG_KEY);
      }
    }
    return new String(plain, 0, plen, StandardCharsets.ISO_8859_1);
  }

  private void init(Tools t, int opmode, byte[] salt) throws GeneralSecurityException {
    byte[] keyIv = deriveKeyIv(t.md5, keys.passphrase(), salt);
    SecretKeySpec key = new SecretKeySpec(keyIv, 0, 32, "AES");
    if (keys.mode() == EncryptionMode.ECB) {
      t.cipher.init(opmode, key);
    } else {
      t.cipher.init(opmode, key, new IvParameterSpec(keyIv, 32, BLOCK));
    }
  }

  /** OpenSSL's EVP_BytesToKey with MD5 and one round: 32 key bytes then 16 IV bytes. */
  static byte[] deriveKeyIv(MessageDigest md5, byte[] pass, byte[] salt) {
    byte[] out = new byte[48];
    byte[] prev = null;
    for (int off = 0; off < out.length; off += prev.length) {
      if (prev != null) {
        md5.update(prev);
      }
      md5.update(pass);
      md5.update(salt);
      prev = md5.digest();
      System.arraycopy(prev, 0, out, off, prev.length);
    }
    return out;
  }

  /** PKCS#7: 1..16 bytes of value n, a whole block when already aligned. */
  static byte[] pad(byte[] in) {
    int p = BLOCK - in.length % BLOCK;
    byte[] out = java.util.Arrays.copyOf(in, in.length + p);
    java.util.Arrays.fill(out, in.length, out.length, (byte) p);
    return out;
  }

  /** fwknop's lenient unpadding: strip p bytes only when 1 <= p <= 16 and the last p bytes all equal p. */
  static int unpaddedLength(byte[] b) {
    int n = b.length;
    if (n == 0) {
      return 0;
    }
    int p = b[n - 1] & 0xff;
    if (p == 0 || p > BLOCK || p > n) {
      return n;
    }
    for (int i = n - p; i < n; i++) {
      if ((b[i] & 0xff) != p) {
        return n;
      }
    }
    return n - p;
  }
}
