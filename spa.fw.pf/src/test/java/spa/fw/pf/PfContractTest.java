package spa.fw.pf;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.EnumSet;
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

/** The contract against the pfctl simulator, run as a program through PFCTL_EXE exactly as spad runs pfctl. */
class PfContractTest extends BackendContract {
  /** An admin's pf.conf: spa's anchor before the rules that block ssh. */
  static final String PF_CONF = """
      set skip on lo
      block in quick proto tcp from 198.18.0.99 to any port 22
      anchor "fwknop"
      block in proto tcp from any to any port 22
      pass in proto tcp from any to any port 80
      """;

  private Path pfctl;
  private Path state;

  @BeforeAll
  void install() throws IOException {
    Path dir = Files.createTempDirectory("spa-pf-sim");
    state = dir.resolve("pf.state");
    pfctl = SimulatedTool.install(dir, "pfctl", PfctlSimulator.class, state, spa.core.IpAddresses.class);
  }

  @Override
  protected FirewallBackend newBackend() {
    return new PfBackend(new ExecRunner(), Clock.systemUTC());
  }

  @Override
  protected Map<String, String> contractSettings(boolean nat) {
    return Map.of("PFCTL_EXE", pfctl.toString(), "PF_KILL_STATES", "Y");
  }

  @Override
  protected void resetFirewall() {
    try {
      Files.deleteIfExists(state);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    pfctl(PF_CONF, "-f", "-");
  }

  @Override
  protected String adminState() {
    return pfctl(null, "-s", "rules");
  }

  @Override
  protected Set<Nat.Kind> natKinds() {
    return EnumSet.noneOf(Nat.Kind.class);
  }

  @Override
  protected boolean expectsKernelExpiry() {
    return false;
  }

  private String pfctl(String stdin, String... args) {
    List<String> argv = new java.util.ArrayList<>(List.of(pfctl.toString()));
    argv.addAll(List.of(args));
    Command c = Command.of(argv);
    CommandResult r = new ExecRunner().run(stdin == null ? c : c.withInput(stdin));
    if (!r.ok()) {
      throw new IllegalStateException(r.failure());
    }
    return r.stdout();
  }
}
