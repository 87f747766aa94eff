package spa.client.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.Arrays;
import java.util.Properties;
import java.util.List;
import java.util.Set;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;
import spa.client.ClientException;
import spa.client.Destination;
import spa.client.ExternalIpResolver;
import spa.client.KeyGen;
import spa.client.SpaPacket;
import spa.client.SpaPacketBuilder;
import spa.client.SpaRequest;
import spa.client.Transport;
import spa.client.rc.AllowIp;
import spa.client.rc.ClientConfig;
import spa.client.rc.IoErrors;
import spa.client.rc.KeyFile;
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

/**
 * The {@code spa} command: fwknop's client, option for option. Every failure ends in one line on standard
 * error and a non-zero exit status.
 */
public final class SpaCommand {
  private static final Duration NET_TIMEOUT = Duration.ofSeconds(10);

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
      options = new SpaOptions();
      int status = Picocli.parse(options, args, out, err);
      if (status >= 0) {
        return status;
      }
    }
    SpaOptions.Config config = options.config();
    if (config.lastCmd || config.showLast) {
      try {
        CommandLine cl = commandLine(new SpaOptions());
        cl.parseArgs(args); // parsed before: which options were given, by name
        return lastCommand(cl, fromUser, out, err, in);
      } catch (ClientException e) {
        err.println("spa: " + e.getMessage());
        return 1;
      }
    }
    try {
      boolean ran = new Run(options, out, err, in, fromUser ? List.of(args) : null).execute(args.length == 0);
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

  /** picocli's parse, help and version, in a class of their own: the quick path never loads picocli's classes. */
  private static final class Picocli {
    /** Parses {@code args} into {@code options}: the exit status if that was all (help, version, error), else -1. */
    static int parse(SpaOptions options, String[] args, PrintStream out, PrintStream err) {
      CommandLine cl = commandLine(options);
      try {
        cl.parseArgs(args);
      } catch (CommandLine.ParameterException e) {
        err.println("spa: " + e.getMessage() + " (see spa --help)");
        return 2;
      }
      if (cl.isUsageHelpRequested()) {
        out.print(cl.getUsageMessage(CommandLine.Help.Ansi.OFF));
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

  /** One invocation. */
  private final class Run {
    private final SpaOptions o;
    private final PrintStream out;
    private final PrintStream err;
    private final InputStream in;
    /** The command line to save for {@code -l}, or null when it came from there. */
    private final List<String> args;

    Run(SpaOptions o, PrintStream out, PrintStream err, InputStream in, List<String> args) {
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
      Settings cli = o.toSettings(in);
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
        keyGen(effective, save, cli);
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

    private void keyGen(Settings s, StanzaSave save, Settings cli) throws ConfigException, ClientException {
      DigestType hmacType = DigestType.SHA256;
      if (s.has("HMAC_DIGEST_TYPE")) {
        String v = s.get("HMAC_DIGEST_TYPE").orElseThrow();
        hmacType = DigestType.parse(v).orElseThrow(
            () -> s.invalid("HMAC_DIGEST_TYPE", "unknown digest '" + v + "'; use " + DigestType.names()));
      }
      SpaOptions.KeyGeneration g = o.keyGeneration();
      int keyLen = g.keyLen == null ? KeyGen.AES_KEY_LENGTH : g.keyLen;
      int hmacLen = g.hmacKeyLen == null ? KeyGen.defaultHmacKeyLength(hmacType) : g.hmacKeyLen;
      if (keyLen < 1 || keyLen > KeyGen.AES_KEY_LENGTH) {
        throw new ClientException("--key-len " + keyLen + ": encryption keys are 1.." + KeyGen.AES_KEY_LENGTH + " bytes");
      }
      if (hmacLen < 1 || hmacLen > KeyGen.MAX_HMAC_KEY_LENGTH) {
        throw new ClientException("--hmac-key-len " + hmacLen + ": HMAC keys are 1.." + KeyGen.MAX_HMAC_KEY_LENGTH + " bytes");
      }
      KeyGen.Keys generated = new KeyGen(environment.random()).generate(keyLen, hmacLen);
      String lines = generated.toLines();
      if (save != null) {
        Settings keyed = RcVariables.overlay(cli, Settings.builder("key generation")
            .put("KEY_BASE64", generated.keyBase64(), "key generation")
            .put("HMAC_KEY_BASE64", generated.hmacKeyBase64(), "key generation")
            .put("USE_HMAC", "Y", "key generation").build());
        save.save(keyed, o.config().forceStanza, environment.prompt(), out);
        out.println("[+] Wrote Rijndael and HMAC keys to rc file: " + rcPath());
        return;
      }
      if (g.keyGenFile == null) {
        out.print(lines);
        return;
      }
      Path file = Path.of(g.keyGenFile);
      try {
        PrivateFile.write(file, lines, false);
      } catch (IOException e) {
        throw new ClientException("cannot write keys to " + file + ": " + IoErrors.describe(e));
      }
      out.println("[+] Wrote Rijndael and HMAC keys to: " + file);
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
      Settings keys = keys(c);
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

    /** The cipher settings, with keys from key files or the prompt filled in. */
    private Settings keys(ClientConfig c) throws ConfigException, ClientException {
      Settings s = c.settings();
      Settings.Builder b = Settings.builder(s.origin());
      for (String k : s.keys()) {
        b.put(k, s.get(k).orElseThrow(), s.origin(k));
      }
      if (!c.useGpg() && !s.has("KEY") && !s.has("KEY_BASE64")) {
        b.put("KEY", key(c, "KEY_FILE", "Enter encryption key: ",
            "pass it with --key-rijndael, --key-base64-rijndael, -G <file> or --stdin, or set KEY or KEY_BASE64 in ~/.fwknoprc"),
            keyOrigin(s, "KEY_FILE"));
      }
      if (c.useHmac() && !s.has("HMAC_KEY") && !s.has("HMAC_KEY_BASE64")) {
        b.put("HMAC_KEY", key(c, "HMAC_KEY_FILE", "Enter HMAC key: ",
            "pass it with --key-hmac, --key-base64-hmac or --get-hmac-key <file>, or set HMAC_KEY or HMAC_KEY_BASE64 in ~/.fwknoprc"),
            keyOrigin(s, "HMAC_KEY_FILE"));
      }
      if (c.useGpg() && s.has("GPG_SIGNER") && !s.has("GPG_SIGNING_PW") && !s.has("GPG_SIGNING_PW_BASE64")
          && !s.flag("GPG_NO_SIGNING_PW", false)) {
        char[] typed = environment.prompt().read("Enter passphrase for signing: ",
            "pass it with --gpg-signing-pw, or --gpg-no-signing-pw for a key without one, or set GPG_SIGNING_PW "
                + "or GPG_NO_SIGNING_PW in ~/.fwknoprc");
        try {
          b.put("GPG_SIGNING_PW", new String(typed), "prompt");
        } finally {
          Arrays.fill(typed, '\0');
        }
      }
      b.put("USE_HMAC", c.useHmac() ? "Y" : "N", s.origin("USE_HMAC"));
      return b.build();
    }

    private static String keyOrigin(Settings s, String fileKey) {
      return s.has(fileKey) ? s.origin(fileKey) : "prompt";
    }

    private String key(ClientConfig c, String fileKey, String prompt, String howToPass)
        throws ConfigException, ClientException {
      if (c.settings().has(fileKey)) {
        if (c.server() == null) {
          throw c.settings().invalid(fileKey, "a key file needs the server (-D) to find the key");
        }
        return KeyFile.lookup(c.keyFile(fileKey).orElseThrow(), c.server(), c.settings().origin(fileKey), fileKey);
      }
      char[] typed = environment.prompt().read(prompt, howToPass);
      try {
        if (typed.length == 0) {
          throw new ClientException("no key entered");
        }
        return new String(typed);
      } finally {
        Arrays.fill(typed, '\0');
      }
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
}
