package spa.fw.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import org.junit.jupiter.api.Test;
import spa.cmd.exec.Command;
import spa.cmd.exec.CommandResult;

/** How a netcat run is read: the outcome a firewall test asserts on. */
class ProbeTest {
  private static final String CONNECTED = "Connection to 198.18.1.1 22 port [tcp/*] succeeded!\n";

  private static CommandResult nc(int exit, String stdout, String stderr) {
    return new CommandResult(Command.of("nc"), CommandResult.Status.EXITED, exit, stdout, stderr, Duration.ZERO);
  }

  @Test
  void eachWayAConnectionEndsIsTold() {
    Probe reached = Probe.of(nc(0, "ssh-server 198.18.0.2\n", CONNECTED));
    assertTrue(reached.reached("ssh-server"), reached.toString());
    assertTrue(reached.peerIs("198.18.0.2"), reached.toString());
    assertEquals(Probe.Outcome.REFUSED,
        Probe.of(nc(1, "", "nc: connect to 198.18.1.1 port 23 (tcp) failed: Connection refused\n")).outcome());
    assertEquals(Probe.Outcome.FILTERED,
        Probe.of(nc(1, "", "nc: connect to 198.18.1.1 port 22 (tcp) timed out: Operation now in progress\n")).outcome());
    // through the firewall, but the listener said nothing within the second: not a drop
    assertEquals(Probe.Outcome.SILENT, Probe.of(nc(0, "", CONNECTED)).outcome());
  }

  @Test
  void aSilentListenerIsAskedAgainAndADropIsNot() {
    ArrayDeque<CommandResult> runs = new ArrayDeque<>(List.of(nc(0, "", CONNECTED), nc(0, "", CONNECTED),
        nc(0, "ssh-server 198.18.0.2\n", CONNECTED)));
    assertTrue(Probe.netcat(argv -> runs.remove(), "nc").reached("ssh-server"));
    ArrayDeque<CommandResult> drops = new ArrayDeque<>(List.of(nc(1, "", "timed out"), nc(0, "late 1\n", "")));
    assertEquals(Probe.Outcome.FILTERED, Probe.netcat(argv -> drops.remove(), "nc").outcome());
    assertEquals(1, drops.size());
  }
}
