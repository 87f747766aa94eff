package spa.cipher.aes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static spa.cipher.aes.Fixtures.decryptor;
import static spa.cipher.aes.Fixtures.settings;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import spa.test.support.Required;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import spa.core.DigestType;
import spa.core.MessageType;
import spa.core.ProtoPort;
import spa.core.Settings;
import spa.core.SpaException;
import spa.core.SpaMessage;
import spa.core.codec.SpaCodec;

/** Packets built at test time by the real fwknop client (Debian 2.6.10) decrypt and decode here. */
class FwknopInteropTest {
  private static final Path FWKNOP = Path.of("/usr/bin/fwknop");
  private static final String KEY = "fwknop key 1";
  private static final String HMAC = "fwknop hmac key";
  private static final String KEY_B64 = Base64.getEncoder().encodeToString(RoundTripTest.bytes(32, 5));
  private static final String HMAC_B64 = Base64.getEncoder().encodeToString(RoundTripTest.bytes(128, 9));

  @BeforeAll
  static void needsFwknop() {
    Required.that(Files.isExecutable(FWKNOP), "Debian's fwknop-client (" + FWKNOP + ")");
  }

  /**
   * One client run and the stanza that must accept it.
   *
   * @param mode fwknop -M value
   * @param hmac HMAC digest, or null for none
   * @param base64Keys use the base64 key options (a 32-byte key with NUL-free binary bytes, a 128-byte HMAC key)
   * @param digest fwknop -m value
   * @param extra further client options
   * @param type expected message type
   */
  record Case(String mode, DigestType hmac, boolean base64Keys, DigestType digest, List<String> extra, MessageType type) {
    @Override
    public String toString() {
      return mode + " hmac=" + (hmac == null ? "none" : hmac.fwknopName()) + (base64Keys ? " b64-keys" : "")
          + " digest=" + digest.fwknopName() + " " + String.join(" ", extra);
    }

    Settings stanza() {
      return settings(base64Keys ? "KEY_BASE64" : "KEY", base64Keys ? KEY_B64 : KEY,
          base64Keys ? "HMAC_KEY_BASE64" : "HMAC_KEY", hmac == null ? null : base64Keys ? HMAC_B64 : HMAC,
          "HMAC_DIGEST_TYPE", hmac == null ? null : hmac.fwknopName().toUpperCase(java.util.Locale.ROOT),
          "ENCRYPTION_MODE", mode);
    }
  }

  static List<Case> cases() {
    List<Case> c = new ArrayList<>();
    List<String> none = List.of();
    // every mode with two HMAC types (or none), a few key and message variants on top
    c.add(new Case("cbc", DigestType.SHA256, false, DigestType.SHA256, none, MessageType.ACCESS));
    c.add(new Case("cbc", DigestType.MD5, true, DigestType.SHA1, none, MessageType.ACCESS));
    c.add(new Case("cbc", null, false, DigestType.MD5, none, MessageType.ACCESS));
    c.add(new Case("ecb", DigestType.SHA1, false, DigestType.SHA256, none, MessageType.ACCESS));
    c.add(new Case("ecb", DigestType.SHA3_512, true, DigestType.SHA384, none, MessageType.ACCESS));
    c.add(new Case("cfb", DigestType.SHA384, false, DigestType.SHA512, none, MessageType.ACCESS));
    c.add(new Case("cfb", null, true, DigestType.SHA256, none, MessageType.ACCESS));
    c.add(new Case("ofb", DigestType.SHA512, false, DigestType.SHA3_256, none, MessageType.ACCESS));
    c.add(new Case("ofb", DigestType.MD5, false, DigestType.SHA256, List.of("-C", "touch /tmp/x"), MessageType.COMMAND));
    c.add(new Case("ctr", DigestType.SHA3_256, false, DigestType.SHA256, none, MessageType.ACCESS));
    c.add(new Case("ctr", DigestType.SHA512, true, DigestType.SHA3_512,
        List.of("-N", "192.168.1.2:22", "-f", "60"), MessageType.CLIENT_TIMEOUT_NAT_ACCESS));
    c.add(new Case("cbc", DigestType.SHA256, false, DigestType.SHA256, List.of("-f", "45"),
        MessageType.CLIENT_TIMEOUT_ACCESS));
    c.add(new Case("cbc", DigestType.SHA256, false, DigestType.SHA256, List.of("-A", "tcp/22", "--nat-local", "--nat-port", "2222"),
        MessageType.LOCAL_NAT_ACCESS));
    c.add(new Case("legacy", null, false, DigestType.SHA256, none, MessageType.ACCESS));
    return c;
  }

