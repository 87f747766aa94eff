package spa.client.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import spa.client.ClientException;
import spa.client.Destination;
import spa.client.ExternalIpResolver;
import spa.client.SpaPacket;
import spa.client.SpaPacketBuilder;
import spa.client.SpaRequest;
import spa.client.Transport;
import spa.client.rc.AllowIp;
import spa.client.rc.ClientConfig;
import spa.client.rc.IoErrors;
import spa.client.rc.RcFile;
import spa.client.rc.RcVariables;
import spa.core.ConfigException;
import spa.core.DigestType;
import spa.core.Settings;
import spa.core.SpaException;
import spa.core.SpaMessage;
import spa.core.codec.SpaCodec;
import spa.core.spi.Decryptor;
import spa.core.spi.Encryptor;

/** One invocation of {@code spa}: reads the rc file and the options, then lists, draws, generates keys or sends. */
final class Invocation {
  private static final Duration NET_TIMEOUT = Duration.ofSeconds(10);

  private final Environment environment;
  private final SpaOptions o;
  private final PrintStream out;
  private final PrintStream err;
  private final InputStream in;
  /** The command line to save for {@code -l}, or null when it came from there. */
  private final List<String> args;

  Invocation(Environment environment, SpaOptions o, PrintStream out, PrintStream err, InputStream in, List<String> args) {
    this.environment = environment;
    this.o = o;
    this.out = out;
    this.err = err;
    this.in = in;
    this.args = args;
  }

  /** Runs; false when there was nothing to do (no arguments and no server in the rc file). */
  boolean execute(boolean noArgs) throws ConfigException, ClientException, SpaException {
    if (o.output().savePacketAppend && o.output().savePacket == null) {
      throw new ClientException("-b/--save-packet-append needs -B <file>");
    }
    Settings cli = OptionSettings.of(o, in);
    RcFile rc = rcFile();
    if (o.config().stanzaList) {
      rc.stanzas().keySet().stream().filter(n -> !n.equals(RcFile.DEFAULT)).forEach(out::println);
      return true;
    }
    StanzaSave save = stanzaSave(cli);
    String named = save != null && !rc.stanzas().containsKey(save.name()) ? null : o.config().named;
    Settings effective = RcVariables.overlay(rc.effective(named), cli);
    if (noArgs && !effective.has("SPA_SERVER")) {
      return false;
    }
    if (o.output().qr) {
      out.print(QrEnrolment.render(QrEnrolment.text(effective)));
      out.println("Server: " + effective.get("SPA_SERVER").orElse("(none set)") + ", port "
          + effective.get("SPA_SERVER_PORT").orElse("62201") + " (Fwknop2's codes carry the keys only: type these in)");
      return true;
    }
    if (o.keyGeneration().keyGen || o.keyGeneration().keyGenFile != null) {
      new NewKeys(environment, o, out).run(effective, save, cli, rcPath());
      return true;
    }
    ClientConfig config = ClientConfig.from(effective);
    if (save != null) {
      save.save(cli, o.config().forceStanza, environment.prompt(), out);
    }
    send(config);
    return true;
  }

  /** {@code --save-rc-stanza}: the stanza named by -n, else by -D; null without the option. */
  private StanzaSave stanzaSave(Settings cli) throws ClientException {
    SpaOptions.Config c = o.config();
    if (!c.saveRcStanza) {
      if (c.forceStanza) {
        throw new ClientException("--force-stanza needs --save-rc-stanza");
      }
      return null;
    }
    if (c.noRcFile) {
      throw new ClientException("--save-rc-stanza needs an rc file, but --no-rc-file was given");
    }
    String name = c.named != null ? c.named : cli.get("SPA_SERVER").orElseThrow(
        () -> new ClientException("--save-rc-stanza needs the stanza's name: -n <stanza> (or -D <server>)"));
    return new StanzaSave(rcPath(), name);
  }

  private Path rcPath() {
    SpaOptions.Config c = o.config();
    return c.rcFile != null ? Path.of(c.rcFile) : environment.home().resolve(".fwknoprc");
  }

  private RcFile rcFile() throws ConfigException {
    SpaOptions.Config c = o.config();
    if (c.noRcFile) {
      if (c.named != null) {
        throw new ConfigException("option --named-config", null, "needs an rc file, but --no-rc-file was given");
      }
      return RcFile.empty("no rc file");
    }
    Path path = rcPath();
    if ((c.rcFile == null || c.saveRcStanza) && !Files.exists(path)) {
      if (c.named != null && !c.saveRcStanza) {
        throw new ConfigException(path.toString(), null, "no such rc file, so no stanza '" + c.named + "'");
      }
      return RcFile.empty(path.toString());
    }
    RcFile rc = RcFile.read(path);
    rc.warnings().forEach(w -> err.println("spa: warning: " + w));
    warnIfShared(path);
    return rc;
  }

  private void warnIfShared(Path path) {
    try {
      Set<PosixFilePermission> perms = Files.getPosixFilePermissions(path);
      if (perms.stream().anyMatch(p -> p.name().startsWith("GROUP") || p.name().startsWith("OTHERS"))) {
        err.println("spa: warning: " + path + " is readable by others; it may hold keys (chmod 600 it)");
      }
    } catch (IOException | UnsupportedOperationException e) {
      // not a POSIX file system, or unreadable: RcFile.read reported what matters
    }
  }

