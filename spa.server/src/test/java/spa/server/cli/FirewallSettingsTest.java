package spa.server.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import spa.core.Settings;
import spa.server.policy.Policy;
import spa.server.testkit.TestKit;

class FirewallSettingsTest {
  @TempDir
  Path dir;

  private static final String KEYS = "KEY " + TestKit.KEY + "\nHMAC_KEY " + TestKit.HMAC + "\n";

  @Test
  void protectedPortsAreTheUnionOfTheStanzasOpenPorts() throws Exception {
    Policy p = TestKit.policy(TestKit.config(dir, "",
        "SOURCE 198.18.0.0/24\n" + KEYS + "OPEN_PORTS tcp/22, udp/1194\n\nSOURCE ANY\n" + KEYS + "OPEN_PORTS tcp/22,tcp/5432\n"));
    Settings fs = FirewallSettings.of(p.globals(), p);
    assertEquals("tcp/22,tcp/5432,udp/1194", fs.get("OPEN_PORTS").orElseThrow());
  }

  @Test
  void aStanzaWithoutOpenPortsLeavesTheChoiceToTheFirewallSettings() throws Exception {
    Policy p = TestKit.policy(TestKit.config(dir, "",
        "SOURCE 198.18.0.0/24\n" + KEYS + "OPEN_PORTS tcp/22\n\nSOURCE ANY\n" + KEYS));
    assertFalse(FirewallSettings.of(p.globals(), p).has("OPEN_PORTS"));
  }

  @Test
  void journalDefaultsToTheRunDirectory() {
    assertEquals(Path.of("/tmp/r/grants.journal"),
        RunFiles.journalPath(Settings.of(java.util.Map.of("FWKNOP_RUN_DIR", "/tmp/r"), "t")));
  }
}
