package spa.distribution;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import spa.core.DigestType;
import spa.core.EncryptionMode;

/**
 * One packet of the interoperability matrix: cipher mode, HMAC (the message digest uses the same hash),
 * request kind, keys, and the address it asks to open, which differs from case to case so that it names the
 * packet in a server's log.
 */
record SpaCase(EncryptionMode mode, DigestType hmac, Request request, Keys keys, String allowIp) {

  static final List<EncryptionMode> MODES =
      List.of(EncryptionMode.CBC, EncryptionMode.CFB, EncryptionMode.OFB, EncryptionMode.CTR, EncryptionMode.ECB);
  static final List<DigestType> HMACS = List.of(DigestType.SHA256, DigestType.SHA512, DigestType.SHA3_256);

  /**
   * Every mode x HMAC x request with {@code base64Keys}, then one access request with passphrase keys
   * (fwknop's {@code KEY}/{@code HMAC_KEY}).
   */
  static List<SpaCase> matrix(Keys base64Keys, Keys passphrases) {
    List<SpaCase> cases = new ArrayList<>();
    for (EncryptionMode mode : MODES) {
      for (DigestType hmac : HMACS) {
        for (Request request : Request.values()) {
          cases.add(new SpaCase(mode, hmac, request, base64Keys, allowIp(cases.size())));
        }
      }
    }
    cases.add(new SpaCase(EncryptionMode.CBC, DigestType.SHA256, Request.ACCESS, passphrases, allowIp(cases.size())));
    return List.copyOf(cases);
  }

  /** 198.18.0.10 and up: inside the packet only, nothing is sent there. */
  private static String allowIp(int index) {
    return "198.18.0." + (10 + index);
  }

  /** The decoded message field: {@code allow_ip,proto/port...} or {@code allow_ip,command}. */
  String message() {
    return allowIp + "," + request.afterAllowIp();
  }

  /** Options shared by fwknop and spa, without the server port and the packet file. */
  List<String> clientArgs() {
    List<String> a = new ArrayList<>(request.args());
    a.addAll(List.of("-a", allowIp, "-D", Request.SERVER, "-U", Request.USER,
        "-M", mode.name().toLowerCase(Locale.ROOT), "-m", hmac.fwknopName(),
        "--use-hmac", "--hmac-digest-type", hmac.fwknopName()));
    a.addAll(keys.clientArgs());
    return a;
  }

  /** The same case with other keys. */
  SpaCase withKeys(Keys other) {
    return new SpaCase(mode, hmac, request, other, allowIp);
  }

  @Override
  public String toString() {
    return mode + " " + hmac.fwknopName() + " " + request + (keys.base64() ? "" : " passphrase-keys");
  }
}
