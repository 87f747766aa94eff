package spa.core;

import java.util.Locale;
import java.util.Optional;

/**
 * The hash functions fwknop uses, both for the message digest field and for the HMAC.
 * Codes are fwknop's {@code fko_digest_type_t} / {@code fko_hmac_type_t} values.
 */
public enum DigestType {
  MD5(1, "md5", "MD5", "HmacMD5", 22, 64),
  SHA1(2, "sha1", "SHA-1", "HmacSHA1", 27, 64),
  SHA256(3, "sha256", "SHA-256", "HmacSHA256", 43, 64),
  SHA384(4, "sha384", "SHA-384", "HmacSHA384", 64, 128),
  SHA512(5, "sha512", "SHA-512", "HmacSHA512", 86, 128),
  SHA3_256(6, "sha3_256", "SHA3-256", "HmacSHA3-256", 43, 136),
  SHA3_512(7, "sha3_512", "SHA3-512", "HmacSHA3-512", 86, 72);

  private final int code;
  private final String fwknopName;
  private final String jcaDigest;
  private final String jcaHmac;
  private final int b64Length;
  private final int blockSize;

  DigestType(int code, String fwknopName, String jcaDigest, String jcaHmac, int b64Length, int blockSize) {
    this.code = code;
    this.fwknopName = fwknopName;
    this.jcaDigest = jcaDigest;
    this.jcaHmac = jcaHmac;
    this.b64Length = b64Length;
    this.blockSize = blockSize;
  }

  public int code() {
    return code;
  }

  /** The name fwknop's options and files use: {@code md5 sha1 sha256 sha384 sha512 sha3_256 sha3_512}. */
  public String fwknopName() {
    return fwknopName;
  }

  /** JCA {@code MessageDigest} algorithm name. */
  public String jcaDigest() {
    return jcaDigest;
  }

  /** JCA {@code Mac} algorithm name. */
  public String jcaHmac() {
    return jcaHmac;
  }

  /** Length of the unpadded base64 of one output. */
  public int b64Length() {
    return b64Length;
  }

  /** Block size in bytes (an HMAC key longer than this is hashed first). */
  public int blockSize() {
    return blockSize;
  }

  /** Parses a fwknop name, case-insensitively ({@code sha3-256} is accepted for {@code sha3_256}). */
  public static Optional<DigestType> parse(String name) {
    if (name == null) {
      return Optional.empty();
    }
    String n = name.trim().toLowerCase(Locale.ROOT).replace('-', '_');
    for (DigestType t : values()) {
      if (t.fwknopName.equals(n)) {
        return Optional.of(t);
      }
    }
    return Optional.empty();
  }

  /** Names accepted by {@link #parse}, for error messages. */
  public static String names() {
    StringBuilder sb = new StringBuilder();
    for (DigestType t : values()) {
      if (sb.length() > 0) {
        sb.append(", ");
      }
      sb.append(t.fwknopName);
    }
    return sb.toString();
  }
}
