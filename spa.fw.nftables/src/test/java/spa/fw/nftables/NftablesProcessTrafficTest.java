package spa.fw.nftables;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;
import spa.core.FirewallException;

/** The nftables scenarios again with NFT_USE_LIBRARY N: through the nft command, one process per transaction. */
class NftablesProcessTrafficTest extends NftablesTrafficScenarios {
  NftablesProcessTrafficTest() {
    super("spanfp");
  }

  @Override
  protected Map<String, String> channelSettings() {
    return Map.of("NFT_USE_LIBRARY", "N");
  }

  @Override
  protected String expectedChannel() {
    return "nftables through the nft command /usr/sbin/nft (NFT_USE_LIBRARY N)";
  }

  /** Here the nft command is needed: without it start-up fails in one line. */
  @Test
  void withoutTheNftCommandStartUpFailsInOneLine() {
    FirewallException badExe = assertThrows(FirewallException.class,
        () -> started("NFT_PROTECTED_PORTS", "tcp/22", "NFT_EXE", "/nonexistent/nft"));
    assertTrue(badExe.getMessage().contains("/nonexistent/nft"), badExe.getMessage());
    assertFalse(badExe.getMessage().contains("\n"));
    assertNull(badExe.getCause());
  }
}
