package spa.cipher.aes;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import spa.core.EncryptionMode;
import spa.core.SpaException;
import spa.core.codec.Base64s;
import spa.core.codec.Digests;

/**
 * The straightforward String form of {@link RijndaelCodec#open}: string concatenation, fresh JCA objects
 * and a re-encoding canonical check. The packet path, which works on bytes in place, must agree with it.
 */
final class ReferenceOpener {
  private static final String PREFIX = RijndaelCodec.PREFIX;
  private static final int MIN_LEN = RijndaelCodec.MIN_LEN;
  private static final int GPG_MIN_B64 = RijndaelCodec.GPG_MIN_B64;
  private static final int MAX_LEN = RijndaelCodec.MAX_LEN;
  private static final int BLOCK = 16;
  private static final int HEADER = 16;
  private static final byte[] MAGIC = "Salted__".getBytes(StandardCharsets.US_ASCII);
  private static final String WRONG_KEY = "decryption failed: wrong key?";

  private final AesKeys keys;

  ReferenceOpener(AesKeys keys) {
    this.keys = keys;
  }

  private record Tools(Cipher cipher, MessageDigest md5, Mac mac) {}

  private Tools newTools() throws GeneralSecurityException {
    Mac mac = null;
    if (keys.hmac()) {
      mac = Mac.getInstance(keys.hmacType().jcaHmac());
      mac.init(new SecretKeySpec(keys.hmacKey(), keys.hmacType().jcaHmac()));
    }
    String transform = switch (keys.mode()) {
      case ECB -> "AES/ECB/NoPadding";
      case CBC, LEGACY -> "AES/CBC/NoPadding";
      case CFB -> "AES/CFB/NoPadding";
      case OFB -> "AES/OFB/NoPadding";
      case CTR -> "AES/CTR/NoPadding";
      case ASYMMETRIC -> throw new IllegalArgumentException();
    };
    return new Tools(Cipher.getInstance(transform), MessageDigest.getInstance("MD5"), mac);
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
      t = newTools();
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
    int plen = RijndaelCodec.unpaddedLength(plain);
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
    byte[] keyIv = RijndaelCodec.deriveKeyIv(t.md5, keys.passphrase(), salt);
    SecretKeySpec key = new SecretKeySpec(keyIv, 0, 32, "AES");
    if (keys.mode() == EncryptionMode.ECB) {
      t.cipher.init(opmode, key);
    } else {
      t.cipher.init(opmode, key, new IvParameterSpec(keyIv, 32, BLOCK));
    }
  }

}
