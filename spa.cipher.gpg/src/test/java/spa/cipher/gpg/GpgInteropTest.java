package spa.cipher.gpg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import spa.core.ConfigException;
import spa.core.DigestType;
import spa.core.MessageType;
import spa.core.Settings;
import spa.core.SpaException;
import spa.core.SpaMessage;
import spa.core.codec.SpaCodec;
import spa.core.spi.Decryptor;
import spa.test.support.GnupgHomes;
import spa.test.support.Required;

/**
 * Keys made by Debian's gpg; packets from Debian's fwknop client opened here, and packets sealed here opened by
 * gpg and here. Signature rules and refusal codes as the stanza settings say.
 */
class GpgInteropTest {
  @TempDir static Path dir;
  static GnupgHomes homes;
  static GnupgHomes.Home server;
  static GnupgHomes.Home client;
  static GnupgHomes.Home stranger;

  @BeforeAll
  static void makeKeys() throws Exception {
    homes = new GnupgHomes();
    server = homes.create(dir.resolve("server"), "server", 2048, "server pass", false);
    client = homes.create(dir.resolve("client"), "client", 3072, "", true);
    stranger = homes.create(dir.resolve("stranger"), "stranger", 2048, "", false);
    homes.trust(server, client);
    homes.trust(client, server);
    homes.trust(stranger, server);
  }

  @AfterAll
  static void stopAgents() throws Exception {
    if (homes != null) {
      homes.close();
    }
  }

