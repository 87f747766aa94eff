package spa.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import spa.test.support.GnupgHomes;

/**
 * GnuPG packets from Debian's fwknop client and from the image's {@code spa -g} (access messages signed with a
 * signing subkey or unsigned, with or without HMAC; a signed NAT and a signed command message; one signed by a
 * stranger, a key the server's home lacks) sent to Debian's fwknopd and to the image's {@code spad -t}, both
 * reading the same fwknopd.conf and access.conf, for every stanza of GPG_REQUIRE_SIG Y/N x GPG_REMOTE_ID
 * right/wrong x HMAC on/off, one with GPG_DISABLE_SIG Y, GPG_FINGERPRINT_ID right or wrong (with and without
 * GPG_REMOTE_ID), GPG_IGNORE_SIG_VERIFY_ERROR Y/N for the stranger, and stanzas whose GPG variables come from an
 * {@code %include_keys} file: spad accepts exactly the packets fwknopd accepts, and no gpg-agent runs for spad's
 * GnuPG home. Then an Ed25519/Cv25519 server and client. The exceptions: a packet with an HMAC sent to a stanza
 * without one (spad refuses it, fwknopd's outcome depends on the MAC's bits), and fwknop's packets to a Cv25519
 * key, which fwknopd cannot read and spad can. Keys are made by gpg at test time.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GpgMatrixIT {
  private static final String HMAC_KEY = "gpg matrix hmac key";

  /**
   * One packet: the client that made it ({@code fwknop} or {@code spa}), its options, the allow IP naming it.
   *
   * @param request the client's options for the message: access to tcp/22, a NAT access or a command
   */
  record Packet(String client, boolean signed, boolean hmac, String allowIp, List<String> request,
      boolean stranger, boolean curve) {
    Packet(String client, boolean signed, boolean hmac, String allowIp, List<String> request) {
      this(client, signed, hmac, allowIp, request, false, false);
    }

    Packet(String client, boolean signed, boolean hmac, String allowIp, List<String> request, boolean stranger) {
      this(client, signed, hmac, allowIp, request, stranger, false);
    }

    @Override
    public String toString() {
      return client + " " + (signed ? "signed" : "unsigned") + (stranger ? " by stranger" : "") + (hmac ? "+hmac" : "")
          + (curve ? " Ed25519 to Cv25519" : "") + (request.equals(ACCESS) ? "" : " " + request.get(request.size() - 1));
    }
  }

  private static final List<String> ACCESS = List.of("-A", "tcp/22");

  /**
   * One stanza's settings.
   *
   * @param signer the stanza's signer lines in place of GPG_REMOTE_ID, or null, and {@code label} naming them
   */
  record Config(boolean requireSig, boolean disableSig, boolean rightRemoteId, boolean hmac, String signer,
      String label, boolean keyFile) {
    Config(boolean requireSig, boolean disableSig, boolean rightRemoteId, boolean hmac) {
      this(requireSig, disableSig, rightRemoteId, hmac, null, null, false);
    }

    /** A REQUIRE_SIG Y stanza without HMAC whose signer lines are {@code signer}. */
    static Config signer(String label, String signer) {
      return new Config(true, false, false, false, signer, label, false);
    }

    /** A stanza whose GnuPG variables (and HMAC key) all come from its {@code %include_keys} file. */
    static Config keyFile(String label, String signer, boolean hmac) {
      return new Config(true, false, true, hmac, signer, label, true);
    }

    @Override
    public String toString() {
      return label != null ? label : (disableSig ? "DISABLE_SIG Y" : "REQUIRE_SIG " + (requireSig ? "Y" : "N"))
          + ", REMOTE_ID " + (rightRemoteId ? "right" : "wrong") + ", HMAC " + (hmac ? "on" : "off");
    }
  }

  /** One cell of the matrix and what each server did. */
  record Cell(Config config, Packet packet, boolean fwknopd, boolean spad, String detail) {
    @Override
    public String toString() {
      return config + " / " + packet;
    }
  }

  private final Image image = Image.get();
  private final List<Cell> cells = new ArrayList<>();
  private GnupgHomes homes;

  @BeforeAll
  void runTheMatrix(@TempDir Path dir) throws Exception {
    homes = new GnupgHomes();
    GnupgHomes.Home server = homes.create(dir.resolve("server-gnupg"), "server", 2048, "server pass", false);
    GnupgHomes.Home client = homes.create(dir.resolve("client-gnupg"), "client", 3072, "", true);
    GnupgHomes.Home other = homes.create(dir.resolve("other-gnupg"), "other", 2048, "", false);
    GnupgHomes.Home stranger = homes.create(dir.resolve("stranger-gnupg"), "stranger", 2048, "", false);
    homes.trust(stranger, server); // the stranger knows the server's key; the server does not know the stranger's
    homes.trust(server, client);
    homes.trust(server, other);
    homes.trust(client, server);

    List<Packet> packets = new ArrayList<>();
    for (String tool : List.of("fwknop", "spa")) {
      for (boolean hmac : new boolean[] {false, true}) {
        for (boolean signed : new boolean[] {true, false}) {
          packets.add(new Packet(tool, signed, hmac, "198.18.0." + (packets.size() + 1), ACCESS));
        }
      }
      packets.add(new Packet(tool, true, false, "198.18.0." + (packets.size() + 1),
          List.of("-A", "tcp/22", "-N", "198.18.1.1:22")));
      packets.add(new Packet(tool, true, true, "198.18.0." + (packets.size() + 1), List.of("-C", "touch /tmp/x")));
      packets.add(new Packet(tool, true, false, "198.18.0." + (packets.size() + 1), ACCESS, true));
    }
    Map<Packet, String> wires = new LinkedHashMap<>();
    for (Packet p : packets) {
      wires.put(p, send(dir, server, p.stranger() ? stranger : client, p));
    }
    List<Config> configs = new ArrayList<>();
    for (boolean requireSig : new boolean[] {true, false}) {
      for (boolean right : new boolean[] {true, false}) {
        for (boolean hmac : new boolean[] {true, false}) {
          configs.add(new Config(requireSig, false, right, hmac));
        }
      }
    }
    configs.add(new Config(false, true, false, false));
    String rightId = client.signerFingerprint().substring(32);
    String strangerId = stranger.fingerprint().substring(32);
    configs.add(Config.signer("FINGERPRINT_ID right", "GPG_FINGERPRINT_ID " + client.signerFingerprint()));
    configs.add(Config.signer("REMOTE_ID right, FINGERPRINT_ID right",
        "GPG_REMOTE_ID " + rightId + "\nGPG_FINGERPRINT_ID " + client.signerFingerprint()));
    configs.add(Config.signer("REMOTE_ID right, FINGERPRINT_ID wrong",
        "GPG_REMOTE_ID " + rightId + "\nGPG_FINGERPRINT_ID " + other.fingerprint()));
    configs.add(Config.signer("REMOTE_ID stranger, IGNORE_SIG_VERIFY_ERROR Y",
        "GPG_REMOTE_ID " + strangerId + "\nGPG_IGNORE_SIG_VERIFY_ERROR Y"));
    configs.add(Config.signer("REMOTE_ID stranger, IGNORE_SIG_VERIFY_ERROR N",
        "GPG_REMOTE_ID " + strangerId + "\nGPG_IGNORE_SIG_VERIFY_ERROR N"));
    configs.add(Config.keyFile("%include_keys: GPG_* and HMAC", "GPG_REMOTE_ID " + rightId, true));
    configs.add(Config.keyFile("%include_keys: GPG_*, FINGERPRINT_ID, no HMAC",
        "GPG_FINGERPRINT_ID " + client.signerFingerprint() + "\nGPG_IGNORE_SIG_VERIFY_ERROR N", false));
    for (Config c : configs) {
      String signer = c.signer() != null ? c.signer()
          : "GPG_REMOTE_ID " + (c.rightRemoteId() ? client.signerFingerprint() : other.fingerprint()).substring(32);
      runConfig(Files.createDirectories(dir.resolve("c" + cells.size())), server, signer, c, wires);
    }
    curve25519(dir);
  }

  /**
   * A server with an Ed25519 key and a Cv25519 encryption subkey, a client with the same kinds: packets from both
   * clients, signed, with and without HMAC, to both servers.
   */
  private void curve25519(Path dir) throws Exception {
    GnupgHomes.Home server = homes.createCurve25519(dir.resolve("cv-server-gnupg"), "cvserver", "cv pass");
    GnupgHomes.Home client = homes.createCurve25519(dir.resolve("cv-client-gnupg"), "cvclient", "");
    homes.trust(server, client);
    homes.trust(client, server);
    Map<Packet, String> wires = new LinkedHashMap<>();
    int n = 0;
    for (String tool : List.of("fwknop", "spa")) {
      for (boolean hmac : new boolean[] {false, true}) {
        Packet p = new Packet(tool, true, hmac, "198.18.2." + ++n, ACCESS, false, true);
        wires.put(p, send(dir, server, client, p));
      }
    }
    for (boolean hmac : new boolean[] {false, true}) {
      runConfig(Files.createDirectories(dir.resolve("cv" + hmac)), server, "GPG_REMOTE_ID "
          + client.fingerprint().substring(32), new Config(true, false, true, hmac, null, "Cv25519 server, HMAC "
          + (hmac ? "on" : "off"), false), wires);
    }
  }

  @AfterAll
  void stopAgents() throws Exception {
    StringBuilder table = new StringBuilder("GnuPG matrix (client packet -> fwknopd / spad):\n");
    cells.forEach(c -> table.append(String.format("  %-46s %-22s fwknopd %-7s spad %s%n", c.config(), c.packet(),
        c.fwknopd() ? "accept" : "refuse", c.spad() ? "accept" : "refuse")));
    System.out.print(table);
    if (homes != null) {
      homes.close();
    }
  }

  List<Cell> cells() {
    return cells;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cells")
  void spadDecidesAsFwknopd(Cell c) {
    if (c.packet().curve() && c.packet().client().equals("fwknop") && c.packet().hmac() == c.config().hmac()) {
      // fwknop strips "hF", not "hQ", from these; fwknopd puts "hQ" back and cannot read them, spad tries both
      assertTrue(!c.fwknopd() && c.spad(), c::detail);
      return;
    }
    if (c.packet().hmac() && !c.config().hmac()) {
      // fwknopd hands the MAC to gpg as part of the message: whether gpg then fails depends on the MAC's bits
      // (seen both ways); spad always refuses a message with bytes after its last packet
      assertFalse(c.spad(), c::detail);
      return;
    }
    assertEquals(c.fwknopd(), c.spad(), () -> "fwknopd " + (c.fwknopd() ? "accepted" : "refused") + ", spad "
        + (c.spad() ? "accepted" : "refused") + "\n" + c.detail());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cells")
  void aSignedPacketFromTheAllowedSignerWithTheRightHmacIsAccepted(Cell c) {
    if ((c.packet().signed() && !c.packet().stranger() && c.config().rightRemoteId() || c.config().disableSig())
        && (c.config().signer() == null || c.config().keyFile())
        && !(c.packet().curve() && c.packet().client().equals("fwknop"))
        && c.packet().hmac() == c.config().hmac()) {
      assertTrue(c.fwknopd() && c.spad(), c.detail());
    }
    if (!c.packet().hmac() && c.config().hmac()) {
      assertTrue(!c.fwknopd() && !c.spad(), c.detail());
    }
  }

  /** Makes the packet with its client (which sends it to a port nobody reads) and returns its wire text. */
  private String send(Path dir, GnupgHomes.Home server, GnupgHomes.Home client, Packet p) throws Exception {
    Path program = p.client().equals("spa") ? image.spa() : Tools.require("fwknop", "fwknop-client");
    Path home = Files.createDirectories(dir.resolve(p.client() + "-" + p.allowIp()));
    Path out = home.resolve("packet");
    List<String> cmd = new ArrayList<>(List.of(program.toString(), "--no-save-args", "--no-rc-file"));
    cmd.addAll(p.request());
    cmd.addAll(List.of("-a", p.allowIp(), "-D", "127.0.0.1", "-p", "9", "--gpg-encryption", "--gpg-recipient-key",
        server.keyId(), "--gpg-home-dir", client.dir().toString(), "-B", out.toString()));
    if (p.signed()) {
      cmd.addAll(List.of("--gpg-signer-key", client.keyId(), "--gpg-no-signing-pw"));
    }
    if (p.hmac()) {
      cmd.addAll(List.of("--use-hmac", "--key-hmac", HMAC_KEY));
    }
    Run.Result r = Run.run(cmd, Map.of("HOME", home.toString()), home, Duration.ofSeconds(60));
    assertTrue(r.ok(), r::describe);
    return Files.readString(out).strip();
  }

  private void runConfig(Path dir, GnupgHomes.Home server, String signer, Config c, Map<Packet, String> wires)
      throws Exception {
    int fwPort = Tools.freeUdpPort();
    int spadPort = Tools.freeUdpPort();
    StringBuilder keys = new StringBuilder()
        .append("GPG_DECRYPT_ID ").append(server.keyId()).append('\n')
        .append("GPG_DECRYPT_PW ").append(server.passphrase()).append('\n')
        .append(c.disableSig() ? "GPG_DISABLE_SIG Y" : "GPG_REQUIRE_SIG " + (c.requireSig() ? "Y" : "N")).append('\n')
        .append(signer).append('\n');
    if (c.hmac()) {
      keys.append("HMAC_KEY ").append(HMAC_KEY).append('\n');
    }
    String stanza = "SOURCE ANY\nENABLE_CMD_EXEC Y\n";
    if (c.keyFile()) {
      stanza += "%include_keys " + FwknopFiles.write(dir.resolve("user.keys"), keys.toString()) + "\n";
    } else {
      stanza += keys;
    }
    Path accessConf = FwknopFiles.write(dir.resolve("access.conf"), stanza);
    // GPG_HOME_DIR comes from fwknopd.conf; spad gets a copy of the home without gpg-agent's sockets, so that an
    // agent started for it would show
    FwknopFiles fw = new FwknopFiles(FwknopFiles.write(dir.resolve("fwknopd.conf"), conf(fwPort, dir, server.dir())),
        accessConf);
    Path spadHome = GnupgHomes.copyWithoutSockets(server.dir(), dir.resolve("spad-gnupg"));
    Path spadConf = FwknopFiles.write(dir.resolve("spad-fwknopd.conf"), conf(spadPort, dir, spadHome));

    List<Packet> order = new ArrayList<>(wires.keySet());
    List<Fwknopd.Datagram> seen;
    String fwLog;
    try (Fwknopd d = Fwknopd.start(Files.createDirectories(dir.resolve("fwknopd")), fw, fwPort, order.size())) {
      for (Packet p : order) {
        send(fwPort, wires.get(p));
        Thread.sleep(150); // one datagram at a time, so the log tells them apart by order
      }
      if (!d.awaitExit(Duration.ofSeconds(60))) {
        fail("fwknopd did not exit after " + order.size() + " packets:\n" + d.log());
      }
      seen = d.datagrams();
      fwLog = d.log();
    }
    assertEquals(order.size(), seen.size(), fwLog);

    Path spadDir = Files.createDirectories(dir.resolve("spad"));
    Path events = spadDir.resolve("events.jsonl");
    Path err = spadDir.resolve("spad.err");
    Process spad = new ProcessBuilder(image.spad().toString(), "-t", "-U", "-C", String.valueOf(order.size()),
        "--log-format", "json", "-c", spadConf.toString(), "-a", accessConf.toString(),
        "-d", spadDir.resolve("digest.cache").toString(), "-p", spadDir.resolve("spad.pid").toString())
        .directory(spadDir.toFile()).redirectOutput(events.toFile()).redirectError(err.toFile())
        .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile())).start();
    try {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (!Tools.udpPortBound(spadPort)) {
        if (!spad.isAlive() || System.nanoTime() > deadline) {
          fail("spad did not start a UDP server on port " + spadPort + ":\n" + Files.readString(err));
        }
        Thread.sleep(20);
      }
      for (Packet p : order) {
        send(spadPort, wires.get(p));
      }
      spad.waitFor(60, TimeUnit.SECONDS);
    } finally {
      spad.destroy();
      spad.waitFor(5, TimeUnit.SECONDS);
    }
    List<String> sockets = GnupgHomes.sockets(spadHome);
    assertTrue(sockets.isEmpty(), "a gpg agent ran for spad's GnuPG home: " + sockets);
    List<String> spadEvents = Files.readAllLines(events).stream().filter(l -> l.startsWith("{")).toList();
    for (int i = 0; i < order.size(); i++) {
      Packet p = order.get(i);
      boolean fwAccepted = !seen.get(i).accepted().isEmpty();
      boolean spadAccepted = spadEvents.stream().anyMatch(e -> "accept".equals(JsonFields.get(e, "event"))
          && p.allowIp().equals(JsonFields.get(e, "allow")));
      String detail = "fwknopd:\n" + String.join("\n", seen.get(i).stanzas().stream()
          .flatMap(s -> s.lines().stream()).toList()) + "\nspad:\n" + String.join("\n", spadEvents)
          + "\n" + Files.readString(err);
      cells.add(new Cell(c, p, fwAccepted, spadAccepted, detail));
    }
  }

  private static String conf(int port, Path dir, Path gnupgHome) {
    return String.join("\n", "ENABLE_UDP_SERVER Y;", "UDPSERV_PORT " + port + ";", "ENABLE_SPA_PACKET_AGING N;",
        "ENABLE_IPT_FORWARDING Y;", "FWKNOP_RUN_DIR " + dir + ";", "GPG_HOME_DIR " + gnupgHome + ";", "");
  }

  private static void send(int port, String wire) throws IOException {
    byte[] b = wire.getBytes(StandardCharsets.US_ASCII);
    try (DatagramSocket s = new DatagramSocket()) {
      s.send(new DatagramPacket(b, b.length, InetAddress.getLoopbackAddress(), port));
    }
  }
}
