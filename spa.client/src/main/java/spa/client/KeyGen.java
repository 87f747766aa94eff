package spa.client;

import java.security.SecureRandom;
import java.util.Base64;
import spa.core.DigestType;

/**
 * Random keys for {@code --key-gen}, sized as fwknop sizes them: a 32-byte AES key and an HMAC key as long
 * as the hash's block size (MD5 16 and SHA-1 20, as fwknop 2.6.10 does), at most 128 bytes.
 */
public final class KeyGen {
  /** Default AES key length, and the longest AES key (Rijndael passphrases are 0..32 bytes). */
  public static final int AES_KEY_LENGTH = 32;
  /** Longest HMAC key the client accepts. */
  public static final int MAX_HMAC_KEY_LENGTH = 128;

  private final SecureRandom random;

  public KeyGen(SecureRandom random) {
    this.random = random;
  }

  /**
   * The default HMAC key length for a type. fwknop 2.6.10 gives 64 for SHA-256, 128 for SHA-384/512, 16
   * for MD5 and 20 for SHA-1, and fails for the SHA-3 types; spa uses their block size capped at 128
   * (SHA3-256 128, SHA3-512 72).
   */
  public static int defaultHmacKeyLength(DigestType type) {
    return switch (type) {
      case MD5 -> 16;
      case SHA1 -> 20;
      default -> Math.min(type.blockSize(), MAX_HMAC_KEY_LENGTH);
    };
  }

  /** A key pair of the given lengths. */
  public Keys generate(int keyLength, int hmacKeyLength) {
    if (keyLength < 1 || keyLength > AES_KEY_LENGTH) {
      throw new IllegalArgumentException("key length " + keyLength + " outside 1.." + AES_KEY_LENGTH);
    }
    if (hmacKeyLength < 1 || hmacKeyLength > MAX_HMAC_KEY_LENGTH) {
      throw new IllegalArgumentException("HMAC key length " + hmacKeyLength + " outside 1.." + MAX_HMAC_KEY_LENGTH);
    }
    byte[] key = new byte[keyLength];
    byte[] hmac = new byte[hmacKeyLength];
    random.nextBytes(key);
    random.nextBytes(hmac);
    return new Keys(key, hmac);
  }

  /**
   * A generated key pair.
   *
   * @param key the encryption key bytes
   * @param hmacKey the HMAC key bytes
   */
  public record Keys(byte[] key, byte[] hmacKey) {
    public Keys {
      key = key.clone();
      hmacKey = hmacKey.clone();
    }

    @Override
    public byte[] key() {
      return key.clone();
    }

    @Override
    public byte[] hmacKey() {
      return hmacKey.clone();
    }

    /** Base64 of the key, padded with '=' as fwknop prints it. */
    public String keyBase64() {
      return Base64.getEncoder().encodeToString(key);
    }

    /** Base64 of the HMAC key, padded with '='. */
    public String hmacKeyBase64() {
      return Base64.getEncoder().encodeToString(hmacKey);
    }

    /** The two lines {@code fwknop --key-gen} prints, each ending in a newline; usable in an rc stanza. */
    public String toLines() {
      return "KEY_BASE64: " + keyBase64() + "\n" + "HMAC_KEY_BASE64: " + hmacKeyBase64() + "\n";
    }

    @Override
    public String toString() {
      return "Keys[" + key.length + " and " + hmacKey.length + " bytes]";
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Keys k && java.util.Arrays.equals(key, k.key) && java.util.Arrays.equals(hmacKey, k.hmacKey);
    }

    @Override
    public int hashCode() {
      return 31 * java.util.Arrays.hashCode(key) + java.util.Arrays.hashCode(hmacKey);
    }
  }
}
