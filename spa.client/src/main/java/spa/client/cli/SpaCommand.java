package spa.client.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.util.Properties;
import java.util.List;
import java.util.Set;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;
import spa.client.ClientException;
import spa.core.ConfigException;
import spa.core.SpaException;
import spa.core.SpaMessage;

/**
 * The {@code spa} command: fwknop's client, option for option. Every failure ends in one line on standard
 * error and a non-zero exit status.
 */
public final class SpaCommand {
  private final Environment environment;

  /** A command that uses the real process environment, console and cipher modules. */
  public SpaCommand() {
    this(Environment.system());
  }

  SpaCommand(Environment environment) {
    this.environment = environment;
  }

  public static void main(String[] args) {
    int status = new SpaCommand().run(args, System.out, System.err, System.in);
    System.out.flush();
    System.exit(status);
  }

  /** Runs {@code spa args}; returns the exit status (0 on success). */
  public int run(String[] args, PrintStream out, PrintStream err, InputStream in) {
    return run(args, out, err, in, true);
  }

  /** {@code fromUser}: false when running the command line {@code -l} read from ~/.fwknop.run. */
  private int run(String[] args, PrintStream out, PrintStream err, InputStream in, boolean fromUser) {
    if (fromUser && args.length > 0 && args[0].equals("ssh")) {
      return new SshCommand(environment, this).run(List.of(args).subList(1, args.length), out, err, in);
    }
    // the plain command lines skip picocli's model of the options (most of the start-up); others, help and
    // errors are picocli's
    SpaOptions options = QuickArgs.parse(args);
    if (options == null) {
      ParsedOptions parsed = new ParsedOptions();
      int status = Picocli.parse(parsed, args, out, err);
      if (status >= 0) {
        return status;
      }
      options = parsed.options();
    }
    SpaOptions.Config config = options.config();
    if (config.lastCmd || config.showLast) {
      try {
        CommandLine cl = parser(new ParsedOptions());
        cl.parseArgs(args); // parsed before: which options were given, by name
        return lastCommand(cl, fromUser, out, err, in);
      } catch (ClientException e) {
        err.println("spa: " + e.getMessage());
        return 1;
      }
    }
    try {
      boolean ran = new Invocation(environment, options, out, err, in, fromUser ? List.of(args) : null).execute(args.length == 0);
      if (!ran) {
        err.print(shortUsage(commandLine(new SpaOptions())));
        return 2;
      }
      return 0;
    } catch (ConfigException e) {
      err.println("spa: " + describe(e));
    } catch (ClientException e) {
      err.println("spa: " + e.getMessage());
    } catch (SpaException e) {
      err.println("spa: cannot build the SPA packet: " + e.getMessage());
    } catch (RuntimeException e) {
      err.println("spa: unexpected error: " + String.valueOf(e).replace('\n', ' '));
    }
    return 1;
  }

  private static CommandLine commandLine(SpaOptions options) {
    return new CommandLine(options).setOverwrittenOptionsAllowed(true).setUsageHelpWidth(100);
  }

  private static CommandLine parser(ParsedOptions options) {
    return new CommandLine(options).setOverwrittenOptionsAllowed(true);
  }

  /** picocli's parse, help and version, in a class of their own: the quick path never loads picocli's classes. */
  private static final class Picocli {
    /** Parses {@code args} into {@code options}: the exit status if that was all (help, version, error), else -1. */
    static int parse(ParsedOptions options, String[] args, PrintStream out, PrintStream err) {
      CommandLine cl = parser(options);
      try {
        cl.parseArgs(args);
      } catch (CommandLine.ParameterException e) {
        err.println("spa: " + e.getMessage() + " (see spa --help)");
        return 2;
      }
      if (cl.isUsageHelpRequested()) {
        out.print(commandLine(new SpaOptions()).getUsageMessage(CommandLine.Help.Ansi.OFF));
        return 0;
      }
      if (cl.isVersionHelpRequested()) {
        out.println("spa client " + version() + ", FKO protocol version " + SpaMessage.PROTOCOL_VERSION
            + " (fwknop 2.6 compatible)");
        return 0;
      }
      return -1;
    }
  }

  /** {@code --show-last} prints the saved command line; {@code -l} runs it (with {@code -v}: says so first). */
  private int lastCommand(CommandLine cl, boolean fromUser, PrintStream out, PrintStream err, InputStream in)
      throws ClientException {
    String which = cl.getParseResult().hasMatchedOption("--show-last") ? "--show-last" : "-l/--last-cmd";
    if (!fromUser) {
      throw new ClientException("the command line saved in " + environment.home().resolve(LastCommand.FILE)
          + " has " + which + " itself; not run again");
    }
    List<String> others = cl.getParseResult().matchedOptions().stream().map(OptionSpec::longestName)
        .filter(n -> !Set.of("--last-cmd", "--show-last", "--verbose").contains(n)).toList();
    if (!others.isEmpty()) {
      throw new ClientException(which + " takes the whole saved command line; give no other options (" + String.join(", ", others) + ")");
    }
    LastCommand last = new LastCommand(environment.home());
    if (which.equals("--show-last")) {
      out.println("Last spa command line: " + last.line());
      return 0;
    }
    List<String> saved = last.args();
    if (cl.getParseResult().hasMatchedOption("--verbose")) {
      out.println("Executing: " + last.line());
    }
    return run(saved.toArray(String[]::new), out, err, in, false);
  }

  /** What a plain {@code spa} prints when the rc file's [default] stanza names no server either. */
  static String shortUsage(CommandLine cl) {
    return cl.getHelp().header() + "Usage: " + cl.getHelp().synopsis(0) + "See spa --help for the options.\n";
  }

  /** One line for a configuration error: where, which variable (for rc files), what. */
  static String describe(ConfigException e) {
    String origin = e.origin();
    if (origin != null && origin.startsWith("option ")) {
      return origin.substring("option ".length()) + ": " + e.getMessage();
    }
    return e.toString();
  }

  private static String version() {
    Properties p = new Properties();
    try (InputStream in = SpaCommand.class.getResourceAsStream("version.properties")) {
      if (in != null) {
        p.load(in);
      }
    } catch (IOException e) {
      // fall through to "unknown"
    }
    return p.getProperty("version", "unknown");
  }
}
