package spa.fw.iptables;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class RuleTextTest {

  @Test
  void splitsListedRulesHonouringQuotes() {
    assertEquals(List.of("-s", "10.0.0.7/32", "-m", "comment", "--comment", "a \"b\" c", "-j", "ACCEPT"),
        RuleText.split("-s 10.0.0.7/32 -m comment --comment \"a \\\"b\\\" c\"  -j ACCEPT"));
  }

  @Test
  void aRuleAsWrittenAndAsListedHaveOneKeyWhateverItsExpiry() {
    List<String> written = List.of("-p", "6", "-s", "10.0.0.5", "-d", "0.0.0.0/0", "--dport", "22", "-m", "comment",
        "--comment", "_exp_1795249960", "-j", "ACCEPT");
    List<String> listed = RuleText.split(
        "-s 10.0.0.5/32 -p tcp -m tcp --dport 22 -m comment --comment _exp_1795249961 -j ACCEPT");
    assertEquals(RuleText.key("FWKNOP_INPUT", written), RuleText.key("FWKNOP_INPUT", listed));
    assertEquals(1795249960L, RuleText.exp(written));
    assertEquals(1795249961L, RuleText.exp(listed));
    List<String> otherPort = RuleText.split("-s 10.0.0.5/32 -p tcp -m tcp --dport 23 -j ACCEPT");
    assertNotEquals(RuleText.key("FWKNOP_INPUT", written), RuleText.key("FWKNOP_INPUT", otherPort));
    assertEquals(-1, RuleText.exp(otherPort));
  }

  @Test
  void ipv6AddressesCompareWhateverTheirSpelling() {
    List<String> written = List.of("-p", "6", "-s", "fd00:0:0:0:0:0:0:2", "-d", "::/0", "--dport", "80", "-j", "DNAT",
        "--to-destination", "[fd00:1:0:0:0:0:0:2]:22");
    List<String> listed = RuleText.split("-s fd00::2/128 -p tcp -m tcp --dport 80 -m comment --comment _exp_1 "
        + "-j DNAT --to-destination [fd00:1::2]:22");
    assertEquals(RuleText.key("FWKNOP_PREROUTING", written), RuleText.key("FWKNOP_PREROUTING", listed));
  }
}
