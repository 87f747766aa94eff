package spa.fw.nftables;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import spa.cmd.exec.Command;
import spa.cmd.exec.CommandResult;
import spa.cmd.exec.CommandRunner;
import spa.core.FirewallException;

/** nftables through the nft command, one process per call: {@code nft -f -} for scripts, {@code nft [-j] list ...}. */
final class NftProcess implements NftChannel {
  private static final Duration NFT_TIMEOUT = Duration.ofSeconds(15);

  private final CommandRunner runner;
  private final String exe;
  private final String why;

  /** nft at {@code exe} run through {@code runner}; {@code why} says why the library is not used, or is empty. */
  NftProcess(CommandRunner runner, String exe, String why) {
    this.runner = runner;
    this.exe = exe;
    this.why = why;
  }

  @Override
  public Reply script(String script) throws FirewallException {
    return run(List.of("-f", "-"), script);
  }

  @Override
  public Reply list(boolean json, String... words) throws FirewallException {
    List<String> args = new ArrayList<>();
    if (json) {
      args.add("-j");
      args.add("-p"); // protocols as numbers: nft would read /etc/protocols once per element
    }
    args.addAll(List.of(words));
    return run(args, null);
  }

  @Override
  public Reply listTerse(String... words) throws FirewallException {
    List<String> args = new ArrayList<>();
    args.add("-t");
    args.addAll(List.of(words));
    return run(args, null);
  }

  @Override
  public String describe() {
    return "nftables through the nft command " + exe + (why.isEmpty() ? "" : " (" + why + ")");
  }

  private Reply run(List<String> args, String input) throws FirewallException {
    List<String> argv = new ArrayList<>();
    argv.add(exe);
    argv.addAll(args);
    Command cmd = new Command(argv, null, NFT_TIMEOUT);
    CommandResult r = runner.run(input == null ? cmd : cmd.withInput(input));
    if (r.status() != CommandResult.Status.EXITED) {
      throw new FirewallException(r.failure());
    }
    return new Reply(r.ok(), r.stdout(), r.stderr(), r.failure());
  }
}
