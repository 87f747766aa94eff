package spa.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.module.Configuration;
import java.lang.module.ModuleFinder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import spa.core.EncryptionMode;
import spa.core.Settings;
import spa.core.SpaException;
import spa.core.SpaMessage;
import spa.core.codec.SpaCodec;
import spa.core.spi.Decryptor;

/**
 * Packets made by Debian's fwknop 2.6 client decrypt and decode in spa with the fields that were asked for:
 * the same matrix as {@link FwknopdAcceptsSpaIT}. The decryptor is the {@code aes} provider of the image's
 * lib/, loaded in a module layer the way spad loads it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SpaDecodesFwknopIT {
  private final Image image = Image.get();
  private Decryptor aes;
  private List<SpaCase> cases;
  private final Map<SpaCase, Run.Result> runs = new LinkedHashMap<>();
  private final Map<SpaCase, String> wires = new LinkedHashMap<>();
  private long started;

  @BeforeAll
  void makePacketsWithFwknop(@TempDir Path dir) throws Exception {
    aes = aesFromImage();
    cases = SpaCase.matrix(Keys.randomBase64(), Keys.randomPassphrases());
    Path fwknop = Tools.require("fwknop", "fwknop-client");
    started = Instant.now().getEpochSecond();
    int n = 0;
    for (SpaCase c : cases) {
      Path home = Files.createDirectories(dir.resolve("client-" + n++));
      Path packet = home.resolve("packet.txt");
      List<String> cmd = new ArrayList<>(List.of(fwknop.toString(), "--no-save-args", "--no-rc-file", "-T"));
      cmd.addAll(c.clientArgs());
      cmd.addAll(List.of("-B", packet.toString()));
      Run.Result r = Run.run(cmd, Map.of("HOME", home.toString()), home, Duration.ofSeconds(30));
      runs.put(c, r);
      wires.put(c, Files.exists(packet) ? Files.readString(packet).strip() : "");
    }
  }

  /**
   * The image's spa.cipher.aes in a child layer of this test's boot layer (which has spa.core, so the
   * {@link Decryptor} type is shared), and its aes Decryptor.
   */
  private Decryptor aesFromImage() {
    getClass().getModule().addUses(Decryptor.class);
    ModuleLayer boot = ModuleLayer.boot();
    Configuration cf = boot.configuration().resolve(ModuleFinder.of(), ModuleFinder.of(image.lib()),
        Set.of("spa.cipher.aes"));
    ModuleLayer layer = boot.defineModulesWithOneLoader(cf, ClassLoader.getSystemClassLoader());
    return ServiceLoader.load(layer, Decryptor.class).stream()
        .filter(p -> p.type().getModule().getLayer() == layer)
        .map(ServiceLoader.Provider::get)
        .filter(d -> d.name().equals("aes"))
        .findFirst().orElseThrow(() -> new AssertionError("no aes Decryptor in " + image.lib()));
  }

  List<SpaCase> cases() {
    return cases;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void spaDecodesTheFwknopPacket(SpaCase c) throws Exception {
    String wire = wireOf(c);
    SpaMessage m = SpaCodec.decode(aes.forStanza(stanza(c, c.mode())).decrypt(wire));
    Request q = c.request();
    assertEquals(q.type(), m.type());
    assertEquals(c.message(), m.message());
    assertEquals(q.natAccess(), m.natAccess());
    assertEquals(q.clientTimeout(), m.clientTimeout());
    assertEquals(Request.USER, m.user());
    assertEquals(c.hmac(), m.digestType());
    assertEquals(SpaMessage.PROTOCOL_VERSION, m.version());
    assertEquals(c.allowIp(), m.allowIp());
    assertTrue(m.timestamp() >= started - 5 && m.timestamp() <= Instant.now().getEpochSecond() + 5,
        () -> "timestamp " + m.timestamp());
    assertEquals(16, m.random().length());
  }

  @Test
  void otherKeysAreRefusedAsAuthFailures() throws Exception {
    SpaCase c = cases.get(0);
    String wire = wireOf(c);
    Keys other = Keys.randomBase64();
    SpaException wrongHmac = assertThrows(SpaException.class,
        () -> aes.forStanza(stanza(c.withKeys(other), c.mode())).decrypt(wire));
    assertEquals(SpaException.Kind.AUTH, wrongHmac.kind());
    SpaException wrongKey = assertThrows(SpaException.class,
        () -> aes.forStanza(stanza(c.withKeys(new Keys(other.key(), c.keys().hmacKey(), true)), c.mode())).decrypt(wire));
    assertEquals(SpaException.Kind.AUTH, wrongKey.kind());
  }

  @Test
  void anotherModeDoesNotDecrypt() throws Exception {
    SpaCase c = cases.stream().filter(x -> x.mode() == EncryptionMode.CTR && x.keys().base64()).findFirst().orElseThrow();
    String wire = wireOf(c);
    SpaException e = assertThrows(SpaException.class,
        () -> SpaCodec.decode(aes.forStanza(stanza(c, EncryptionMode.CBC)).decrypt(wire)));
    assertNotNull(e.getMessage());
  }

  @Test
  void aTamperedPacketIsRefused() throws Exception {
    SpaCase c = cases.get(0);
    String wire = wireOf(c);
    char[] w = wire.toCharArray();
    w[20] = w[20] == 'A' ? 'B' : 'A';
    SpaException e = assertThrows(SpaException.class,
        () -> aes.forStanza(stanza(c, c.mode())).decrypt(new String(w)));
    assertEquals(SpaException.Kind.AUTH, e.kind());
  }

  private String wireOf(SpaCase c) {
    Run.Result r = runs.get(c);
    assertEquals(0, r.exitCode(), r::describe);
    String wire = wires.get(c);
    assertTrue(!wire.isEmpty(), () -> "fwknop saved no packet:\n" + r.describe());
    return wire;
  }

  /** An access stanza for the case's keys and HMAC, decrypting in {@code mode}. */
  private static Settings stanza(SpaCase c, EncryptionMode mode) {
    Map<String, String> v = new LinkedHashMap<>(c.keys().stanzaVariables());
    v.put("HMAC_DIGEST_TYPE", c.hmac().fwknopName());
    v.put("ENCRYPTION_MODE", mode.name().toLowerCase(Locale.ROOT));
    v.put("SOURCE", "ANY");
    return Settings.of(v, "test stanza for " + c);
  }
}