  static Settings settings(String... kv) {
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      if (kv[i + 1] != null) {
        m.put(kv[i], kv[i + 1]);
      }
    }
    return Settings.of(m, "access.conf");
  }

  static Settings stanza(String... extra) {
    List<String> kv = new ArrayList<>(List.of("GPG_HOME_DIR", server.dir().toString(), "GPG_DECRYPT_ID",
        server.keyId(), "GPG_DECRYPT_PW", server.passphrase()));
    kv.addAll(List.of(extra));
    return settings(kv.toArray(String[]::new));
  }

  static Decryptor.Keyed opener(Settings s) throws ConfigException {
    return new GpgDecryptor().forStanza(s);
  }

  static String message() throws SpaException {
    return SpaCodec.encode(new SpaMessage(SpaCodec.randomValue(), "alice", System.currentTimeMillis() / 1000,
        SpaMessage.PROTOCOL_VERSION, MessageType.ACCESS, "198.18.0.7,tcp/22", null, null, 0, DigestType.SHA256));
  }

  static String seal(GnupgHomes.Home from, boolean sign, String... extra) throws Exception {
    List<String> kv = new ArrayList<>(List.of("USE_GPG", "Y", "GPG_HOMEDIR", from.dir().toString(), "GPG_RECIPIENT",
        server.keyId()));
    if (sign) {
      kv.addAll(List.of("GPG_SIGNER", from.keyId(), "GPG_NO_SIGNING_PW", "Y"));
    }
    kv.addAll(List.of(extra));
    return new GpgEncryptor().forKeys(settings(kv.toArray(String[]::new))).encrypt(message());
  }

  /** One packet from Debian's fwknop client in GnuPG mode, as it goes on the wire. */
  static String fwknopPacket(GnupgHomes.Home from, boolean sign, String... extra) throws Exception {
    return fwknopPacket(from, server.keyId(), sign, extra);
  }

  /** One packet from Debian's fwknop client to {@code recipient}. */
  static String fwknopPacket(GnupgHomes.Home from, String recipient, boolean sign, String... extra)
      throws Exception {
    Path fwknop = Required.programs("fwknop");
    Path home = Files.createDirectories(dir.resolve("fwknop-home"));
    Path out = home.resolve("packet");
    Files.deleteIfExists(out);
    List<String> cmd = new ArrayList<>(List.of(fwknop.toString(), "--no-save-args", "--no-rc-file", "-A", "tcp/22",
        "-a", "198.18.0.7", "-D", "127.0.0.1", "-p", "9", "--gpg-encryption", "--gpg-recipient-key", recipient,
        "--gpg-home-dir", from.dir().toString(), "-B", out.toString()));
    if (sign) {
      cmd.addAll(List.of("--gpg-signer-key", from.keyId(), "--gpg-no-signing-pw"));
    }
    cmd.addAll(List.of(extra));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(home.resolve("log").toFile())
        .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
    pb.environment().put("HOME", home.toString());
    Process p = pb.start();
    assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, () -> read(home.resolve("log")));
    return Files.readString(out).strip();
  }

  private static String read(Path p) {
    try {
      return Files.readString(p);
    } catch (java.io.IOException e) {
      return e.toString();
    }
  }

  static String remoteId() {
    return client.signerFingerprint().substring(32);
  }

  @Test
  void fwknopsSignedPacketOpensWithTheSignerNamed() throws Exception {
    Decryptor.Opened o = open(opener(stanza("GPG_REMOTE_ID", remoteId())), fwknopPacket(client, true));
    assertNotNull(o);
    assertEquals(client.signerFingerprint(), o.signer());
    assertEquals("198.18.0.7,tcp/22", SpaCodec.decode(o.plaintext()).message());
  }

  @Test
  void fwknopsPacketWithHmacOpens() throws Exception {
    String hmac = "gpg hmac key";
    String wire = fwknopPacket(client, true, "--use-hmac", "--key-hmac", hmac);
    Decryptor.Opened o = open(opener(stanza("GPG_REMOTE_ID", remoteId(), "HMAC_KEY", hmac)), wire);
    assertNotNull(o);
    assertNull(open(opener(stanza("GPG_REMOTE_ID", remoteId(), "HMAC_KEY", "another key")), wire));
    // without an HMAC key the MAC is taken for part of the message, which then has bytes after its end
    assertNull(open(opener(stanza("GPG_REMOTE_ID", remoteId())), wire));
  }

  @Test
  void spasPacketOpensHereAndInGpg() throws Exception {
    String wire = seal(client, true);
    assertTrue(wire.length() > 400, wire);
    Decryptor.Opened o = open(opener(stanza("GPG_FINGERPRINT_ID", client.signerFingerprint())), wire);
    assertEquals(client.signerFingerprint(), o.signer());
    Path bin = dir.resolve("spa.gpg");
    Files.write(bin, java.util.Base64.getDecoder().decode(pad(GpgWire.PREFIX + wire)));
    Path status = dir.resolve("status");
    String clear = homes.gpg(server.dir(), "--pinentry-mode", "loopback", "--passphrase", server.passphrase(),
        "--status-file", status.toString(), "--decrypt", bin.toString());
    assertEquals(SpaCodec.decode(o.plaintext()).message(), SpaCodec.decode(clear).message());
    assertTrue(Files.readString(status).contains("[GNUPG:] VALIDSIG " + client.signerFingerprint()),
        Files.readString(status));
  }

  @Test
  void spasPacketWithHmacOpens() throws Exception {
    String wire = seal(client, true, "HMAC_KEY_BASE64", "c2VjcmV0IGhtYWMga2V5", "HMAC_DIGEST_TYPE", "sha512");
    assertNotNull(open(opener(stanza("GPG_REMOTE_ID", remoteId(), "HMAC_KEY_BASE64", "c2VjcmV0IGhtYWMga2V5",
        "HMAC_DIGEST_TYPE", "sha512")), wire));
    assertNull(open(opener(stanza("GPG_REMOTE_ID", remoteId(), "HMAC_KEY_BASE64", "c2VjcmV0IGhtYWMga2V5")), wire));
  }

  @Test
  void unsignedPacketIsRefusedWhileSignaturesAreRequired() throws Exception {
    String wire = fwknopPacket(client, false);
    assertEquals("gpg-no-sig", refusal(opener(stanza("GPG_REMOTE_ID", remoteId())), wire));
    // as fwknopd 2.6.10 does: GPG_REQUIRE_SIG N still checks signatures, only GPG_DISABLE_SIG Y does not
    assertEquals("gpg-no-sig", refusal(opener(stanza("GPG_REQUIRE_SIG", "N", "GPG_REMOTE_ID", remoteId())), wire));
    assertNotNull(open(opener(stanza("GPG_DISABLE_SIG", "Y")), wire));
  }

  @Test
  void otherSignerIsRefused() throws Exception {
    String wire = seal(stranger, true);
    // the stranger's key is not in the server's home: its signature cannot be verified
    assertEquals("gpg-bad-sig", refusal(opener(stanza("GPG_REMOTE_ID", remoteId())), wire));
    assertEquals("gpg-signer", refusal(opener(stanza("GPG_REMOTE_ID", remoteId(), "GPG_IGNORE_SIG_VERIFY_ERROR",
        "Y")), wire));
    assertEquals("gpg-signer", refusal(opener(stanza("GPG_REMOTE_ID", "DEADBEEF")), seal(client, true)));
    // let pass unverified, the signer is the issuer fingerprint the signature carries, matched by either list
    Decryptor.Opened ignored = open(opener(stanza("GPG_REMOTE_ID", stranger.fingerprint().substring(32),
        "GPG_IGNORE_SIG_VERIFY_ERROR", "Y")), wire);
    assertEquals(stranger.fingerprint(), ignored.signer());
    assertNotNull(open(opener(stanza("GPG_FINGERPRINT_ID", stranger.fingerprint(), "GPG_IGNORE_SIG_VERIFY_ERROR",
        "Y")), wire));
  }

  @Test
  void packetForAnotherKeyIsNotForThisStanza() throws Exception {
    Settings other = settings("GPG_HOME_DIR", client.dir().toString(), "GPG_DECRYPT_ID", client.keyId(),
        "GPG_ALLOW_NO_PW", "Y", "GPG_DISABLE_SIG", "Y");
    assertNull(open(opener(other), seal(client, true)));
  }

  @Test
  void tamperedPacketIsRefused() throws Exception {
    String wire = seal(client, true);
    int i = wire.length() - 40;
    String bad = wire.substring(0, i) + (wire.charAt(i) == 'A' ? 'B' : 'A') + wire.substring(i + 1);
    assertEquals("gpg-decrypt", refusal(opener(stanza("GPG_REMOTE_ID", remoteId())), bad));
  }

  @Test
  void wrongOrMissingPassphraseStopsStartUpNamingTheKey() throws Exception {
    ConfigException wrong = assertThrows(ConfigException.class, () -> opener(settings("GPG_HOME_DIR",
        server.dir().toString(), "GPG_DECRYPT_ID", server.keyId(), "GPG_DECRYPT_PW", "not it", "GPG_DISABLE_SIG", "Y")));
    assertEquals("GPG_DECRYPT_PW", wrong.key(), wrong.toString());
    ConfigException none = assertThrows(ConfigException.class, () -> opener(settings("GPG_HOME_DIR",
        server.dir().toString(), "GPG_DECRYPT_ID", server.keyId(), "GPG_ALLOW_NO_PW", "Y", "GPG_DISABLE_SIG", "Y")));
    assertTrue(none.getMessage().contains("passphrase"), none.toString());
    ConfigException badId = assertThrows(ConfigException.class, () -> opener(stanza("GPG_DECRYPT_ID", "0123ABCD")));
    assertEquals("GPG_DECRYPT_ID", badId.key(), badId.toString());
    ConfigException noSigner = assertThrows(ConfigException.class, () -> opener(stanza()));
    assertEquals("GPG_REMOTE_ID", noSigner.key(), noSigner.toString());
    // as fwknopd 2.6.10 (measured): GPG_REQUIRE_SIG N does not lift the need for an allowed signer
    assertEquals("GPG_REMOTE_ID", assertThrows(ConfigException.class,
        () -> opener(stanza("GPG_REQUIRE_SIG", "N"))).key());
    assertNotNull(opener(stanza("GPG_DISABLE_SIG", "Y")));
    // fwknopd compares GPG_REMOTE_ID with the signer's 8-digit id as text: a longer id would never match
    ConfigException longId = assertThrows(ConfigException.class,
        () -> opener(stanza("GPG_REMOTE_ID", client.signerFingerprint().substring(24))));
    assertTrue(longId.getMessage().contains("would never match"), longId.toString());
  }

  @Test
  void unprotectedKeyAndExportedKeyFilesWork() throws Exception {
    Settings s = settings("GPG_HOME_DIR", client.dir().toString(), "GPG_DECRYPT_ID", client.keyId(),
        "GPG_ALLOW_NO_PW", "Y", "GPG_DISABLE_SIG", "Y");
    assertNotNull(opener(s));
    Path asc = dir.resolve("server-secret.asc");
    Files.writeString(asc, homes.gpg(server.dir(), "--pinentry-mode", "loopback", "--passphrase", server.passphrase(),
        "--armor", "--export-secret-keys", server.fingerprint()));
    Decryptor.Keyed fromFile = opener(settings("GPG_HOME_DIR", asc.toString(), "GPG_DECRYPT_ID", server.keyId(),
        "GPG_DECRYPT_PW", server.passphrase(), "GPG_DISABLE_SIG", "Y"));
    assertNotNull(open(fromFile, seal(client, false)));
  }

  @Test
  void olderHomeWithPubringAndSecringGpgWorks() throws Exception {
    // a GnuPG 1.x home: binary keyrings, no pubring.kbx, no private-keys-v1.d
    Path old = Files.createDirectories(dir.resolve("gnupg1"));
    homes.gpg(server.dir(), "--output", old.resolve("pubring.gpg").toString(), "--export", server.fingerprint(),
        client.fingerprint());
    homes.gpg(server.dir(), "--pinentry-mode", "loopback", "--passphrase", server.passphrase(), "--output",
        old.resolve("secring.gpg").toString(), "--export-secret-keys", server.fingerprint());
    Decryptor.Keyed keyed = opener(settings("GPG_HOME_DIR", old.toString(), "GPG_DECRYPT_ID", server.keyId(),
        "GPG_DECRYPT_PW", server.passphrase(), "GPG_REMOTE_ID", remoteId()));
    Decryptor.Opened o = open(keyed, fwknopPacket(client, true));
    assertNotNull(o);
    assertEquals(client.signerFingerprint(), o.signer());
    assertThrows(ConfigException.class, () -> opener(settings("GPG_HOME_DIR", old.toString(), "GPG_DECRYPT_ID",
        server.keyId(), "GPG_DECRYPT_PW", "wrong", "GPG_REMOTE_ID", remoteId())));
  }

  @Test
  void ed25519SignerWorksBetweenSpaAndSpad() throws Exception {
    GnupgHomes.Home cli = homes.createCurve25519(dir.resolve("ed-client"), "edclient", "ed pass");
    homes.trust(server, cli);
    homes.trust(cli, server);
    // the keygrips (file names in private-keys-v1.d) of Ed25519 and Curve25519 keys are gpg's own
    String listing = homes.gpg(cli.dir(), "--with-keygrip", "--with-colons", "--list-keys", cli.fingerprint());
    for (var k : Keyring.read(cli.dir()).find(cli.keyId()).orElseThrow()) {
      assertTrue(listing.contains("grp:::::::::" + SecretKeys.keygrip(k) + ":"), listing);
    }
    String wire = new GpgEncryptor().forKeys(settings("USE_GPG", "Y", "GPG_HOMEDIR", cli.dir().toString(),
        "GPG_RECIPIENT", server.keyId(), "GPG_SIGNER", cli.keyId(), "GPG_SIGNING_PW", cli.passphrase()))
        .encrypt(message());
    Decryptor.Opened o = open(opener(stanza("GPG_FINGERPRINT_ID", cli.fingerprint())), wire);
    assertNotNull(o);
    assertEquals(cli.fingerprint(), o.signer());
  }



  @Test
  void curve25519ServerKeyOpensSpasAndFwknopsPackets() throws Exception {
    GnupgHomes.Home srv = homes.createCurve25519(dir.resolve("cv-server"), "cvserver", "cv pass");
    GnupgHomes.Home cli = homes.createCurve25519(dir.resolve("cv-client"), "cvclient", "");
    homes.trust(srv, cli);
    homes.trust(cli, srv);
    Settings stanza = settings("GPG_HOME_DIR", srv.dir().toString(), "GPG_DECRYPT_ID", srv.keyId(),
        "GPG_DECRYPT_PW", srv.passphrase(), "GPG_REMOTE_ID", cli.fingerprint().substring(32));
    Decryptor.Keyed opener = opener(stanza);
    String wire = new GpgEncryptor().forKeys(settings("USE_GPG", "Y", "GPG_HOMEDIR", cli.dir().toString(),
        "GPG_RECIPIENT", srv.keyId(), "GPG_SIGNER", cli.keyId(), "GPG_NO_SIGNING_PW", "Y")).encrypt(message());
    assertEquals(cli.fingerprint(), open(opener, wire).signer());
    // fwknop's client strips "hF" from these packets, not "hQ": spad tries the prefixes a Cv25519 packet has
    String fromFwknop = fwknopPacket(cli, srv.keyId(), true);
    assertEquals(cli.fingerprint(), open(opener, fromFwknop).signer());
    String hmac = "cv hmac key";
    String withMac = fwknopPacket(cli, srv.keyId(), true, "--use-hmac", "--key-hmac", hmac);
    assertNotNull(open(opener(settings("GPG_HOME_DIR", srv.dir().toString(), "GPG_DECRYPT_ID", srv.keyId(),
        "GPG_DECRYPT_PW", srv.passphrase(), "GPG_REMOTE_ID", cli.fingerprint().substring(32), "HMAC_KEY", hmac)),
        withMac));
    ConfigException wrong = assertThrows(ConfigException.class, () -> opener(settings("GPG_HOME_DIR",
        srv.dir().toString(), "GPG_DECRYPT_ID", srv.keyId(), "GPG_DECRYPT_PW", "not it", "GPG_DISABLE_SIG", "Y")));
    assertEquals("GPG_DECRYPT_PW", wrong.key(), wrong.toString());
    assertTrue(wrong.getMessage().contains("wrong passphrase"), wrong.toString());
  }

  static Decryptor.Opened open(Decryptor.Keyed k, String wire) throws SpaException {
    byte[] b = wire.getBytes(StandardCharsets.US_ASCII);
    return k.open(b, 0, b.length);
  }

  static String refusal(Decryptor.Keyed k, String wire) {
    SpaException e = assertThrows(SpaException.class, () -> open(k, wire));
    assertEquals(SpaException.Kind.REFUSED, e.kind(), e.getMessage());
    return e.code();
  }

  static String pad(String b64) {
    return b64 + "==".substring(0, (4 - b64.length() % 4) % 4);
  }
}
