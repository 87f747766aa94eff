package example.fw.command;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import spa.cmd.exec.Command;
import spa.cmd.exec.CommandRunner;
import spa.core.Nat;
import spa.core.spi.FirewallBackend;
import spa.fw.testkit.BackendContract;
import spa.fw.testkit.RecordingRunner;
import spa.fw.testkit.SimulatedTool;

/**
 * The kit's contract for the command backend, its templates driving {@link AclTool} (table {@code spa} for spa,
 * table {@code admin} for the admin's own entry); every command is recorded on its way.
 */
class CommandContractTest extends BackendContract {
  static final Map<String, String> ACL_TEMPLATES = Map.of(
      "FWCMD_OPEN", "acl -t spa add ${SOURCE} ${PROTO}/${PORT} ${EXPIRES}",
      "FWCMD_CLOSE", "acl -t spa del ${SOURCE} ${PROTO}/${PORT}",
      "FWCMD_LIST", "acl -t spa list");

  private final Path state;
  private final CommandRunner acl;
  private final RecordingRunner recorded;

  CommandContractTest() throws IOException {
    state = Files.createTempFile("acl", ".state");
    state.toFile().deleteOnExit();
    acl = SimulatedTool.inProcess(AclTool::call, state);
    recorded = RecordingRunner.over(acl);
  }

  @Override
  protected FirewallBackend newBackend() {
    return new CommandBackend(recorded, Clock.systemUTC());
  }

  @Override
  protected Map<String, String> contractSettings(boolean nat) {
    return ACL_TEMPLATES;
  }

  @Override
  protected void resetFirewall() {
    try {
      Files.write(state, List.of("admin 198.18.0.99 tcp/22 0"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    recorded.clear();
  }

  /** Whatever the scenario did, it ran the configured tool itself, one argv per command: never a shell. */
  @AfterEach
  void everyCommandRanTheTool() {
    assertTrue(!recorded.calls().isEmpty() && recorded.calls().stream().allMatch(c -> c.argv().get(0).equals("acl")
        && c.argv().size() >= 4 && c.stdin() == null), recorded.transcript());
  }

  @Override
  protected String adminState() {
    return acl.run(Command.of("acl", "-t", "admin", "list")).stdout();
  }

  @Override
  protected Set<Nat.Kind> natKinds() {
    return EnumSet.noneOf(Nat.Kind.class);
  }

  @Override
  protected boolean expectsKernelExpiry() {
    return false;
  }
}
