package spa.fw.ipfw;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import spa.cmd.exec.Command;
import spa.cmd.exec.CommandResult;
import spa.cmd.exec.ExecRunner;
import spa.core.Nat;
import spa.core.spi.FirewallBackend;
import spa.fw.testkit.BackendContract;
import spa.fw.testkit.SimulatedTool;

/**
 * The contract against the ipfw simulator, run as a program through IPFW_EXE exactly as spad runs ipfw. The
 * admin has rules of their own, one of them inside spa's rule-number window and in spa's active set.
 */
class IpfwContractTest extends BackendContract {
  private Path dir;
  private Path ipfw;
  private Path state;

  @BeforeAll
  void install() throws IOException {
    dir = Files.createTempDirectory("spa-ipfw-sim");
    state = dir.resolve("ipfw.state");
    ipfw = SimulatedTool.install(dir, "ipfw", IpfwSimulator.class, state, spa.core.IpAddresses.class);
  }

  @Override
  protected FirewallBackend newBackend() {
    return new IpfwBackend(new ExecRunner(), Clock.systemUTC());
  }

  @Override
  protected Map<String, String> contractSettings(boolean nat) {
    Map<String, String> m = new HashMap<>();
    m.put("IPFW_EXE", ipfw.toString());
    m.put("IPFW_ADD_CHECK_STATE", "Y");
    return m;
  }

  @Override
  protected void resetFirewall() {
    try {
      Files.deleteIfExists(state);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    ipfw("-q", "add", "100", "allow", "tcp", "from", "any", "to", "me", "dst-port", "80", "keep-state");
    ipfw("-q", "add", "10500", "set", "1", "deny", "tcp", "from", "198.18.0.99", "to", "me", "dst-port", "22");
    ipfw("-q", "add", "20000", "set", "3", "deny", "udp", "from", "any", "to", "me", "dst-port", "53");
  }

  /** Every rule of every set; an empty expire set stays disabled after a flush, which changes nothing. */
  @Override
  protected String adminState() {
    return ipfw("-S", "list");
  }

  @Override
  protected Set<Nat.Kind> natKinds() {
    return EnumSet.noneOf(Nat.Kind.class);
  }

  @Override
  protected boolean expectsKernelExpiry() {
    return false;
  }

  private String ipfw(String... args) {
    List<String> argv = new java.util.ArrayList<>(List.of(ipfw.toString()));
    argv.addAll(List.of(args));
    CommandResult r = new ExecRunner().run(Command.of(argv));
    if (!r.ok()) {
      throw new IllegalStateException(r.failure());
    }
    return r.stdout();
  }
}
