package spa.fw.nftables;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class LayoutTableTextTest {
  private static final String RULESET = "table inet admin {\n\tset spa_access4 {\n\t}\n}\n"
      + "table inet spa {\n\tchain spa_input {\n\t\tip saddr @spa_access4 accept\n\t}\n}\n"
      + "table inet spa2 {\n\tchain x {\n\t}\n}\n";

  @Test
  void onlyTheNamedTablesTextIsTaken() {
    assertEquals("table inet spa {\n\tchain spa_input {\n\t\tip saddr @spa_access4 accept\n\t}\n}",
        Layout.tableText(RULESET, "inet", "spa"));
    assertEquals("table inet admin {\n\tset spa_access4 {\n\t}\n}", Layout.tableText(RULESET, "inet", "admin"));
  }

  @Test
  void aMissingTableGivesNothing() {
    assertEquals("", Layout.tableText(RULESET, "inet", "sp"));
    assertEquals("", Layout.tableText(RULESET, "ip", "spa"));
    assertEquals("", Layout.tableText("", "inet", "spa"));
  }
}
