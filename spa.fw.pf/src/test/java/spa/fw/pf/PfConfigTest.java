package spa.fw.pf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import spa.core.ConfigException;
import spa.core.Settings;

class PfConfigTest {

  @Test
  void fwknopdsDefaultsAndBadValues() throws Exception {
    assertEquals(new PfConfig("/sbin/pfctl", "fwknop", Duration.ofSeconds(30), false),
        PfConfig.from(Settings.empty()));
    assertEquals("/usr/sbin/pfctl", PfConfig.from(Settings.of(Map.of("FIREWALL_EXE", "/usr/sbin/pfctl"), "f")).exe());
    assertEquals("/sbin/pfctl", PfConfig.from(Settings.of(Map.of("FIREWALL_EXE", "/usr/sbin/nft"), "f")).exe());
    assertEquals("spa/knock", PfConfig.from(Settings.of(Map.of("PF_ANCHOR_NAME", "spa/knock"), "f")).anchor());
    for (String[] bad : new String[][] {{"PF_ANCHOR_NAME", "a b"}, {"PF_ANCHOR_NAME", "\"x\""},
        {"PF_EXPIRE_INTERVAL", "0"}, {"PF_EXPIRE_INTERVAL", "1m"}, {"PFCTL_EXE", ""}}) {
      ConfigException e = assertThrows(ConfigException.class,
          () -> PfConfig.from(Settings.of(Map.of(bad[0], bad[1]), "fwknopd.conf")));
      assertTrue(e.toString().contains(bad[0]), e.toString());
    }
  }
}
