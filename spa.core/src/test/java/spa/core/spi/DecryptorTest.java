package spa.core.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import spa.core.SpaException;

/** The byte form's default: the String form on the range, with AUTH refusals as null and other failures thrown. */
class DecryptorTest {
  /** Reverses its input; refuses "bad" as AUTH and "odd" as MESSAGE. */
  private static final Decryptor.Keyed REVERSER = wire -> {
    if (wire.equals("bad")) {
      throw SpaException.auth("refused");
    }
    if (wire.equals("odd")) {
      throw SpaException.message("field", "odd");
    }
    return new StringBuilder(wire).reverse().toString();
  };

  @Test
  void byteFormDecodesTheRangeAsOneCharacterPerByte() throws Exception {
    byte[] b = "xxabc\u00e9yy".getBytes(StandardCharsets.ISO_8859_1);
    assertEquals("\u00e9cba", REVERSER.decrypt(b, 2, 4));
  }

  @Test
  void authRefusalsBecomeNullOthersAreThrown() throws Exception {
    assertNull(REVERSER.decrypt("--bad".getBytes(StandardCharsets.US_ASCII), 2, 3));
    SpaException e = assertThrows(SpaException.class, () -> REVERSER.decrypt("odd".getBytes(StandardCharsets.US_ASCII), 0, 3));
    assertEquals(SpaException.Kind.MESSAGE, e.kind());
  }
}
