package spa.core.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The dotted-quad rule against a spelled-out statement of it, on fixed and random text. */
class SpaFieldsTest {

  /** Four dot-separated decimal octets 0..255, no leading zeros, 7..15 characters in all. */
  private static boolean dottedQuad(String s) {
    if (s.length() < 7 || s.length() > 15) {
      return false;
    }
    String[] parts = s.split("\\.", -1);
    if (parts.length != 4) {
      return false;
    }
    for (String p : parts) {
      if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(c -> c >= '0' && c <= '9')
          || p.length() > 1 && p.charAt(0) == '0' || Integer.parseInt(p) > 255) {
        return false;
      }
    }
    return true;
  }

  @Test
  void ipv4Examples() {
    assertTrue(SpaFields.isIpv4("10.0.0.5"));
    assertTrue(SpaFields.isIpv4("255.255.255.255"));
    assertTrue(SpaFields.isIpv4("0.0.0.0"));
    assertFalse(SpaFields.isIpv4("10.0.0.256"));
    assertFalse(SpaFields.isIpv4("10.0.0.05"));
    assertFalse(SpaFields.isIpv4("10.0.0."));
    assertFalse(SpaFields.isIpv4(".10.0.0.5"));
    assertFalse(SpaFields.isIpv4("10.0.0.5.1"));
    assertFalse(SpaFields.isIpv4("10..0.5"));
    assertFalse(SpaFields.isIpv4("1.2.3.4a"));
  }

  @Test
  void ipv4ValueIsTheAddressOfWhatIsAccepted() {
    assertEquals(0x0A000005L, SpaFields.ipv4("10.0.0.5"));
    assertEquals(0xFFFFFFFFL, SpaFields.ipv4("255.255.255.255"));
    assertEquals(0xC6120102L, SpaFields.ipv4("198.18.1.2"));
    assertEquals(0L, SpaFields.ipv4("0.0.0.0"));
    assertEquals(-1L, SpaFields.ipv4("10.0.0.256"));
    assertEquals(-1L, SpaFields.ipv4("10.0.0.05"));
    assertEquals(-1L, SpaFields.ipv4("1.2.3"));
  }

  @Test
  void ipv4AgreesWithTheSpelledOutRuleOnRandomText() {
    SplittableRandom r = new SplittableRandom(9);
    String chars = "0123456789..a";
    int valid = 0;
    for (int i = 0; i < 50_000; i++) {
      StringBuilder sb = new StringBuilder();
      if (r.nextBoolean()) {
        for (int k = 0; k < 4; k++) {
          sb.append(k > 0 ? "." : "").append(r.nextInt(4) == 0 ? "0" + r.nextInt(30) : Integer.toString(r.nextInt(300)));
        }
      } else {
        int len = 5 + r.nextInt(13);
        for (int k = 0; k < len; k++) {
          sb.append(chars.charAt(r.nextInt(chars.length())));
        }
      }
      String s = sb.toString();
      assertEquals(dottedQuad(s), SpaFields.isIpv4(s), s);
      valid += dottedQuad(s) ? 1 : 0;
    }
    assertTrue(valid > 2_000, valid + " valid");
  }

  @Test
  void accessMessagesAndUsernamesAreJudgedAsTheSubstringRulesJudgeThem() {
    SplittableRandom r = new SplittableRandom(10);
    String[] protos = {"tcp", "udp", "TCP", "Udp", "icmp", "tc", "tcpx", ""};
    String[] ports = {"22", "1", "65535", "0", "65536", "123456", "", "2a", "00022", "-1"};
    String[] ips = {"10.0.0.5", "0.0.0.0", "10.0.0.256", "10.0.0", "1.2.3.04"};
    for (int i = 0; i < 20_000; i++) {
      StringBuilder sb = new StringBuilder(ips[r.nextInt(ips.length)]);
      if (r.nextInt(20) > 0) {
        sb.append(',');
        int specs = r.nextInt(4);
        for (int k = 0; k <= specs; k++) {
          if (k > 0) {
            sb.append(',');
          }
          if (r.nextInt(15) > 0) {
            sb.append(protos[r.nextInt(protos.length)]).append(r.nextInt(12) > 0 ? "/" : "").append(ports[r.nextInt(ports.length)]);
          }
        }
      }
      String msg = sb.toString();
      assertEquals(refusal(() -> ReferenceDecoder.checkAccessMessage(msg)), refusal(() -> SpaFields.checkAccessMessage(msg)), msg);
      String user = msg.substring(r.nextInt(msg.length()));
      assertEquals(refusal(() -> ReferenceDecoder.checkUsername(user)), refusal(() -> SpaFields.checkUsername(user)), user);
    }
  }

  private interface Check {
    void run() throws spa.core.SpaException;
  }

  private static String refusal(Check c) {
    try {
      c.run();
      return "ok";
    } catch (spa.core.SpaException e) {
      return e.field() + ": " + e.reason();
    }
  }
}
