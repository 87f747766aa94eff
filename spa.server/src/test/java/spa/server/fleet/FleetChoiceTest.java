package spa.server.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import spa.core.ConfigException;
import spa.core.Settings;
import spa.server.plugin.Plugins;

/** FLEET_GRANTS' settings: what is missing or wrong stops start-up with one line naming the variable. */
class FleetChoiceTest {
  private static Settings of(String... kv) {
    Settings.Builder b = Settings.builder("test");
    for (int i = 0; i < kv.length; i += 2) {
      b.put(kv[i], kv[i + 1], "test");
    }
    return b.build();
  }

  private static String refusal(Settings g) {
    ConfigException e = assertThrows(ConfigException.class,
        () -> FleetChoice.start(Plugins.load(java.util.List.of(), java.util.Set.of()), g, null, null, null,
            System::currentTimeMillis, s -> { }, s -> { }));
    assertEquals(1, e.toString().lines().count(), e.toString());
    return e.toString();
  }

  @Test
  void offUnlessAskedFor() throws Exception {
    assertFalse(FleetChoice.wanted(of()));
    assertTrue(FleetChoice.wanted(of("FLEET_GRANTS", "Y")));
  }

  @Test
  void theKeyMustBeThereBase64AndLongEnough() {
    assertTrue(refusal(of("FLEET_GRANTS", "Y", "REPLAY_STORE", "redis")).contains("FLEET_KEY"));
    assertTrue(refusal(of("FLEET_GRANTS", "Y", "REPLAY_STORE", "redis", "FLEET_KEY", "not base64!"))
        .contains("is not base64"));
    assertTrue(refusal(of("FLEET_GRANTS", "Y", "REPLAY_STORE", "redis", "FLEET_KEY", "c2hvcnQ="))
        .contains("at least 16 bytes"));
  }

  @Test
  void aSharedReplayStoreAndAUsableIdAreNeeded() {
    String key = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=";
    assertTrue(refusal(of("FLEET_GRANTS", "Y", "FLEET_KEY", key)).contains("REPLAY_STORE redis"));
    assertTrue(refusal(of("FLEET_GRANTS", "Y", "FLEET_KEY", key, "REPLAY_STORE", "redis", "FLEET_ID", "a b"))
        .contains("FLEET_ID"));
    assertTrue(refusal(of("FLEET_GRANTS", "Y", "FLEET_KEY", key, "REPLAY_STORE", "redis"))
        .contains("no grant bus named redis"), "without the plugin directory");
  }

  @Test
  void theIdDefaultsToTheKernelsHostName() throws Exception {
    assertEquals(Files.readString(Path.of("/proc/sys/kernel/hostname")).strip(), FleetChoice.id(of()));
    assertEquals("gw-a", FleetChoice.id(of("FLEET_ID", "gw-a")));
  }
}
