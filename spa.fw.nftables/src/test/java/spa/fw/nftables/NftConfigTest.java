package spa.fw.nftables;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import spa.core.ConfigException;
import spa.core.ProtoPort;
import spa.core.Settings;

class NftConfigTest {

  private static NftConfig of(Map<String, String> m) throws ConfigException {
    return NftConfig.from(Settings.of(m, "fwknopd.conf"));
  }

  private static ConfigException bad(Map<String, String> m) {
    return assertThrows(ConfigException.class, () -> of(m));
  }

  @Test
  void defaultsAreOwnInetSpaWithTheStanzasOpenPorts() throws Exception {
    NftConfig c = of(Map.of("OPEN_PORTS", "tcp/22, udp/1194,tcp/22"));
    assertEquals(NftConfig.Mode.OWN, c.mode());
    assertEquals("inet spa", c.tableRef());
    assertEquals("", c.prefix());
    assertEquals("/usr/sbin/nft", c.exe());
    assertEquals(List.of(new ProtoPort("tcp", 22), new ProtoPort("udp", 1194)), c.protectedPorts());
    assertFalse(c.forwarding() || c.localNat() || c.forwardDrop() || c.destinationRule());
    assertTrue(c.hasV4() && c.hasV6());
  }

  @Test
  void theLibraryIsUsedUnlessTurnedOffAndItsNameCanBeSet() throws Exception {
    NftConfig c = of(Map.of());
    assertTrue(c.useLibrary());
    assertEquals("libnftables.so.1", c.library());
    NftConfig off = of(Map.of("NFT_USE_LIBRARY", "N", "NFT_LIBRARY", "/opt/lib/libnftables.so.1"));
    assertFalse(off.useLibrary());
    assertEquals("/opt/lib/libnftables.so.1", off.library());
    assertEquals("fwknopd.conf: NFT_LIBRARY: empty name", bad(Map.of("NFT_LIBRARY", " ")).toString());
  }

  @Test
  void explicitProtectedPortsWinOverOpenPorts() throws Exception {
    NftConfig c = of(Map.of("OPEN_PORTS", "tcp/80", "NFT_PROTECTED_PORTS", "tcp/22"));
    assertEquals(List.of(new ProtoPort("tcp", 22)), c.protectedPorts());
    assertEquals(List.of(), of(Map.of("NFT_PROTECTED_PORTS", "none")).protectedPorts());
  }

  @Test
  void withNothingToProtectOwnModeHasAcceptRulesOnly() throws Exception {
    NftConfig c = of(Map.of());
    assertEquals(NftConfig.Mode.OWN, c.mode());
    assertEquals(List.of(), c.protectedPorts());
    List<String> input = new Layout(c).inputRules();
    assertTrue(input.stream().allMatch(r -> r.endsWith(" accept")), input.toString());
  }

  @Test
  void embeddedAndSetsModesUseTheAdminsTableWithAPrefix() throws Exception {
    NftConfig c = of(Map.of("NFT_MODE", "Embedded", "NFT_TABLE", "filter", "NFT_FAMILY", "ip"));
    assertEquals(NftConfig.Mode.EMBEDDED, c.mode());
    assertEquals("ip filter", c.tableRef());
    assertEquals("spa_", c.prefix());
    assertTrue(c.hasV4());
    assertFalse(c.hasV6());
    assertEquals(List.of(), c.protectedPorts());
  }

  @Test
  void badSettingsNameTheKeyAndTheReason() {
    assertEquals("NFT_MODE", bad(Map.of("NFT_MODE", "mine", "NFT_PROTECTED_PORTS", "tcp/22")).key());
    assertEquals("NFT_TABLE", bad(Map.of("NFT_MODE", "sets")).key());
    assertEquals("NFT_TABLE", bad(Map.of("NFT_TABLE", "x y", "NFT_PROTECTED_PORTS", "tcp/22")).key());
    assertEquals("NFT_FAMILY", bad(Map.of("NFT_FAMILY", "bridge", "NFT_PROTECTED_PORTS", "tcp/22")).key());
    assertEquals("NFT_PROTECTED_PORTS", bad(Map.of("NFT_PROTECTED_PORTS", "icmp/1")).key());
    assertEquals("OPEN_PORTS", bad(Map.of("OPEN_PORTS", "tcp/99999")).key());
    assertEquals("NFT_FORWARD_DROP", bad(Map.of("NFT_FORWARD_DROP", "Y", "NFT_PROTECTED_PORTS", "tcp/22")).key());
    assertEquals("fwknopd.conf: NFT_FAMILY: must be inet, ip or ip6, not 'arp'",
        bad(Map.of("NFT_FAMILY", "arp", "NFT_PROTECTED_PORTS", "tcp/22")).toString());
  }
}
