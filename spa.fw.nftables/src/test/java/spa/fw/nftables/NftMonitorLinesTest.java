package spa.fw.nftables;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Which lines of {@code nft monitor destroy} (as nft 1.0.6 prints them) concern spa's table. */
class NftMonitorLinesTest {

  @Test
  void removalsOfTheTableOrItsObjectsConcernIt() {
    for (String line : new String[] {"delete table inet spa", "delete chain inet spa input",
        "delete rule inet spa input handle 3", "delete set inet spa access4", "delete map inet spa dnat4"}) {
      assertTrue(NftMonitor.concerns(line, "inet spa"), line);
    }
  }

  @Test
  void elementsOtherTablesAndAdditionsDoNot() {
    for (String line : new String[] {"delete element inet spa access4 { 198.18.0.9 . tcp . 22 timeout 10s }",
        "delete table inet spam", "delete table ip spa", "delete chain inet admin input", "add table inet spa",
        "# new generation 7 by process 28168 (nft)", ""}) {
      assertFalse(NftMonitor.concerns(line, "inet spa"), line);
    }
  }

  @Test
  void inTheAdminsTableSpasChainsAndSetsAreNamedByTheTable() {
    assertTrue(NftMonitor.concerns("delete chain inet filter spa_input", "inet filter"));
    assertTrue(NftMonitor.concerns("delete table inet filter", "inet filter"));
  }
}
