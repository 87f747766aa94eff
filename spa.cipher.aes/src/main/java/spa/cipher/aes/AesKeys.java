package spa.cipher.aes;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import spa.core.ConfigException;
import spa.core.DigestType;
import spa.core.EncryptionMode;
import spa.core.Settings;

/**
 * The key material of one access stanza or client rc stanza, checked as fwknop checks it.
 *
 * @param passphrase the bytes fed to the key derivation (already '0'-padded and cut to 16 in legacy mode)
 * @param mode the cipher mode, never {@link EncryptionMode#ASYMMETRIC}
 * @param hmacType the HMAC digest, or null when no HMAC is used
 * @param hmacKey the HMAC key, or null when no HMAC is used
 */
record AesKeys(byte[] passphrase, EncryptionMode mode, DigestType hmacType, byte[] hmacKey) {

  static final String KEY = "KEY";
  static final String KEY_BASE64 = "KEY_BASE64";
  static final String HMAC_KEY = "HMAC_KEY";
  static final String HMAC_KEY_BASE64 = "HMAC_KEY_BASE64";
  static final String HMAC_DIGEST_TYPE = "HMAC_DIGEST_TYPE";
  static final String ENCRYPTION_MODE = "ENCRYPTION_MODE";
  static final String USE_HMAC = "USE_HMAC";

  /** Longest Rijndael passphrase ({@code RIJNDAEL_MAX_KEYSIZE}). */
  static final int MAX_KEY = 32;
  /** Longest HMAC key the fwknop client accepts. */
  static final int MAX_HMAC_KEY = 128;
  /** Legacy mode's passphrase length. */
  static final int LEGACY_KEY = 16;
  private static final String PLACEHOLDER = "__CHANGEME__";

  /** Which side reads the settings: the rules differ a little. */
  enum Side { CLIENT, SERVER }

  boolean hmac() {
    return hmacType != null;
  }

  /** Whether the settings name an AES key at all. */
  static boolean present(Settings s) {
    return s.has(KEY) || s.has(KEY_BASE64);
  }

  /** Reads and checks the keys; every message names the key at fault and never its value. */
  static AesKeys from(Settings s, Side side) throws ConfigException {
    byte[] key = secret(s, KEY, KEY_BASE64);
    if (key == null) {
      throw s.invalid(KEY, "no Rijndael key: set " + KEY + " or " + KEY_BASE64);
    }
    String keyName = s.has(KEY) ? KEY : KEY_BASE64;
    if (key.length > MAX_KEY) {
      throw s.invalid(keyName, "Invalid key length: " + key.length + " bytes, Rijndael keys are 0.." + MAX_KEY + " bytes");
    }

    EncryptionMode mode = EncryptionMode.CBC;
    if (s.has(ENCRYPTION_MODE)) {
      String m = s.get(ENCRYPTION_MODE).orElse("");
      mode = EncryptionMode.parse(m).filter(x -> x != EncryptionMode.ASYMMETRIC).orElseThrow(
          () -> s.invalid(ENCRYPTION_MODE, "unknown mode '" + m.trim() + "'; use CBC, ECB, CFB, OFB, CTR or LEGACY"));
    }

    byte[] hmacKey = secret(s, HMAC_KEY, HMAC_KEY_BASE64);
    String hmacName = s.has(HMAC_KEY) ? HMAC_KEY : HMAC_KEY_BASE64;
    boolean useHmacFlag = s.flag(USE_HMAC, false);
    if (useHmacFlag && hmacKey == null) {
      throw s.invalid(USE_HMAC, "is Y but neither " + HMAC_KEY + " nor " + HMAC_KEY_BASE64 + " is set");
    }
    if (hmacKey != null && side == Side.CLIENT && s.has(USE_HMAC) && !useHmacFlag) {
      hmacKey = null; // the client was told not to add an HMAC
    }

    DigestType hmacType = null;
    if (hmacKey != null) {
      if (hmacKey.length == 0) {
        throw s.invalid(hmacName, "HMAC key is empty");
      }
      if (hmacKey.length > MAX_HMAC_KEY) {
        throw s.invalid(hmacName, "HMAC key is " + hmacKey.length + " bytes, at most " + MAX_HMAC_KEY);
      }
      if (MessageDigest.isEqual(hmacKey, key)) {
        throw s.invalid(hmacName, "HMAC key must differ from the Rijndael key");
      }
      hmacType = DigestType.SHA256;
      if (s.has(HMAC_DIGEST_TYPE)) {
        String t = s.get(HMAC_DIGEST_TYPE).orElse("");
        hmacType = DigestType.parse(t).orElseThrow(() -> s.invalid(HMAC_DIGEST_TYPE,
            "unknown digest '" + t.trim() + "'; use one of " + DigestType.names()));
      }
      if (mode == EncryptionMode.LEGACY && side == Side.CLIENT) {
        throw s.invalid(ENCRYPTION_MODE, "legacy mode cannot be combined with an HMAC");
      }
    }

    if (mode == EncryptionMode.LEGACY) {
      key = legacyPassphrase(key);
    }
    return new AesKeys(key, mode, hmacType, hmacKey);
  }

  /** Legacy (pre-2.5) passphrase: cut to 16 bytes, right-padded with ASCII '0' up to 16. */
  static byte[] legacyPassphrase(byte[] key) {
    byte[] k = Arrays.copyOf(key, LEGACY_KEY);
    if (key.length < LEGACY_KEY) {
      Arrays.fill(k, key.length, LEGACY_KEY, (byte) '0');
    }
    return k;
  }

  /** The raw ({@code rawKey}) or base64 ({@code b64Key}) form of one secret, or null when neither is set. */
  private static byte[] secret(Settings s, String rawKey, String b64Key) throws ConfigException {
    boolean raw = s.has(rawKey);
    boolean b64 = s.has(b64Key);
    if (raw && b64) {
      throw s.invalid(b64Key, "both " + rawKey + " and " + b64Key + " are set; keep one");
    }
    if (raw) {
      String v = s.get(rawKey).orElse("");
      if (v.equals(PLACEHOLDER)) {
        throw s.invalid(rawKey, "still holds the placeholder " + PLACEHOLDER + "; set a real key");
      }
      return v.getBytes(StandardCharsets.UTF_8);
    }
    if (b64) {
      String v = s.get(b64Key).orElse("").trim();
      if (v.equals(PLACEHOLDER)) {
        throw s.invalid(b64Key, "still holds the placeholder " + PLACEHOLDER + "; set a real key");
      }
      try {
        return Base64.getDecoder().decode(v);
      } catch (IllegalArgumentException e) {
        throw s.invalid(b64Key, "is not valid base64 (standard alphabet, '=' padding allowed)");
      }
    }
    return null;
  }

  @Override
  public String toString() {
    return "AesKeys[mode=" + mode + ", hmac=" + (hmacType == null ? "none" : hmacType.fwknopName()) + "]";
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof AesKeys k && Arrays.equals(passphrase, k.passphrase) && mode == k.mode
        && hmacType == k.hmacType && Arrays.equals(hmacKey, k.hmacKey);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(passphrase) * 31 + mode.hashCode();
  }
}
