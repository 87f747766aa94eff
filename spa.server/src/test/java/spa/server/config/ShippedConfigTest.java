package spa.server.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import spa.core.ConfigException;
import spa.core.Settings;
import spa.server.policy.Policy;
import spa.server.testkit.TestKit;

/** The HOCON file spad ships as conf/spad.conf. */
class ShippedConfigTest {
  private static final Path SHIPPED = Path.of("conf/spad.conf");
  @TempDir
  Path dir;

  @Test
  void parsesAndRefusesToRunWithItsPlaceholderKeys() throws Exception {
    ServerConfig c = new ConfigLoader(w -> { }).load(new ConfigLoader.Sources(SHIPPED, List.of(), Settings.empty(), null));
    assertEquals("120", c.globals().get("MAX_SPA_PACKET_AGE").orElseThrow());
    assertEquals("ssh", c.stanzas().get(0).name());
    ConfigException e = assertThrows(ConfigException.class, () -> TestKit.policy(c));
    assertEquals("KEY_BASE64", e.key());
    assertTrue(e.origin().startsWith(SHIPPED + ":"), e.origin());
  }

  @Test
  void withRealKeysItCompiles() throws Exception {
    Path conf = dir.resolve("spad.conf");
    Files.writeString(conf, Files.readString(SHIPPED)
        .replaceFirst("KEY_BASE64 = __CHANGEME__", "KEY_BASE64 = \"Zndrbm9wdGVzdA==\"")
        .replaceFirst("HMAC_KEY_BASE64 = __CHANGEME__", "HMAC_KEY_BASE64 = \"aG1hY3Rlc3Q=\""));
    Policy p = TestKit.policy(new ConfigLoader(w -> { }).load(new ConfigLoader.Sources(conf, List.of(), Settings.empty(), null)));
    assertEquals(30, p.stanzas().get(0).accessTimeout());
    assertEquals(300, p.stanzas().get(0).maxTimeout());
    assertTrue(p.stanzas().get(0).requireSource());
    assertTrue(p.server().agingEnabled());
  }

  @Test
  void givesNoWarningOnceOwnerOnly() throws Exception {
    Path conf = dir.resolve("spad.conf");
    Files.copy(SHIPPED, conf);
    Files.setPosixFilePermissions(conf, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
    List<String> warnings = new java.util.ArrayList<>();
    new ConfigLoader(warnings::add).load(new ConfigLoader.Sources(conf, List.of(), Settings.empty(), null));
    assertEquals(List.of(), warnings);
  }
}
