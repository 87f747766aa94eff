package spa.client.cli;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.DatagramSocket;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import spa.client.ClientException;
import spa.client.rc.RcFile;
import spa.core.ConfigException;
import spa.core.ProtoPort;
import spa.core.Settings;

/**
 * {@code spa ssh [--wait SECONDS] HOST [SSH ARGS]}: knocks, waits until the server's port answers, then runs
 * {@code ssh HOST SSH ARGS} on the same terminal and exits with its status. The knock takes the rc file's stanza
 * named HOST when there is one (else {@code [default]} with {@code -D HOST}); it asks for the stanza's ACCESS, else
 * tcp/22, for the stanza's ALLOW_IP, else the address this host sends to the server from. The port waited for is the
 * first tcp port of the request; {@code ssh} is looked up in {@code PATH}.
 */
final class SshCommand {
  /** How long the port is waited for after the knock, unless {@code --wait} says otherwise. */
  static final int DEFAULT_WAIT_SECONDS = 10;

  private final Environment environment;
  private final SpaCommand spa;

  SshCommand(Environment environment, SpaCommand spa) {
    this.environment = environment;
    this.spa = spa;
  }

  /** Runs {@code spa ssh ARGS} (the words after {@code ssh}); returns the exit status. */
  int run(List<String> args, PrintStream out, PrintStream err, InputStream in) {
    try {
      int wait = DEFAULT_WAIT_SECONDS;
      int i = 0;
      if (args.size() >= 2 && args.get(0).equals("--wait")) {
        wait = seconds(args.get(1));
        i = 2;
      }
      if (i >= args.size() || args.get(i).startsWith("-")) {
        throw new ClientException("usage: spa ssh [--wait SECONDS] HOST [ssh arguments]");
      }
      String host = args.get(i);
      List<String> sshArgs = args.subList(i + 1, args.size());
      Path ssh = onPath("ssh");

      boolean named = hasStanza(host);
      Settings stanza = stanza(named ? host : null);
      String server = named ? stanza.get("SPA_SERVER").orElse(host) : host;
      List<String> knock = new ArrayList<>(named ? List.of("-n", host) : List.of("-D", host));
      String access = stanza.get("ACCESS").orElse("tcp/22");
      if (!stanza.has("ACCESS")) {
        knock.addAll(List.of("-A", access));
      }
      InetSocketAddress target = new InetSocketAddress(address(server), port(access));
      if (!stanza.has("ALLOW_IP") && !stanza.has("RESOLVE_IP_HTTPS") && !stanza.has("RESOLVE_IP_HTTP")) {
        knock.addAll(List.of("-a", source(target)));
      }
      int status = spa.run(knock.toArray(String[]::new), out, err, in);
      if (status != 0) {
        return status;
      }
      awaitOpen(target, wait);
      List<String> argv = new ArrayList<>(List.of(ssh.toString(), host));
      argv.addAll(sshArgs);
      Process p = new ProcessBuilder(argv).inheritIO().start();
      return p.waitFor();
    } catch (ClientException e) {
      err.println("spa ssh: " + e.getMessage());
    } catch (ConfigException e) {
      err.println("spa ssh: " + SpaCommand.describe(e));
    } catch (IOException e) {
      err.println("spa ssh: cannot run ssh: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      err.println("spa ssh: interrupted");
    }
    return 1;
  }

  private static int seconds(String v) throws ClientException {
    if (!v.matches("\\d{1,4}") || Integer.parseInt(v) < 1) {
      throw new ClientException("--wait: '" + v + "' is not a number of seconds 1..9999");
    }
    return Integer.parseInt(v);
  }

  private Path rcPath() {
    return environment.home().resolve(".fwknoprc");
  }

  private boolean hasStanza(String host) throws ConfigException {
    return Files.exists(rcPath()) && RcFile.read(rcPath()).stanzas().containsKey(host);
  }

  /** The stanza {@code name} over {@code [default]}, or {@code [default]} alone when null. */
  private Settings stanza(String name) throws ConfigException {
    return Files.exists(rcPath()) ? RcFile.read(rcPath()).effective(name) : Settings.empty();
  }

  /** The first tcp port of an access list; ssh's connection is what is waited for. */
  private static int port(String access) throws ClientException {
    try {
      return ProtoPort.parseList(access, 1).stream().filter(p -> p.proto().equals("tcp")).findFirst()
          .orElseThrow(() -> new ClientException("the access list '" + access + "' has no tcp port to wait for"))
          .port();
    } catch (IllegalArgumentException e) {
      throw new ClientException("ACCESS '" + access + "': " + e.getMessage());
    }
  }

  private static InetAddress address(String server) throws ClientException {
    try {
      for (InetAddress a : InetAddress.getAllByName(server)) {
        if (a instanceof Inet4Address) {
          return a;
        }
      }
    } catch (IOException e) {
      throw new ClientException("cannot resolve server '" + server + "'");
    }
    throw new ClientException("server '" + server + "' has no IPv4 address (the SPA message carries an IPv4 allow IP)");
  }

  /** The address this host sends to {@code target} from (a connected UDP socket sends nothing). */
  private static String source(InetSocketAddress target) throws ClientException {
    try (DatagramSocket s = new DatagramSocket()) {
      s.connect(target);
      InetAddress local = s.getLocalAddress();
      if (local instanceof Inet4Address && !local.isAnyLocalAddress()) {
        return local.getHostAddress();
      }
    } catch (IOException e) {
      throw new ClientException("no route to " + target.getAddress().getHostAddress() + ": " + e.getMessage());
    }
    throw new ClientException("no local IPv4 address to reach " + target.getAddress().getHostAddress() + " from");
  }

  /** Tries to connect every 200 ms until {@code seconds} have passed. */
  private static void awaitOpen(InetSocketAddress target, int seconds) throws ClientException, InterruptedException {
    long deadline = System.nanoTime() + seconds * 1_000_000_000L;
    while (true) {
      try (Socket s = new Socket()) {
        s.connect(target, 1000);
        return;
      } catch (IOException e) {
        if (System.nanoTime() > deadline) {
          throw new ClientException(target.getAddress().getHostAddress() + " port " + target.getPort()
              + " did not answer within " + seconds + " s of the knock");
        }
        Thread.sleep(200);
      }
    }
  }

  /** {@code name} in the directories of {@code PATH}. */
  private Path onPath(String name) throws ClientException {
    String path = environment.env().getOrDefault("PATH", "");
    return Arrays.stream(path.split(File.pathSeparator)).filter(d -> !d.isEmpty()).map(d -> Path.of(d, name))
        .filter(Files::isExecutable).findFirst()
        .orElseThrow(() -> new ClientException("no ssh in PATH (" + path + ")"));
  }
}
