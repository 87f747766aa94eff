package spa.fw.nftables;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import spa.core.Grant;

/**
 * The {@code nft -j} listing reader on arbitrary text: it rebuilds grants or refuses with
 * {@link IllegalArgumentException} (which the backend reports as a firewall error), never another exception,
 * and every call ends within a second.
 */
class ListingFuzzTest {

  @FuzzTest(maxDuration = "5m")
  void listingParsesOrRefuses(byte[] input) {
    String json = new String(input, StandardCharsets.UTF_8);
    long start = System.nanoTime();
    try {
      List<Grant> grants = Listing.grants(Listing.entries(json, "spa"), Instant.EPOCH);
      grants.forEach(g -> assertNotNull(g.source()));
    } catch (IllegalArgumentException refused) {
      // malformed listing: refused with a message
      assertNotNull(refused.getMessage());
    } finally {
      assertTrue(System.nanoTime() - start < 1_000_000_000L, "reading the listing took over a second");
    }
  }
}
