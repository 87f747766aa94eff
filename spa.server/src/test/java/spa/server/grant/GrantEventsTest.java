package spa.server.grant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import spa.core.FirewallException;
import spa.server.event.EventFormat;
import spa.server.event.EventOutput;
import spa.server.testkit.TestKit;

class GrantEventsTest {
  @Test
  void aLostFirewallIsAnErrorEventWithReasonFirewallLostInBothFormats() throws Exception {
    ByteArrayOutputStream json = new ByteArrayOutputStream();
    EventOutput out = new EventOutput(json, EventFormat.JSON);
    GrantEvents ev = new GrantEvents(out.newLog(false), "nftables", () -> 1_000L);
    ev.firewallLost(2, null);
    ev.firewallLost(0, new FirewallException("nft: No such file or directory"));
    out.close();
    List<Config> lines = TestKit.jsonLines(json);
    assertEquals(2, lines.size());
    assertEquals("error", lines.get(0).getString("event"));
    assertEquals("firewall-lost", lines.get(0).getString("reason"));
    assertTrue(lines.get(0).getString("detail").contains("2 valid grants re-opened"), lines.get(0).toString());
    assertTrue(lines.get(1).getString("detail").contains("No such file"), lines.get(1).toString());

    ByteArrayOutputStream text = new ByteArrayOutputStream();
    EventOutput t = new EventOutput(text, EventFormat.TEXT);
    new GrantEvents(t.newLog(false), "iptables", () -> 1_000L).firewallLost(1, null);
    t.close();
    String line = text.toString(StandardCharsets.UTF_8);
    assertTrue(line.contains("firewall-lost"), line);
  }
}
