package spa.core;

import java.util.Locale;
import java.util.Optional;

/**
 * fwknop's encryption modes ({@code fko_encryption_mode_t}). The mode is not signalled in the packet:
 * sender and receiver must be configured alike.
 */
public enum EncryptionMode {
  ECB(1),
  CBC(2),
  CFB(3),
  OFB(5),
  CTR(6),
  /** GnuPG (OpenPGP) rather than Rijndael. */
  ASYMMETRIC(7),
  /** CBC with the passphrase right-padded with ASCII '0' to 16 bytes (fwknop before 2.5). */
  LEGACY(8);

  private final int code;

  EncryptionMode(int code) {
    this.code = code;
  }

  public int code() {
    return code;
  }

  /** Parses a mode name as fwknop's {@code -M} and {@code ENCRYPTION_MODE} accept it, case-insensitively. */
  public static Optional<EncryptionMode> parse(String name) {
    if (name == null) {
      return Optional.empty();
    }
    String n = name.trim().toUpperCase(Locale.ROOT);
    for (EncryptionMode m : values()) {
      if (m.name().equals(n)) {
        return Optional.of(m);
      }
    }
    return Optional.empty();
  }
}
