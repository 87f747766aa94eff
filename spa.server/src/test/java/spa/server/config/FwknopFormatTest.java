package spa.server.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import spa.core.ConfigException;
import spa.core.Settings;

class FwknopFormatTest {
  @TempDir
  Path dir;

  private Path write(String name, String text) throws Exception {
    Path p = dir.resolve(name);
    Files.createDirectories(p.getParent());
    Files.writeString(p, text);
    Files.setPosixFilePermissions(p, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
    return p; // owner-only, as fwknopd expects: no mode warning among the ones asserted
  }

  @Test
  void serverConfValuesStopAtSemicolonAndExpandEarlierVariables() throws Exception {
    Path f = write("fwknopd.conf", """
        # comment
        ; also a comment
        PCAP_INTF            eth1;   # trailing
        FWKNOP_RUN_DIR       /tmp/run
        DIGEST_FILE          $FWKNOP_RUN_DIR/digest.cache
          MAX_SPA_PACKET_AGE   60
        """);
    Settings.Builder b = Settings.builder(f.toString());
    List<String> warnings = new ArrayList<>();
    FwknopFormat.parseServer(f, b, k -> null, warnings::add);
    Settings s = b.build();
    assertEquals("eth1", s.get("PCAP_INTF").orElseThrow());
    assertEquals("/tmp/run/digest.cache", s.get("DIGEST_FILE").orElseThrow());
    assertEquals("60", s.get("MAX_SPA_PACKET_AGE").orElseThrow());
    assertEquals(f + ":3", s.origin("PCAP_INTF"));
    assertEquals(f + ":6", s.origin("MAX_SPA_PACKET_AGE"));
    assertTrue(warnings.isEmpty(), warnings.toString());
  }

  @Test
  void serverConfExpandsDefaultsAndWarnsOnUnknownVariables() throws Exception {
    Path f = write("fwknopd.conf", "DIGEST_FILE $FWKNOP_RUN_DIR/d.cache\nNFT_TABLE spa\n");
    Settings.Builder b = Settings.builder(f.toString());
    List<String> warnings = new ArrayList<>();
    FwknopFormat.parseServer(f, b, k -> k.equals("FWKNOP_RUN_DIR") ? "/run/x" : null, warnings::add);
    assertEquals("/run/x/d.cache", b.build().get("DIGEST_FILE").orElseThrow());
    assertEquals("spa", b.build().get("NFT_TABLE").orElseThrow());
    assertEquals(1, warnings.size());
    assertTrue(warnings.get(0).contains(f + ":2: NFT_TABLE"), warnings.get(0));
  }

  @Test
  void serverConfUnknownExpansionNamesFileLineAndKey() throws Exception {
    Path f = write("fwknopd.conf", "\nDIGEST_FILE $NOPE/x\n");
    ConfigException e = assertThrows(ConfigException.class,
        () -> FwknopFormat.parseServer(f, Settings.builder("x"), k -> null, w -> { }));
    assertEquals(f + ":2", e.origin());
    assertEquals("DIGEST_FILE", e.key());
  }

  @Test
  void accessStanzasStartAtSourceAndKeepTheirOrigins() throws Exception {
    Path f = write("access.conf", """
        KEY   ignored_before_source
        SOURCE              ANY
        OPEN_PORTS:         tcp/22, udp/53
        KEY                 a key with spaces ; comment
        HMAC_KEY            hmac
        FW_ACCESS_TIMEOUT   45

        SOURCE 10.0.0.0/8
        NAME   office
        KEY_BASE64 Zm9v
        """);
    List<String> warnings = new ArrayList<>();
    List<StanzaConfig> st = FwknopFormat.parseAccess(f, warnings::add);
    assertEquals(2, st.size());
    assertEquals("#1", st.get(0).name());
    assertEquals("office", st.get(1).name());
    Settings s = st.get(0).settings();
    assertEquals("ANY", s.get("SOURCE").orElseThrow());
    assertEquals("tcp/22, udp/53", s.get("OPEN_PORTS").orElseThrow());
    assertEquals("a key with spaces", s.get("KEY").orElseThrow());
    assertEquals(f + ":4", s.origin("KEY"));
    assertEquals(f + ":2", s.origin());
    assertEquals(1, warnings.size());
  }

  @Test
  void includesFoldersAndKeys() throws Exception {
    write("keys/ssh.keys", "KEY_BASE64 a2V5\nHMAC_KEY_BASE64 aG1hYw\nOPEN_PORTS tcp/1\n");
    write("conf.d/b.conf", "SOURCE 2.2.2.2\nKEY k2\n");
    write("conf.d/a.conf", "SOURCE 1.1.1.1\nKEY k1\n");
    write("conf.d/ignored.txt", "SOURCE 9.9.9.9\nKEY k9\n");
    write("more.conf", "SOURCE 3.3.3.3\n%include_keys keys/ssh.keys\n");
    Path main = write("access.conf", "%include_folder conf.d\n%include more.conf\n");
    List<StanzaConfig> st = FwknopFormat.parseAccess(main, w -> { });
    assertEquals(List.of("1.1.1.1", "2.2.2.2", "3.3.3.3"),
        st.stream().map(s -> s.settings().get("SOURCE").orElseThrow()).toList());
    Settings third = st.get(2).settings();
    assertEquals("a2V5", third.get("KEY_BASE64").orElseThrow());
    assertEquals("aG1hYw", third.get("HMAC_KEY_BASE64").orElseThrow());
    assertFalse(third.has("OPEN_PORTS"), "%include_keys reads key variables only");
    assertEquals(List.of("#1", "#2", "#3"), st.stream().map(StanzaConfig::name).toList());
  }

  @Test
  void badAccessFilesNameFileLineAndKey() throws Exception {
    Path f = write("access.conf", "SOURCE ANY\nKEY k\nOPEN_PROTS tcp/22\n");
    ConfigException e = assertThrows(ConfigException.class, () -> FwknopFormat.parseAccess(f, w -> { }));
    assertEquals(f + ":3", e.origin());
    assertEquals("OPEN_PROTS", e.key());

    Path keysFirst = write("k.conf", "%include_keys x\n");
    assertEquals("%include_keys",
        assertThrows(ConfigException.class, () -> FwknopFormat.parseAccess(keysFirst, w -> { })).key());

    Path missing = write("m.conf", "SOURCE ANY\n%include nowhere.conf\n");
    assertTrue(assertThrows(ConfigException.class, () -> FwknopFormat.parseAccess(missing, w -> { }))
        .toString().contains("nowhere.conf"));

    Path loop = write("loop.conf", "%include loop.conf\n");
    ConfigException deep = assertThrows(ConfigException.class, () -> FwknopFormat.parseAccess(loop, w -> { }));
    assertTrue(deep.getMessage().contains("deeper"), deep.getMessage());

    Path noValue = write("nv.conf", "SOURCE ANY\nKEY\n");
    ConfigException nv = assertThrows(ConfigException.class, () -> FwknopFormat.parseAccess(noValue, w -> { }));
    assertEquals(noValue + ":2", nv.origin());
  }
}
