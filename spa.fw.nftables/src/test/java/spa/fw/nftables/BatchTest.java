package spa.fw.nftables;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import spa.cmd.exec.Command;
import spa.cmd.exec.CommandResult;
import spa.core.Grant;
import spa.core.ProtoPort;
import spa.core.Settings;

/** Many grants become one nft process, counted with a recording runner. */
class BatchTest {
  private static final Instant T = Instant.parse("2026-01-01T00:00:00Z");

  @Test
  void manyGrantsAreOneNftTransaction() throws Exception {
    List<Command> ran = new ArrayList<>();
    NftablesBackend b = new NftablesBackend(c -> {
      ran.add(c);
      return new CommandResult(c, CommandResult.Status.EXITED, 0, "", "", Duration.ZERO);
    }, Clock.fixed(T, ZoneOffset.UTC));
    b.configure(Settings.of(Map.of("NFT_PROTECTED_PORTS", "tcp/22"), "t"));
    List<Grant> grants = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      grants.add(new Grant(InetAddress.getByName("198.18." + (i / 250) + "." + (i % 250 + 2)), null,
          List.of(new ProtoPort("tcp", 22)), null, T.plusSeconds(30), "office"));
    }
    b.openAll(grants);
    assertEquals(1, ran.size(), "one nft process for 200 grants");
    assertEquals(List.of("-f", "-"), ran.get(0).argv().subList(1, 3));
    String script = new String(ran.get(0).input(), java.nio.charset.StandardCharsets.UTF_8);
    assertEquals(600, script.lines().count(), "add, delete, add per grant");
    assertTrue(script.contains("198.18.0.201 . tcp . 22 timeout 30s"), script.lines().limit(3).toList().toString());
  }
}
