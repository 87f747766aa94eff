package spa.cipher.aes;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import spa.core.EncryptionMode;
import spa.core.SpaException;
import spa.core.codec.Base64s;
import spa.core.codec.Digests;
import spa.core.codec.WireForm;

/**
 * fwknop's Rijndael packet format for one set of keys: the OpenSSL {@code enc} container
 * ({@code "Salted__" + salt + AES-256(pkcs7(plaintext))}, key and IV from EVP_BytesToKey-MD5), base64
 * without padding and without its constant {@code U2FsdGVkX1} head, then the HMAC of the full base64 text.
 * Immutable and thread-safe; each thread keeps its own JCA objects for each key and one set of buffers for all
 * keys, so no call pays for {@code getInstance} and opening a packet allocates little beyond the plaintext string.
 */
final class RijndaelCodec {
  /** Base64 of {@code "Salted__"} as far as it is constant; absent from the wire. */
  static final String PREFIX = WireForm.SALTED;
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
  private static final byte[] PREFIX_BYTES = PREFIX.getBytes(StandardCharsets.US_ASCII);
  private static final String WRONG_KEY = "decryption failed: wrong key?";
  private static final Base64.Decoder B64_DECODER = Base64.getDecoder();
  private static final Base64.Encoder B64_ENCODER = Base64.getEncoder().withoutPadding();

  private final AesKeys keys;
  private final String transform;
  /** Per instance, not static: each stanza's keys have their own tools in each thread that uses them. */
  private final ThreadLocal<Tools> tools = new ThreadLocal<>();

  /**
   * One thread's packet buffers, shared by the tools of every key in that thread (a thread opens one packet at a
   * time): with many stanzas, a packet tried against each of them stays in the same few cache lines.
   */
  private static final class Buffers {
    /** EVP_BytesToKey output: 32 key bytes, 16 IV bytes. */
    final byte[] keyIv = new byte[48];
    /**
     * The base64 text with its prefix restored, in an array of exactly its length (the JDK's decoder reads whole
     * arrays): one array for each of the last few lengths seen, as a sender's packets mostly keep theirs.
     */
    private final byte[][] texts = new byte[8][];
    /** Its decoding: the container. */
    final byte[] container = new byte[MAX_LEN];
    final byte[] plain = new byte[MAX_LEN];
    final byte[] macB64 = new byte[Base64s.encodedLength(Digests.MAX_LENGTH)];

    /** An array of {@code len} bytes for a text, this thread's for that length. */
    byte[] text(int len) {
      byte[] t = texts[len & 7];
      if (t == null || t.length != len) {
        texts[len & 7] = t = new byte[len];
      }
      return t;
    }
  }

  private static final ThreadLocal<Buffers> BUFFERS = ThreadLocal.withInitial(Buffers::new);

  /**
   * One thread's JCA objects for one key, and that thread's buffers. Used only by the thread that made it.
   * Dropped after any failure inside JCA, so a half-fed digest or cipher is never used again.
   */
  private static final class Tools {
    final Cipher cipher;
    final MessageDigest md5;
    /** Null without an HMAC key. */
    final Hmac mac;
    /** EVP_BytesToKey input: previous digest, passphrase, salt. */
    final byte[] kdf;
    final byte[] keyIv;
    final Buffers buffers;
    final byte[] container;
    final byte[] plain;
    /** The MAC, exactly its length (the JDK's encoder takes whole arrays). */
    final byte[] mac64;
    final byte[] macB64;
    /** The last refusal, its number (a length) and, for a JCA failure, the exception's name. */
    Refusal refusal;
    int refusalArg;
    String failure;
    /** Whether the last refusal came before the wire form was checked (a fault there is reported first). */
    boolean formUnchecked;
    /** The HMAC type's name, for the too-short refusal. */
    final String hmacName;

    Tools(Cipher cipher, MessageDigest md5, Hmac mac, String hmacName, byte[] kdf) {
      Buffers b = BUFFERS.get();
      this.keyIv = b.keyIv;
      this.buffers = b;
      this.container = b.container;
      this.plain = b.plain;
      this.mac64 = mac == null ? null : new byte[mac.length()];
      this.macB64 = b.macB64;
      this.kdf = kdf;
      this.cipher = cipher;
      this.md5 = md5;
      this.mac = mac;
      this.hmacName = hmacName;
    }

