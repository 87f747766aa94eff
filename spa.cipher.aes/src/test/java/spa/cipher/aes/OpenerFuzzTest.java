package spa.cipher.aes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static spa.cipher.aes.Fixtures.decryptor;
import static spa.cipher.aes.Fixtures.encryptor;
import static spa.cipher.aes.Fixtures.settings;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import spa.core.Settings;
import spa.core.SpaException;
import spa.core.spi.Decryptor;

/**
 * The Rijndael opener on arbitrary wire bytes. With an HMAC key nothing but the one packet made with the keys
 * opens; without one, whatever opens is a plaintext of the shape fwknop's decoder takes. Refusals are plain nulls
 * or SpaExceptions of kind AUTH, never another exception, and every call ends within a second.
 */
class OpenerFuzzTest {
  private static final Settings HMAC = settings("KEY", "fwknoptest", "HMAC_KEY", "hmactest");
  private static final Settings NO_HMAC = settings("KEY", "fwknoptest");
  private static final Decryptor.Keyed WITH_MAC;
  private static final Decryptor.Keyed WITHOUT_MAC;
  private static final String PLAINTEXT =
      "1234567890123456:YWxpY2U:1700000000:3.0.0:1:MTkyLjE2OC4xMC41LHRjcC8yMg:3RH36gCtL9yMkq1KLrmpwUtZQ1aXjrDHJcjFAGXdbRA";
  /** The one packet made with the keys (a fixed salt, so that it is also the fuzzer's committed seed). */
  private static final String AUTHENTIC;

  static {
    try {
      WITH_MAC = decryptor(HMAC);
      WITHOUT_MAC = decryptor(NO_HMAC);
      AUTHENTIC = encryptor(HMAC, Fixtures.hex("0123456789abcdef")).encrypt(PLAINTEXT);
    } catch (Exception e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /** The seeds start from the authentic packet, so the fuzzer mutates what is closest to passing. */
  @Test
  void seedIsTheAuthenticPacket() throws Exception {
    for (String target : new String[] {"onlyTheAuthenticPacketOpens", "withoutMacOpensOnlyWellFormedPlaintext"}) {
      try (var in = getClass().getResourceAsStream("OpenerFuzzTestInputs/" + target + "/authentic")) {
        assertEquals(AUTHENTIC, new String(in.readAllBytes(), StandardCharsets.US_ASCII));
      }
    }
    assertEquals(PLAINTEXT, WITH_MAC.decrypt(AUTHENTIC));
  }

  @FuzzTest(maxDuration = "5m")
  void onlyTheAuthenticPacketOpens(byte[] wire) throws SpaException {
    String opened = open(WITH_MAC, wire);
    if (!new String(wire, StandardCharsets.ISO_8859_1).equals(AUTHENTIC)) {
      assertNull(opened, "a packet not made with the keys opened");
    } else {
      assertEquals(PLAINTEXT, opened);
    }
  }

  @FuzzTest(maxDuration = "5m")
  void withoutMacOpensOnlyWellFormedPlaintext(byte[] wire) throws SpaException {
    String opened = open(WITHOUT_MAC, wire);
    if (opened != null) {
      assertEquals(':', opened.charAt(16), opened);
      assertTrue(opened.chars().allMatch(c -> c >= 0x20 && c < 0x7f), opened);
    }
  }

  private static String open(Decryptor.Keyed keyed, byte[] wire) throws SpaException {
    long start = System.nanoTime();
    try {
      return keyed.decrypt(wire, 0, wire.length);
    } catch (SpaException e) {
      assertEquals(SpaException.Kind.AUTH, e.kind(), e.getMessage());
      return null;
    } finally {
      assertTrue(System.nanoTime() - start < 1_000_000_000L, "opening took over a second");
    }
  }
}
