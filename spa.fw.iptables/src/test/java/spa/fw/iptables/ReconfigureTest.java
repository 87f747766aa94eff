package spa.fw.iptables;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;
import spa.core.FirewallException;
import spa.core.Settings;

/** A reload leaves iptables alone unless its own settings change, which needs a restart. */
class ReconfigureTest {
  @Test
  void newOpenPortsNeedNothingButChangedChainsNeedARestart() throws Exception {
    IptablesBackend fw = new IptablesBackend();
    fw.configure(Settings.of(Map.of("OPEN_PORTS", "tcp/22"), "test.conf"));
    fw.reconfigure(Settings.of(Map.of("OPEN_PORTS", "tcp/22,tcp/5432"), "test.conf"));
    FirewallException e = assertThrows(FirewallException.class, () -> fw.reconfigure(
        Settings.of(Map.of("IPT_INPUT_ACCESS", "ACCEPT, filter, INPUT, 1, OTHER_INPUT, 1"), "test.conf")));
    assertTrue(e.getMessage().contains("restart spad"), e.getMessage());
  }
}