    byte[] refuse(Refusal r, int arg) {
      refusal = r;
      refusalArg = arg;
      formUnchecked = false;
      return null;
    }

    /** {@link #refuse} for a refusal decided before the wire form was checked. */
    byte[] refuseUnchecked(Refusal r, int arg) {
      refuse(r, arg);
      formUnchecked = true;
      return null;
    }

    /** The text of the last refusal, as {@link SpaException#reason()}. */
    String refusal() {
      int n = refusalArg;
      return switch (refusal) {
        case EMPTY -> "empty packet";
        case TOO_LONG -> "packet of " + n + " characters, limit " + (MAX_LEN - 1);
        case NOT_BASE64 -> "characters outside base64";
        case EQUALS -> "'=' in packet";
        case PREFIX -> "packet starts with the " + PREFIX + " prefix that the wire form strips (replay variant)";
        case GPG_PREFIX -> "packet of " + n + " characters starts with the hQ prefix that GnuPG's wire form strips";
        case TOO_SHORT_FOR_HMAC -> "packet of " + n + " characters is too short to carry an HMAC-" + hmacName;
        case HMAC_MISMATCH -> "HMAC mismatch: wrong HMAC key or digest type?";
        case JCA_FAILURE -> "decryption failed: " + failure;
        case GPG_SIZED -> "GPG-sized ciphertext: " + n + " base64 characters, Rijndael stays under " + GPG_MIN_B64;
        case NOT_CANONICAL -> "not canonical base64";
        case NOT_BLOCKS -> "ciphertext of " + n + " bytes is not a whole number of blocks";
        case NO_HEADER -> "no Salted__ header";
        case WRONG_KEY -> WRONG_KEY;
      };
    }
  }

  RijndaelCodec(AesKeys keys) throws GeneralSecurityException {
    this.keys = keys;
    this.transform = transform(keys.mode());
    newTools(); // fail now, not per packet, if the JDK lacks an algorithm
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
    Hmac mac = keys.hmac() ? new Hmac(keys.hmacType(), keys.hmacKey()) : null;
    return new Tools(Cipher.getInstance(transform), MessageDigest.getInstance("MD5"), mac,
        keys.hmac() ? keys.hmacType().fwknopName() : null, kdfBuffer(keys.passphrase()));
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
    try {
      Tools t = tools();
      byte[] out = new byte[HEADER + padded.length];
      System.arraycopy(MAGIC, 0, out, 0, MAGIC.length);
      System.arraycopy(salt, 0, out, MAGIC.length, SALT_LEN);
      init(t, Cipher.ENCRYPT_MODE, salt, 0);
      t.cipher.doFinal(padded, 0, padded.length, out, HEADER);
      String b64 = Base64s.encode(out);
      String wire = b64.substring(PREFIX.length());
      return t.mac == null ? wire : wire + Base64s.encode(t.mac.mac(b64.getBytes(StandardCharsets.US_ASCII)));
    } catch (GeneralSecurityException | RuntimeException e) {
      tools.remove();
      throw new SpaException(SpaException.Kind.ENCODE, null, "encryption failed: " + e.getClass().getSimpleName());
    }
  }

  /** The plaintext of a wire string; {@link SpaException} of kind AUTH for anything else. */
  String open(String wire) throws SpaException {
    if (wire == null || wire.isEmpty()) {
      throw SpaException.auth("empty packet");
    }
    // a character beyond one byte becomes '?', outside base64 as it was
    byte[] b = wire.getBytes(StandardCharsets.ISO_8859_1);
    Tools t;
    try {
      t = tools();
    } catch (GeneralSecurityException e) {
      throw SpaException.auth("decryption failed: " + e.getClass().getSimpleName());
    }
    byte[] plaintext = open(t, b, 0, b.length);
    if (plaintext == null) {
      if (t.formUnchecked) {
        admitted(t, b, 0, b.length); // a wire-form fault is the reason, before the MAC's
      }
      throw SpaException.auth(t.refusal());
    }
    return new String(plaintext, StandardCharsets.ISO_8859_1);
  }

  /**
   * {@link #open(String)} of the wire bytes {@code wire[off, off+n)}, without making a string of them or of the
   * plaintext (one byte per character, an array of its own); null where {@link #open(String)} throws, so that
   * refusing a packet, the common case, throws nothing.
   */
  byte[] openOrNull(byte[] wire, int off, int n) {
    try {
      return open(tools(), wire, off, n);
    } catch (GeneralSecurityException e) {
      return null; // the JDK lost an algorithm it had when the stanza was loaded
    }
  }

