package spa.fw.iptables;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;
import spa.core.ConfigException;
import spa.core.Settings;

class IptConfigTest {

  private static IptConfig of(Map<String, String> m) throws ConfigException {
    return IptConfig.from(Settings.of(m, "fwknopd.conf"));
  }

  @Test
  void defaultsAreFwknops() throws Exception {
    IptConfig c = of(Map.of());
    assertEquals("/usr/sbin/iptables", c.exe());
    assertEquals("/usr/sbin/ip6tables", c.exe6());
    assertEquals(new ChainSpec("ACCEPT", "filter", "INPUT", 1, "FWKNOP_INPUT"), c.chain(Role.INPUT));
    assertEquals(new ChainSpec("MASQUERADE", "nat", "POSTROUTING", 1, "FWKNOP_MASQUERADE"), c.chain(Role.MASQUERADE));
    assertTrue(c.flushAtInit() && c.ipv6());
    assertTrue(c.enabled(Role.INPUT));
    assertFalse(c.enabled(Role.OUTPUT) || c.enabled(Role.FORWARD) || c.enabled(Role.DNAT) || c.enabled(Role.SNAT));
  }

  @Test
  void chainsFollowTheFeatureFlagsAsInFwknop() throws Exception {
    IptConfig nat = of(Map.of("ENABLE_IPT_LOCAL_NAT", "Y"));
    assertTrue(nat.enabled(Role.FORWARD) && nat.enabled(Role.DNAT));
    assertFalse(nat.enabled(Role.SNAT) || nat.enabled(Role.MASQUERADE));
    IptConfig snat = of(Map.of("ENABLE_IPT_FORWARDING", "yes", "ENABLE_IPT_SNAT", "Y", "ENABLE_IPT_OUTPUT", "y"));
    assertTrue(snat.enabled(Role.SNAT) && snat.enabled(Role.MASQUERADE) && snat.enabled(Role.OUTPUT));
  }

  @Test
  void ip6tablesIsFoundNextToTheConfiguredIptables() throws Exception {
    assertEquals("/usr/sbin/ip6tables-legacy", of(Map.of("FIREWALL_EXE", "/usr/sbin/iptables-legacy")).exe6());
    assertEquals("ip6tables-nft", of(Map.of("FIREWALL_EXE", "iptables-nft")).exe6());
    assertEquals("/opt/x6", of(Map.of("FIREWALL_EXE", "/opt/x", "IP6TABLES_EXE", "/opt/x6")).exe6());
  }

  @Test
  void customChainPlacementIsParsed() throws Exception {
    IptConfig c = of(Map.of("IPT_INPUT_ACCESS", "ACCEPT,filter,  MYINPUT ,3, SPA_IN,1"));
    assertEquals(new ChainSpec("ACCEPT", "filter", "MYINPUT", 3, "SPA_IN"), c.chain(Role.INPUT));
  }

  @Test
  void badChainSettingsNameTheKey() {
    for (String bad : new String[] {"ACCEPT, filter, INPUT, 1, FWKNOP_INPUT", "ACCEPT, filtr, INPUT, 1, X, 1",
        "ACCEPT, filter, IN PUT, 1, X, 1", "ACCEPT, filter, INPUT, one, X, 1", "ACCEPT, filter, INPUT, 0, X, 1"}) {
      ConfigException e = assertThrows(ConfigException.class, () -> of(Map.of("IPT_INPUT_ACCESS", bad)), bad);
      assertEquals("IPT_INPUT_ACCESS", e.key());
      assertFalse(e.toString().contains("\n"));
    }
  }
}
