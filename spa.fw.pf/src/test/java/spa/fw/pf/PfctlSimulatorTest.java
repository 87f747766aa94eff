package spa.fw.pf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The simulator refuses what pfctl(8) and pf.conf(5) refuse, atomically, and lists as pfctl prints. */
class PfctlSimulatorTest {
  @TempDir
  Path dir;

  private String[] run(String stdin, String... args) throws Exception {
    StringBuilder out = new StringBuilder();
    StringBuilder err = new StringBuilder();
    int status = PfctlSimulator.call(dir.resolve("state"), List.of(args), stdin, out, err);
    return new String[] {String.valueOf(status), out.toString(), err.toString()};
  }

  @Test
  void badRulesAreRefusedAndNothingIsLoaded() throws Exception {
    run("pass in quick proto tcp from 198.18.0.5 to any port 22 keep state label _exp_1\n", "-a", "fwknop", "-f", "-");
    String[] bad = {
        "pass in quick proto udp from 198.18.0.2 to any port 53 flags S/SA",
        "pass in quick proto icmp from 198.18.0.2 to any port 53",
        "pass in quick inet proto tcp from fd00::2 to any port 22",
        "pass in quick proto tcp from 198.18.0.2 to fd00::1 port 22",
        "pass in quick proto tcp from host.example to any port 22",
        "pass in quick proto tcp from 198.18.0.2 to any port 70000",
        "pass in quick proto tcp from 198.18.0.2 to any port 22 label -x",
        "allow in quick proto tcp from 198.18.0.2 to any port 22"};
    for (String rule : bad) {
      String[] r = run("pass in quick proto tcp from 198.18.0.9 to any port 22\n" + rule + "\n",
          "-a", "fwknop", "-f", "-");
      assertEquals("1", r[0], rule);
      assertTrue(r[2].startsWith("stdin:2: "), r[2]);
      assertTrue(r[2].contains("pf rules not loaded"), r[2]);
    }
    assertEquals("pass in quick inet proto tcp from 198.18.0.5 to any port = 22 flags S/SA keep state"
        + " label \"_exp_1\"\n", run(null, "-a", "fwknop", "-sr")[1]);
    assertEquals("1", run(null, "-x")[0]);
    assertEquals("1", run(null, "-s", "bogus")[0]);
    assertEquals("1", run(null, "-k", "host.example")[0]);
  }

  @Test
  void listsTheMainRulesetAndAnchorsAsPfctlPrintsThem() throws Exception {
    run(PfContractTest.PF_CONF, "-f", "-");
    assertEquals("""
        set skip on lo
        block in quick inet proto tcp from 198.18.0.99 to any port = 22
        anchor "fwknop" all
        block in proto tcp from any to any port = 22
        pass in proto tcp from any to any port = 80 flags S/SA keep state
        """, run(null, "-s", "rules")[1]);
    run("", "-a", "fwknop", "-f", "-");
    assertEquals("  fwknop\n", run(null, "-s", "Anchors")[1]);
    assertEquals("rules cleared\n", run(null, "-a", "fwknop", "-F", "rules")[2]);
  }
}
