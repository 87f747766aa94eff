package spa.client.cli;

import spa.core.DigestType;
import spa.core.EncryptionMode;
import spa.core.MessageType;
import spa.core.SpaMessage;

/** Prints a packet's fields in the layout of {@code fwknop -T}. */
final class FieldDump {
  private FieldDump() {}

  /**
   * The dump.
   *
   * @param m the message
   * @param plaintext the plaintext ({@code encoded:digest})
   * @param hmacType the HMAC type, or null for none
   * @param hmac the HMAC text, or null
   * @param mode the encryption mode ({@link EncryptionMode#ASYMMETRIC} for GnuPG)
   * @param finalData the wire string (or, for a decoded packet, the ciphertext without the HMAC)
   */
  static String format(SpaMessage m, String plaintext, DigestType hmacType, String hmac, EncryptionMode mode,
      String finalData) {
    int colon = plaintext.lastIndexOf(':');
    StringBuilder sb = new StringBuilder();
    sb.append("SPA Field Values:\n=================\n");
    line(sb, "Random Value", m.random());
    line(sb, "Username", m.user());
    line(sb, "Timestamp", Long.toString(m.timestamp()));
    line(sb, "FKO Version", m.version());
    line(sb, "Message Type", m.type().code() + " (" + typeName(m.type()) + ")");
    line(sb, "Message String", m.message());
    line(sb, "Nat Access", orNull(m.natAccess()));
    line(sb, "Server Auth", orNull(m.serverAuth()));
    line(sb, "Client Timeout", Integer.toString(m.clientTimeout()));
    line(sb, "Digest Type", digest(m.digestType()));
    line(sb, "HMAC Type", hmacType == null ? "0 (None)" : digest(hmacType));
    line(sb, "Encryption Type", mode == EncryptionMode.ASYMMETRIC ? "2 (GPG)" : "1 (Rijndael)");
    line(sb, "Encryption Mode", mode.code() + " (" + modeName(mode) + ")");
    line(sb, "Encoded Data", plaintext.substring(0, colon));
    line(sb, "SPA Data Digest", plaintext.substring(colon + 1));
    line(sb, "HMAC", orNull(hmac));
    line(sb, "Final SPA Data", finalData);
    return sb.toString();
  }

  private static void line(StringBuilder sb, String label, String value) {
    sb.append(String.format("%15s: %s", label, value)).append('\n');
  }

  private static String orNull(String s) {
    return s == null ? "<NULL>" : s;
  }

  private static String digest(DigestType t) {
    return t.code() + " (" + t.name() + ")";
  }

  static String typeName(MessageType t) {
    return switch (t) {
      case COMMAND -> "Command msg";
      case ACCESS -> "Access msg";
      case NAT_ACCESS -> "NAT access msg";
      case CLIENT_TIMEOUT_ACCESS -> "Client timeout access msg";
      case CLIENT_TIMEOUT_NAT_ACCESS -> "Client timeout NAT access msg";
      case LOCAL_NAT_ACCESS -> "Local NAT access msg";
      case CLIENT_TIMEOUT_LOCAL_NAT_ACCESS -> "Client timeout local NAT access msg";
    };
  }

  static String modeName(EncryptionMode m) {
    return switch (m) {
      case ASYMMETRIC -> "Asymmetric";
      case LEGACY -> "legacy";
      default -> m.name();
    };
  }
}
