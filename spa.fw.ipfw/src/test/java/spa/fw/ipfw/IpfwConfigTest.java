package spa.fw.ipfw;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import spa.core.ConfigException;
import spa.core.Settings;

class IpfwConfigTest {

  private static IpfwConfig of(String... kv) throws ConfigException {
    Map<String, String> m = new java.util.HashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put(kv[i], kv[i + 1]);
    }
    return IpfwConfig.from(Settings.of(m, "fwknopd.conf"));
  }

  @Test
  void fwknopdsDefaults() throws Exception {
    IpfwConfig c = of();
    assertEquals(new IpfwConfig("/sbin/ipfw", 10000, 65535, 1, 2, Duration.ofSeconds(30), false, true), c);
    assertEquals(10000, c.firstGrantNumber());
    IpfwConfig cs = of("IPFW_ADD_CHECK_STATE", "Y", "IPFW_START_RULE_NUM", "500", "IPFW_MAX_RULES", "10");
    assertEquals(501, cs.firstGrantNumber());
    assertEquals(510, cs.end());
    assertEquals("/usr/local/sbin/ipfw", of("FIREWALL_EXE", "/usr/local/sbin/ipfw").exe());
    assertEquals("/sbin/ipfw", of("FIREWALL_EXE", "/usr/sbin/iptables").exe());
    assertEquals("/opt/ipfw", of("FIREWALL_EXE", "/usr/local/sbin/ipfw", "IPFW_EXE", "/opt/ipfw").exe());
  }

  @Test
  void badValuesAreRefusedNamingTheKey() {
    for (String[] bad : new String[][] {{"IPFW_ACTIVE_SET_NUM", "31"}, {"IPFW_EXPIRE_SET_NUM", "1"},
        {"IPFW_START_RULE_NUM", "65535"}, {"IPFW_MAX_RULES", "x"}, {"IPFW_EXPIRE_PURGE_INTERVAL", "0"},
        {"IPFW_EXE", " "}}) {
      ConfigException e = assertThrows(ConfigException.class, () -> of(bad));
      assertTrue(e.toString().contains(bad[0]), e.toString());
    }
    ConfigException none = assertThrows(ConfigException.class,
        () -> of("IPFW_START_RULE_NUM", "65534", "IPFW_ADD_CHECK_STATE", "Y"));
    assertTrue(none.toString().contains("leaves no rule number"), none.toString());
  }
}
