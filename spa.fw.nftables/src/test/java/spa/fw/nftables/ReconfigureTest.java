package spa.fw.nftables;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import spa.cmd.exec.CommandResult;
import spa.core.FirewallException;
import spa.core.Settings;

/** A reload's new settings reach the running table in one nft transaction, or not at all. */
class ReconfigureTest {
  private final List<String> scripts = new ArrayList<>();
  private boolean fail;

  private final NftablesBackend fw = new NftablesBackend(c -> {
    scripts.add(c.input() == null ? String.join(" ", c.argv()) : new String(c.input(), StandardCharsets.UTF_8));
    return new CommandResult(c, CommandResult.Status.EXITED, fail ? 1 : 0, "", fail ? "Error: busy" : "", Duration.ZERO);
  }, Clock.systemUTC());

  private static Settings ports(String ports, String... more) {
    Map<String, String> m = new java.util.HashMap<>(Map.of("OPEN_PORTS", ports));
    for (int i = 0; i < more.length; i += 2) {
      m.put(more[i], more[i + 1]);
    }
    return Settings.of(m, "test.conf");
  }

  @Test
  void theNewProtectedSetIsLoadedInOneTransaction() throws Exception {
    fw.start(ports("tcp/22"));
    fw.reconfigure(ports("tcp/22,tcp/5432"));
    assertEquals(2, scripts.size());
    String script = scripts.get(1);
    assertTrue(script.contains("flush set inet spa protected\nadd element inet spa protected { tcp . 22, tcp . 5432 }"),
        script);
    assertTrue(!script.contains("flush set inet spa access4"), "the grants stay: " + script);
  }

  @Test
  void aFailedTransactionKeepsTheSettingsInForce() throws Exception {
    fw.start(ports("tcp/22"));
    fail = true;
    FirewallException e = assertThrows(FirewallException.class, () -> fw.reconfigure(ports("tcp/22,tcp/5432")));
    assertTrue(e.getMessage().startsWith("apply the new settings to inet spa: "), e.getMessage());
    fail = false;
    fw.flush();
    assertTrue(scripts.get(scripts.size() - 1).contains("delete table inet spa"), "still the same table");
  }

  @Test
  void whereSpasObjectsLiveChangesOnlyWithARestart() throws Exception {
    fw.start(ports("tcp/22"));
    FirewallException e = assertThrows(FirewallException.class,
        () -> fw.reconfigure(ports("tcp/22", "NFT_TABLE", "other")));
    assertTrue(e.getMessage().contains("change only when spad restarts"), e.getMessage());
    assertEquals(1, scripts.size(), "nothing was run");
    FirewallException bad = assertThrows(FirewallException.class, () -> fw.reconfigure(ports("tcp/22", "NFT_MODE", "x")));
    assertTrue(bad.getMessage().startsWith("test.conf: NFT_MODE: "), bad.getMessage());
  }
}
