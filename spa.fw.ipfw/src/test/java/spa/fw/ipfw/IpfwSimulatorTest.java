package spa.fw.ipfw;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The simulator refuses what ipfw(8) refuses and lists as it documents. */
class IpfwSimulatorTest {
  @TempDir
  Path dir;

  private String[] run(String... args) throws Exception {
    StringBuilder out = new StringBuilder();
    StringBuilder err = new StringBuilder();
    int status = IpfwSimulator.call(dir.resolve("state"), List.of(args), null, out, err);
    return new String[] {String.valueOf(status), out.toString(), err.toString()};
  }

  @Test
  void refusesWhatIpfwRefuses() throws Exception {
    String[][] bad = {
        {"add", "100", "pass", "udp", "from", "any", "to", "me", "dst-port", "53", "setup"},
        {"add", "100", "set", "32", "pass", "tcp", "from", "any", "to", "me"},
        {"add", "65535", "pass", "tcp", "from", "any", "to", "me"},
        {"add", "100", "pass", "tcp", "from", "host.example", "to", "me"},
        {"add", "100", "frobnicate", "tcp", "from", "any", "to", "me"},
        {"add", "100", "pass", "icmp", "from", "any", "to", "me", "dst-port", "1"},
        {"delete", "4242"},
        {"set", "disable", "31"},
        {"-z", "list"},
        {"set", "move", "rule", "100", "2"}};
    for (String[] b : bad) {
      String[] r = run(b);
      assertEquals("64", r[0], String.join(" ", b));
      assertTrue(r[2].startsWith("ipfw: "), r[2]);
    }
  }

  @Test
  void listsRulesSetsDisabledSetsAndDynamicRules() throws Exception {
    run("-q", "add", "10000", "set", "1", "pass", "6", "from", "fd00:0:0:0:0:0:0:2", "to", "me6", "dst-port", "22",
        "setup", "keep-state", "//", "_exp_1767225720");
    run("add", "200", "allow", "udp", "from", "198.18.0.0/24", "to", "any");
    assertEquals("""
        00200 allow udp from 198.18.0.0/24 to any
        10000 allow tcp from fd00::2 to me6 dst-port 22 setup keep-state :default // _exp_1767225720
        65535 deny ip from any to any
        """, run("list")[1]);
    run("set", "disable", "1");
    run("set", "move", "rule", "10000", "to", "2");
    run("set", "disable", "2", "enable", "1");
    assertEquals("00200 allow udp from 198.18.0.0/24 to any\n65535 deny ip from any to any\n", run("list")[1]);
    assertEquals("""
        # DISABLED 10000 set 2 allow tcp from fd00::2 to me6 dst-port 22 setup keep-state :default // _exp_1767225720
        ## Dynamic rules (0):
        """, run("-d", "-S", "set", "2", "list")[1]);
    assertTrue(run("set", "show")[1].startsWith("disable 2 enable 0 1 3 "));
  }
}
