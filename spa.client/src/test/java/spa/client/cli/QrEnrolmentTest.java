package spa.client.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.zxing.common.BitMatrix;
import com.google.zxing.qrcode.decoder.Decoder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code spa --qr}: the drawn code decodes (with zxing) to the keys in the Fwknop2 app's form. */
class QrEnrolmentTest {
  private static final String KEY = "rMq6v0QoxOPTxjFgnTmYDV0ia2ZYygBvQd0Lu503slk=";
  private static final String HMAC = "CrA08FGVerIOSYV1f8ChWv+posE/rNWaoAAm22LxfhjdbezA3pwicjIv5L9RWtR4dW/ym1B5gvVWItKNkSM/tQ==";

  @TempDir
  Path home;

  @Test
  void aStanzasKeysDecodeBackFromTheTerminalDrawing() throws Exception {
    Path rc = home.resolve(".fwknoprc");
    Files.writeString(rc, "[default]\n\n[box]\nSPA_SERVER 198.18.0.1\nKEY_BASE64 " + KEY + "\nHMAC_KEY_BASE64 " + HMAC
        + "\nUSE_HMAC Y\n");
    Files.setPosixFilePermissions(rc, PosixFilePermissions.fromString("rw-------"));
    CliHarness.Result r = new CliHarness(home).run("-n", "box", "--qr");
    assertEquals(0, r.status(), r.err());
    List<String> lines = r.out().lines().toList();
    assertEquals("Server: 198.18.0.1, port 62201 (Fwknop2's codes carry the keys only: type these in)", lines.getLast());
    assertEquals("KEY_BASE64:" + KEY + " HMAC_KEY_BASE64:" + HMAC, decode(lines.subList(0, lines.size() - 1)));
  }

  @Test
  void rawKeysFromTheCommandLineAndRefusals() throws Exception {
    CliHarness h = new CliHarness(home);
    CliHarness.Result r = h.run("--no-rc-file", "--key-rijndael", "secret", "--qr");
    assertEquals(0, r.status(), r.err());
    List<String> lines = r.out().lines().toList();
    assertEquals("KEY:secret", decode(lines.subList(0, lines.size() - 1)));
    assertTrue(lines.getLast().startsWith("Server: (none set), port 62201"), lines.getLast());

    assertEquals("spa: --qr: KEY holds a blank, ':' or a character outside ASCII, which the Fwknop2 app cannot read"
        + " from a code; use a base64 key\n", h.run("--no-rc-file", "--key-rijndael", "a:b", "--qr").err());
    assertEquals("spa: --qr needs the encryption key itself (KEY or KEY_BASE64 in the stanza, or --key-rijndael,"
        + " --key-base64-rijndael), not a key file\n", h.run("--no-rc-file", "-G", "/nonexistent", "--qr").err());
  }

  /** Reads the half blocks back into modules (a block is light), drops the border, and decodes the matrix. */
  private static String decode(List<String> drawing) throws Exception {
    int width = drawing.getFirst().length();
    int size = width - 2 * QrEnrolment.BORDER;
    BitMatrix m = new BitMatrix(size);
    for (int y = 0; y < width; y++) {
      for (int x = 0; x < width; x++) {
        char c = drawing.get(y / 2).charAt(x);
        boolean light = y % 2 == 0 ? c == '█' || c == '▀' : c == '█' || c == '▄';
        int mx = x - QrEnrolment.BORDER;
        int my = y - QrEnrolment.BORDER;
        if (mx >= 0 && my >= 0 && mx < size && my < size && !light) {
          m.set(mx, my);
        } else if ((mx < 0 || my < 0 || mx >= size || my >= size) && !light) {
          throw new AssertionError("a dark module in the border at " + x + "," + y);
        }
      }
    }
    return new Decoder().decode(m).getText();
  }
}
