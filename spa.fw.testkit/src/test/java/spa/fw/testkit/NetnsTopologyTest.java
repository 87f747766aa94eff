package spa.fw.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import spa.cmd.exec.Command;
import spa.cmd.exec.ExecRunner;

class NetnsTopologyTest {

  private static void assertReached(String banner, Probe p) {
    assertTrue(p.reached(banner), "expected " + banner + ", got " + p);
  }

  @Test
  void wiresThreeNamespacesWithListenersAndCleansUp() {
    String server;
    try (NetnsTopology t = NetnsTopology.create("spacmd")) {
      server = t.server();
      t.listen(t.server(), "22=ssh-server", "80=http-server");
      t.listen(t.inner(), "22=ssh-inner");
      assertReached("ssh-server", t.connect(NetnsTopology.CLIENT_A4, NetnsTopology.SERVER4, 22));
      assertReached("http-server", t.connect(NetnsTopology.CLIENT_B4, NetnsTopology.SERVER4, 80));
      assertReached("ssh-server", t.connect(NetnsTopology.CLIENT_A6, NetnsTopology.SERVER6, 22));
      // routed through the server to the inner host, v4 and v6
      assertReached("ssh-inner", t.connect(NetnsTopology.CLIENT_A4, NetnsTopology.INNER4, 22));
      Probe v6 = t.connect(NetnsTopology.CLIENT_B6, NetnsTopology.INNER6, 22);
      assertReached("ssh-inner", v6);
      assertTrue(v6.peerIs(NetnsTopology.CLIENT_B6), v6.toString());
      assertEquals(Probe.Outcome.REFUSED, t.connect(NetnsTopology.CLIENT_A4, NetnsTopology.SERVER4, 23).outcome());
      t.in(t.server(), "nft", "add", "table", "inet", "probe");
      t.in(t.server(), "nft", "add", "chain", "inet", "probe", "in",
          "{ type filter hook input priority 0; tcp dport 22 drop; }");
      assertEquals(Probe.Outcome.FILTERED, t.connect(NetnsTopology.CLIENT_A4, NetnsTopology.SERVER4, 22).outcome());
      // the host's own ruleset is untouched
      assertFalse(new ExecRunner().run(Command.of("nft", "list", "table", "inet", "probe")).ok());
    }
    String all = new ExecRunner().run(Command.of("ip", "netns", "list")).stdout();
    assertFalse(all.contains(server), all);
  }
}
