package example.fw.command;

import java.net.Inet6Address;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import spa.cmd.exec.Command;
import spa.cmd.exec.CommandResult;
import spa.cmd.exec.CommandRunner;
import spa.cmd.exec.ExecRunner;
import spa.core.ConfigException;
import spa.core.FirewallException;
import spa.core.Grant;
import spa.core.IpAddresses;
import spa.core.ProtoPort;
import spa.core.Settings;
import spa.core.spi.FirewallBackend;

/**
 * The {@code command} firewall: every operation is a command line of the configuration ({@link CommandConfig}),
 * run as an argv list, never through a shell. A grant is one entry per proto/port, added by FWCMD_OPEN and
 * removed by FWCMD_CLOSE; FWCMD_LIST prints the entries the firewall holds, which FWCMD_LIST_PATTERN reads
 * back, with their expiry. Access only: NAT is refused.
 */
public final class CommandBackend implements FirewallBackend {
  private final CommandRunner runner;
  private final Clock clock;
  private CommandConfig config;

  /** What ServiceLoader calls: real processes, the system clock. */
  public CommandBackend() {
    this(new ExecRunner(), Clock.systemUTC());
  }

  /** A backend whose commands go through {@code runner} and whose ${TIMEOUT} is counted on {@code clock}. */
  public CommandBackend(CommandRunner runner, Clock clock) {
    this.runner = runner;
    this.clock = clock;
  }

  @Override
  public String name() {
    return "command";
  }

  /** As FWCMD_KERNEL_EXPIRY says (false until configured). */
  @Override
  public boolean kernelExpiry() {
    return config != null && config.kernelExpiry();
  }

  @Override
  public void configure(Settings settings) throws ConfigException {
    config = CommandConfig.read(settings);
  }

  @Override
  public void start(Settings settings) throws ConfigException, FirewallException {
    configure(settings);
    repair();
    list(); // the list command works, and prints what the pattern reads
  }

  /** Takes the new commands whole; the old ones stay when the new settings are wrong. */
  @Override
  public void reconfigure(Settings settings) throws FirewallException {
    try {
      config = CommandConfig.read(settings);
    } catch (ConfigException e) {
      throw new FirewallException(e.toString()); // file:line: KEY: what is wrong
    }
  }

  @Override
  public void open(Grant grant) throws FirewallException {
    if (grant.nat() != null) {
      throw new FirewallException("the command firewall opens access only: " + grant.nat().kind()
          + " is not supported");
    }
    if (grant.access().isEmpty()) {
      throw new FirewallException("the command firewall needs proto/ports to open for " + grant.source());
    }
    close(grant); // a re-knock replaces the entries with ones of the new expiry, never stacks them
    for (ProtoPort pp : grant.access()) {
      run("FWCMD_OPEN", config().open(), new Listing.Entry(grant.source(), pp, grant.expires()));
    }
  }

  @Override
  public void close(Grant grant) throws FirewallException {
    for (Listing.Entry e : entries()) {
      if (e.source().equals(grant.source()) && grant.access().contains(e.access())) {
        run("FWCMD_CLOSE", config().close(), e);
      }
    }
  }

  @Override
  public boolean intact() throws FirewallException {
    Optional<ArgvTemplate> check = config().check();
    if (check.isEmpty()) {
      return true;
    }
    CommandResult r = runner.run(command(check.get(), Map.of()));
    if (r.status() != CommandResult.Status.EXITED) {
      throw new FirewallException("FWCMD_CHECK: " + r.failure());
    }
    return r.ok();
  }

  @Override
  public void repair() throws FirewallException {
    if (config().start().isPresent()) {
      run("FWCMD_START", config().start().get(), Map.of());
    }
  }

  @Override
  public List<Grant> list() throws FirewallException {
    return Listing.grants(entries());
  }

  @Override
  public void flush() throws FirewallException {
    if (config().flush().isPresent()) {
      run("FWCMD_FLUSH", config().flush().get(), Map.of());
      return;
    }
    for (Listing.Entry e : entries()) {
      run("FWCMD_CLOSE", config().close(), e);
    }
  }

  private List<Listing.Entry> entries() throws FirewallException {
    return Listing.entries(run("FWCMD_LIST", config().list(), Map.of()).stdout(), config().entry());
  }

  private CommandResult run(String key, ArgvTemplate template, Listing.Entry e) throws FirewallException {
    long timeout = Math.max(1, Duration.between(clock.instant(), e.expires()).toSeconds());
    return run(key, template, Map.of("SOURCE", IpAddresses.text(e.source()),
        "IPV", e.source() instanceof Inet6Address ? "6" : "4",
        "PROTO", e.access().proto(), "PROTO_NUM", String.valueOf(e.access().protocolNumber()),
        "PORT", String.valueOf(e.access().port()), "EXPIRES", String.valueOf(e.expires().getEpochSecond()),
        "TIMEOUT", String.valueOf(timeout)));
  }

  private CommandResult run(String key, ArgvTemplate template, Map<String, String> values) throws FirewallException {
    CommandResult r = runner.run(command(template, values));
    if (!r.ok()) {
      throw new FirewallException(key + ": " + r.failure());
    }
    return r;
  }

  private Command command(ArgvTemplate template, Map<String, String> values) {
    return Command.of(template.expand(values)).withTimeout(config.timeout());
  }

  private CommandConfig config() throws FirewallException {
    if (config == null) {
      throw new FirewallException("the command backend used before start() or configure()");
    }
    return config;
  }
}
