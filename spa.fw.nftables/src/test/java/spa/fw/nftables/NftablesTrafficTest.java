package spa.fw.nftables;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static spa.fw.testkit.NetnsTopology.CLIENT_A4;
import static spa.fw.testkit.NetnsTopology.SERVER4;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import spa.core.Grant;
import spa.core.Settings;

/** The nftables scenarios through libnftables, in-process (the default), and its fallback. */
class NftablesTrafficTest extends NftablesTrafficScenarios {
  NftablesTrafficTest() {
    super("spanft");
  }

  @Override
  protected Map<String, String> channelSettings() {
    return Map.of();
  }

  @Override
  protected String expectedChannel() {
    return "nftables in-process through libnftables.so.1";
  }

  /** Without the nft command, the library still sets the table up, opens, lists, closes and flushes. */
  @Test
  void theLibraryNeedsNoNftCommand() throws Exception {
    NftablesBackend fw = started("NFT_PROTECTED_PORTS", "tcp/22", "NFT_EXE", "/nonexistent/nft");
    Grant g = grant(CLIENT_A4, "tcp/22", null, Duration.ofSeconds(30));
    fw.open(g);
    assertReached("ssh-server", net.connect(CLIENT_A4, SERVER4, 22));
    assertEquals(1, fw.list().size());
    assertTrue(fw.intact());
    fw.close(g);
    assertFiltered(net.connect(CLIENT_A4, SERVER4, 22));
    fw.flush();
    assertEquals(List.of(), fw.list());
  }

  /** A library that does not load leaves the nft command, which then does the work, and says why. */
  @Test
  void aMissingLibraryFallsBackToTheNftCommand() throws Exception {
    NftablesBackend fw = NftablesBackend.inNamespace(net.server(), net.runnerIn(net.server()), Clock.systemUTC());
    Map<String, String> m = new java.util.HashMap<>(pairs("NFT_PROTECTED_PORTS", "tcp/22"));
    m.put("NFT_LIBRARY", "/nonexistent/libnftables.so.1");
    fw.start(Settings.of(m, "test.conf"));
    assertTrue(fw.channel().startsWith("nftables through the nft command /usr/sbin/nft (/nonexistent/libnftables.so.1 not loaded: "),
        fw.channel());
    Grant g = grant(CLIENT_A4, "tcp/22", null, Duration.ofSeconds(30));
    fw.open(g);
    assertReached("ssh-server", net.connect(CLIENT_A4, SERVER4, 22));
    assertEquals(1, fw.list().size());
  }}