  static String fwknopPacket(Case c, Path home) throws Exception {
    Path out = home.resolve("packet");
    List<String> argv = new ArrayList<>(List.of(FWKNOP.toString(), "-a", "10.0.0.5", "-D", "127.0.0.1", "-U", "alice",
        "-M", c.mode(), "-m", c.digest().fwknopName(), "-T", "-B", out.toString(), "--no-save-args", "--no-rc-file"));
    if (!c.extra().contains("-C") && !c.extra().contains("-A")) {
      argv.addAll(List.of("-A", "tcp/22,udp/53"));
    }
    argv.addAll(c.base64Keys() ? List.of("--key-base64-rijndael", KEY_B64) : List.of("--key-rijndael", KEY));
    if (c.hmac() != null) {
      argv.addAll(List.of("--use-hmac", "--hmac-digest-type", c.hmac().fwknopName()));
      argv.addAll(c.base64Keys() ? List.of("--key-base64-hmac", HMAC_B64) : List.of("--key-hmac", HMAC));
    }
    argv.addAll(c.extra());
    Fixtures.Run r = Fixtures.run(argv, null, home);
    assertEquals(0, r.exit(), "fwknop " + c + ": " + r.out() + r.stderr());
    return Files.readString(out, StandardCharsets.US_ASCII).trim();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void realClientPacketsDecryptAndDecode(Case c, @TempDir Path home) throws Exception {
    String wire = fwknopPacket(c, home);
    long now = System.currentTimeMillis() / 1000;
    SpaMessage m = SpaCodec.decode(decryptor(c.stanza()).decrypt(wire));

    assertEquals(c.type(), m.type());
    assertEquals("alice", m.user());
    assertEquals("10.0.0.5", m.allowIp());
    assertEquals(c.digest(), m.digestType());
    assertTrue(Math.abs(m.timestamp() - now) < 300, "timestamp " + m.timestamp() + " vs " + now);
    assertEquals(SpaMessage.PROTOCOL_VERSION, m.version());
    switch (c.type()) {
      case COMMAND -> assertEquals("touch /tmp/x", m.command());
      case CLIENT_TIMEOUT_NAT_ACCESS -> {
        assertEquals("192.168.1.2,22", m.natAccess());
        assertEquals(60, m.clientTimeout());
      }
      case CLIENT_TIMEOUT_ACCESS -> assertEquals(45, m.clientTimeout());
      case LOCAL_NAT_ACCESS -> assertEquals("127.0.0.1,22", m.natAccess());
      default -> {
        assertNull(m.natAccess());
        assertEquals(0, m.clientTimeout());
      }
    }
    if (c.type() == MessageType.LOCAL_NAT_ACCESS) {
      assertEquals(List.of(new ProtoPort("tcp", 2222)), m.access()); // fwknop asks for the --nat-port
    } else if (!c.type().isCommand()) {
      assertEquals(List.of(new ProtoPort("tcp", 22), new ProtoPort("udp", 53)), m.access());
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void realClientPacketsFailUnderAStanzaWithAnotherMode(Case c, @TempDir Path home) throws Exception {
    String wire = fwknopPacket(c, home);
    String other = c.mode().equals("ctr") ? "ofb" : "ctr";
    Settings stanza = settings("KEY", c.base64Keys() ? null : KEY, "KEY_BASE64", c.base64Keys() ? KEY_B64 : null,
        c.base64Keys() ? "HMAC_KEY_BASE64" : "HMAC_KEY", c.hmac() == null ? null : c.base64Keys() ? HMAC_B64 : HMAC,
        "HMAC_DIGEST_TYPE", c.hmac() == null ? null : c.hmac().fwknopName(), "ENCRYPTION_MODE", other);
    SpaException e = assertThrows(SpaException.class, () -> SpaCodec.decode(decryptor(stanza).decrypt(wire)));
    assertEquals(SpaException.Kind.AUTH, e.kind(), e.getMessage());
  }

  @org.junit.jupiter.api.Test
  void legacyClientCutsALongKeyTo16BytesLikeTheServer(@TempDir Path home) throws Exception {
    Path out = home.resolve("packet");
    Fixtures.Run r = Fixtures.run(List.of(FWKNOP.toString(), "-A", "tcp/22", "-a", "10.0.0.5", "-D", "127.0.0.1",
        "-M", "legacy", "--key-rijndael", "12345678901234567890", "-T", "-B", out.toString(), "--no-save-args",
        "--no-rc-file"), null, home);
    assertEquals(0, r.exit(), r.stderr());
    String wire = Files.readString(out).trim();
    assertEquals("10.0.0.5", SpaCodec.decode(decryptor(settings("KEY", "12345678901234567890",
        "ENCRYPTION_MODE", "legacy")).decrypt(wire)).allowIp());
    assertTrue(r.out().contains("truncating") || r.stderr().contains("truncating"), r.out() + r.stderr());
  }
}