  /** The calling thread's tools, made on its first call. */
  private Tools tools() throws GeneralSecurityException {
    Tools t = tools.get();
    if (t == null) {
      t = newTools();
      tools.set(t);
    }
    return t;
  }

  /** The plaintext, or null with the reason in {@code t}. */
  private byte[] open(Tools t, byte[] wire, int off, int n) {
    if (wire == null || n == 0) {
      return t.refuse(Refusal.EMPTY, 0);
    }
    if (n >= MAX_LEN) {
      return t.refuse(Refusal.TOO_LONG, n);
    }
    try {
      if (t.mac == null) {
        return admitted(t, wire, off, n) ? decrypt(t, restorePrefix(t, wire, off, n)) : null;
      }
      // With an HMAC the wire form is checked once the MAC fits: a packet for another stanza, the common case
      // with many stanzas, costs the MAC alone. A refusal before it is marked, so that its text still names a
      // wire-form fault first.
      int macLen = keys.hmacType().b64Length();
      if (n - macLen < MIN_LEN) {
        return t.refuseUnchecked(Refusal.TOO_SHORT_FOR_HMAC, n);
      }
      // The MAC covers the base64 text with its prefix; the type comes from the stanza, not the packet.
      int body = n - macLen;
      byte[] text = restorePrefix(t, wire, off, body);
      t.mac.mac(text, 0, text.length, t.mac64);
      B64_ENCODER.encode(t.mac64, t.macB64);
      if (!Digests.constantTimeEquals(t.macB64, 0, wire, off + body, macLen)) {
        return t.refuseUnchecked(Refusal.HMAC_MISMATCH, 0);
      }
      return admitted(t, wire, off, n) ? decrypt(t, text) : null;
    } catch (GeneralSecurityException | RuntimeException e) {
      tools.remove();
      t.failure = e.getClass().getSimpleName();
      return t.refuse(Refusal.JCA_FAILURE, 0);
    }
  }


  /** Whether the wire form admits {@code wire[off, off+n)}; if not, with the refusal in {@code t}. */
  private static boolean admitted(Tools t, byte[] wire, int off, int n) {
    switch (WireForm.check(wire, off, n)) {
      case OK -> {
        return true;
      }
      case NOT_BASE64 -> t.refuse(Refusal.NOT_BASE64, 0);
      case EQUALS -> t.refuse(Refusal.EQUALS, 0);
      case SALTED_PREFIX -> t.refuse(Refusal.PREFIX, 0);
      case GPG_PREFIX -> t.refuse(Refusal.GPG_PREFIX, n);
    }
    return false;
  }

  /** The prefix and {@code wire[off, off+n)}, in the thread's text array of that length. */
  private static byte[] restorePrefix(Tools t, byte[] wire, int off, int n) {
    byte[] text = t.buffers.text(PREFIX_BYTES.length + n);
    System.arraycopy(PREFIX_BYTES, 0, text, 0, PREFIX_BYTES.length);
    System.arraycopy(wire, off, text, PREFIX_BYTES.length, n);
    return text;
  }