  private void send(ClientConfig c) throws ConfigException, ClientException, SpaException {
    boolean verbose = c.verbose();
    boolean test = o.output().test;
    // everything that can be checked is checked before a key is asked for
    if (c.allowIp() == null) {
      throw new ConfigException(null, null,
          "no allow IP: use -a <ip>, -s (the packet's source) or -R (resolve the external address)");
    }
    String user = c.spoofUser() != null ? c.spoofUser() : environment.loginName();
    c.request(user, "0.0.0.0", environment.random());
    Destination to = c.server() == null && test ? null : c.destination(environment.random());
    Transport transport = c.transport(NET_TIMEOUT, environment.random());
    String cipher = c.useGpg() ? "gpg" : "aes";
    Encryptor encryptor = environment.ciphers().get().encryptor(cipher).orElseThrow(() -> new ClientException(
        "no '" + cipher + "' cipher module is installed (found: "
            + String.join(", ", environment.ciphers().get().encryptorNames()) + ")"));
    Settings keys = new CipherKeys(environment.prompt()).fill(c);
    Encryptor.Keyed keyed = encryptor.forKeys(keys);

    SpaRequest request = c.request(user, allowIp(c.allowIp(), c.userAgent(), verbose), environment.random());
    SpaPacket packet = new SpaPacketBuilder(keyed, environment.clock(), environment.random()).build(request);
    saveArgs(c);
    DigestType hmacType = c.useHmac() ? c.hmacDigestType() : null;
    String hmac = hmacType == null ? null : packet.wire().substring(packet.wire().length() - hmacType.b64Length());
    if (test || verbose) {
      out.print(FieldDump.format(packet.message(), packet.plaintext(), hmacType, hmac, c.encryptionMode(), packet.wire()));
      out.println();
    }
    if (o.output().savePacket != null) {
      savePacket(Path.of(o.output().savePacket), packet.wire());
    }
    if (verbose && to != null) {
      out.print(generating(c, to));
    }
    if (test) {
      out.println("test mode enabled, SPA packet not actually sent.");
      out.println();
      testDecode(cipher, keys, packet, hmacType, hmac, c);
      return;
    }
    int sent = transport.send(packet.wire(), to);
    if (verbose) {
      out.println("bytes sent: " + sent);
    }
  }

  /** Decrypts and decodes the packet just built, as a server would, and prints it again. */
  private void testDecode(String cipher, Settings keys, SpaPacket packet, DigestType hmacType, String hmac,
      ClientConfig c) throws ConfigException, ClientException {
    Decryptor decryptor = environment.ciphers().get().decryptor(cipher).orElseThrow(
        () -> new ClientException("no '" + cipher + "' decryptor is installed to check the packet"));
    SpaMessage decoded;
    String plaintext;
    try {
      plaintext = decryptor.forStanza(keys).decrypt(packet.wire());
      decoded = SpaCodec.decode(plaintext);
    } catch (SpaException e) {
      throw new ClientException("the packet does not decode: " + e.getMessage());
    }
    String cipherText = hmac == null ? packet.wire() : packet.wire().substring(0, packet.wire().length() - hmac.length());
    out.println("Dump of the Decoded Data");
    out.print(FieldDump.format(decoded, plaintext, hmacType, hmac, c.encryptionMode(), cipherText));
    out.println();
  }

  private String generating(ClientConfig c, Destination to) {
    return "Generating SPA packet:\n"
        + String.format("%20s: %s\n", "protocol", c.proto())
        + String.format("%20s: %s\n", "source port", c.sourcePort() == 0 ? "<OS assigned>" : c.sourcePort())
        + String.format("%20s: %s\n", "destination port", to.port())
        + String.format("%20s: %s\n", "IP/host", to.host())
        + (c.httpProxy() == null ? "" : String.format("%20s: %s\n", "HTTP proxy", c.httpProxy()));
  }

  private String allowIp(AllowIp a, String userAgent, boolean verbose) throws ClientException {
    // instanceof, not a pattern switch: its bootstrap generates a class at each start (tens of ms)
    if (a instanceof AllowIp.Address addr) {
      return addr.ip();
    }
    if (a instanceof AllowIp.Resolve r) {
      String ip = ExternalIpResolver.create(userAgent, NET_TIMEOUT).resolve(r.url());
      if (verbose) {
        out.println("Resolved external IP (via " + r.url() + ") as: " + ip);
      }
      return ip;
    }
    return "0.0.0.0"; // AllowIp.Source
  }

  /** As fwknop does once the packet is built: the command line goes to ~/.fwknop.run for {@code -l}. */
  private void saveArgs(ClientConfig c) {
    if (args == null || c.settings().flag("NO_SAVE_ARGS", false)) {
      return;
    }
    try {
      new LastCommand(environment.home()).save(args);
    } catch (ClientException e) {
      err.println("spa: warning: " + e.getMessage());
    }
  }

  private void savePacket(Path file, String wire) throws ClientException {
    try {
      PrivateFile.write(file, wire + "\n", o.output().savePacketAppend);
    } catch (IOException e) {
      throw new ClientException("cannot save the packet to " + file + ": " + IoErrors.describe(e));
    }
  }
}
