package spa.client.cli;

import io.nayuki.qrcodegen.QrCode;
import java.util.ArrayList;
import java.util.List;
import spa.client.ClientException;
import spa.core.Settings;

/**
 * {@code spa --qr}: a stanza's keys as a QR code drawn in the terminal, in the form the Fwknop2 Android app imports
 * from its scanner: words separated by single spaces, each {@code NAME:value}, with the names {@code KEY_BASE64} or
 * {@code KEY} and {@code HMAC_KEY_BASE64} or {@code HMAC_KEY}. The app takes nothing else from the code, so the
 * server is printed below it, to be typed in.
 */
final class QrEnrolment {
  /** Light modules around the code, as the QR specification asks for (4; 2 are enough for phone scanners). */
  static final int BORDER = 2;

  private QrEnrolment() {}

  /** The text of the code for the key settings of {@code s}. */
  static String text(Settings s) throws ClientException {
    List<String> words = new ArrayList<>();
    add(words, s, "KEY_BASE64", "KEY");
    if (words.isEmpty()) {
      throw new ClientException("--qr needs the encryption key itself (KEY or KEY_BASE64 in the stanza, or"
          + " --key-rijndael, --key-base64-rijndael)" + (s.has("KEY_FILE") ? ", not a key file" : ""));
    }
    add(words, s, "HMAC_KEY_BASE64", "HMAC_KEY");
    return String.join(" ", words);
  }

  private static void add(List<String> words, Settings s, String base64, String raw) throws ClientException {
    String name = s.has(base64) ? base64 : s.has(raw) ? raw : null;
    if (name == null) {
      return;
    }
    String v = s.get(name).orElseThrow();
    if (v.chars().anyMatch(c -> c <= ' ' || c == ':' || c > '~')) {
      throw new ClientException("--qr: " + name + " holds a blank, ':' or a character outside ASCII, which the"
          + " Fwknop2 app cannot read from a code; use a base64 key");
    }
    words.add(name + ":" + v);
  }

  /**
   * The code drawn with Unicode half blocks, two rows of modules to a line, light modules as blocks (for a
   * terminal with a dark background, like {@code qrencode -t UTF8}).
   */
  static String render(String text) {
    QrCode qr = QrCode.encodeText(text, QrCode.Ecc.MEDIUM);
    int size = qr.size + 2 * BORDER;
    StringBuilder sb = new StringBuilder();
    for (int y = 0; y < size; y += 2) {
      for (int x = 0; x < size; x++) {
        boolean top = light(qr, x - BORDER, y - BORDER);
        boolean bottom = y + 1 >= size || light(qr, x - BORDER, y + 1 - BORDER);
        sb.append(top ? (bottom ? '█' : '▀') : (bottom ? '▄' : ' '));
      }
      sb.append('\n');
    }
    return sb.toString();
  }

  /** Outside the code (the border) is light. */
  private static boolean light(QrCode qr, int x, int y) {
    return x < 0 || y < 0 || x >= qr.size || y >= qr.size || !qr.getModule(x, y);
  }
}