  /** Decrypts {@code text}, base64 characters only; null with the reason in {@code t}. */
  private byte[] decrypt(Tools t, byte[] text) throws GeneralSecurityException {
    int len = text.length;
    if (len >= GPG_MIN_B64) {
      return t.refuse(Refusal.GPG_SIZED, len);
    }
    if (!Base64s.isCanonical(text, 0, len)) {
      return t.refuse(Refusal.NOT_CANONICAL, 0);
    }
    byte[] data = t.container;
    // the JDK's decoder, vectorised, beats an in-place loop (Base64Benchmark); the text is canonical and in the
    // alphabet, so it decodes as Base64s would
    int dataLen = B64_DECODER.decode(text, data);
    if (dataLen % BLOCK != 0 || dataLen < HEADER + BLOCK) {
      return t.refuse(Refusal.NOT_BLOCKS, dataLen);
    }
    if (dataLen < MAGIC.length || !Arrays.equals(data, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
      return t.refuse(Refusal.NO_HEADER, 0);
    }
    init(t, Cipher.DECRYPT_MODE, data, MAGIC.length);
    byte[] plain = t.plain;
    int plen = unpaddedLength(plain, t.cipher.doFinal(data, HEADER, dataLen - HEADER, plain, 0));
    if (!looksLikePlaintext(plain, plen)) {
      return t.refuse(Refusal.WRONG_KEY, 0);
    }
    return Arrays.copyOf(plain, plen);
  }

  /**
   * 16 digits, ':' and printable characters after: what a right key and mode give. fwknop's decoder refuses any
   * non-printable byte too; checking here reports a wrong key or mode as such. (Loops kept out of
   * {@code decrypt} so that they do not make the compiler build it twice.)
   */
  private static boolean looksLikePlaintext(byte[] plain, int plen) {
    if (plen < MIN_LEN || plen >= MAX_LEN || plain[16] != ':') {
      return false;
    }
    for (int i = 0; i < 16; i++) {
      if (plain[i] < '0' || plain[i] > '9') {
        return false;
      }
    }
    for (int i = 17; i < plen; i++) {
      if (plain[i] < 0x20 || plain[i] > 0x7e) {
        return false;
      }
    }
    return true;
  }

  /** Why a packet was refused; the text is made only when asked for, not for every refused packet. */
  private enum Refusal {
    EMPTY, TOO_LONG, NOT_BASE64, EQUALS, PREFIX, GPG_PREFIX, TOO_SHORT_FOR_HMAC, HMAC_MISMATCH, JCA_FAILURE, GPG_SIZED,
    NOT_CANONICAL, NOT_BLOCKS, NO_HEADER, WRONG_KEY
  }

  private void init(Tools t, int opmode, byte[] salt, int saltOff) throws GeneralSecurityException {
    deriveKeyIv(t.md5, t.kdf, keys.passphrase().length, salt, saltOff, t.keyIv);
    try {
      SecretKeySpec key = new SecretKeySpec(t.keyIv, 0, 32, "AES");
      if (keys.mode() == EncryptionMode.ECB) {
        t.cipher.init(opmode, key);
      } else {
        t.cipher.init(opmode, key, new IvParameterSpec(t.keyIv, 32, BLOCK));
      }
    } finally {
      java.util.Arrays.fill(t.keyIv, (byte) 0); // the specs keep copies; the per-thread buffer keeps nothing
    }
  }

  /** OpenSSL's EVP_BytesToKey with MD5 and one round: 32 key bytes then 16 IV bytes. */
  static byte[] deriveKeyIv(MessageDigest md5, byte[] pass, byte[] salt) {
    byte[] out = new byte[48];
    try {
      deriveKeyIv(md5, kdfBuffer(pass), pass.length, salt, 0, out);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
    return out;
  }

  /**
   * {@link #deriveKeyIv(MessageDigest, byte[], byte[])} of {@code salt[saltOff, saltOff+8)} into {@code out}, with
   * {@code buf} holding the passphrase of {@code passLen} bytes from index 16: each round digests
   * {@code buf[0..]} as previous digest, passphrase and salt in one piece.
   */
  static void deriveKeyIv(MessageDigest md5, byte[] buf, int passLen, byte[] salt, int saltOff, byte[] out)
      throws GeneralSecurityException {
    int end = 16 + passLen + SALT_LEN;
    System.arraycopy(salt, saltOff, buf, 16 + passLen, SALT_LEN);
    md5.update(buf, 16, end - 16);
    md5.digest(out, 0, 16);
    for (int off = 16; off < 48; off += 16) {
      System.arraycopy(out, off - 16, buf, 0, 16);
      md5.update(buf, 0, end);
      md5.digest(out, off, 16);
    }
    java.util.Arrays.fill(buf, 0, 16, (byte) 0);
  }

  /** A buffer for {@link #deriveKeyIv(MessageDigest, byte[], int, byte[], int, byte[])} holding {@code pass}. */
  static byte[] kdfBuffer(byte[] pass) {
    byte[] buf = new byte[16 + pass.length + SALT_LEN];
    System.arraycopy(pass, 0, buf, 16, pass.length);
    return buf;
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
    return unpaddedLength(b, b.length);
  }

  /** {@link #unpaddedLength(byte[])} of {@code b[0, n)}. */
  static int unpaddedLength(byte[] b, int n) {
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
