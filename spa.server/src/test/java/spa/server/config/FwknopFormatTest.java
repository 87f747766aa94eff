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
    Path f = write("fwknopd.conf", "DIGEST_FILE $FWKNOP_RUN_DIR/d.cache\nNFT_TABEL spa\n");
    Settings.Builder b = Settings.builder(f.toString());
    List<String> warnings = new ArrayList<>();
    FwknopFormat.parseServer(f, b, k -> k.equals("FWKNOP_RUN_DIR") ? "/run/x" : null, warnings::add);
    assertEquals("/run/x/d.cache", b.build().get("DIGEST_FILE").orElseThrow());
    assertEquals("spa", b.build().get("NFT_TABEL").orElseThrow()); // passed on, for a plugin that may know it
    assertEquals(1, warnings.size());
    assertTrue(warnings.get(0).contains(f + ":2: NFT_TABEL"), warnings.get(0));
  }

  @Test
  void serverConfLinesWithAnUnsetVariableOrNoValueAreIgnoredWithAWarning() throws Exception {
    Path f = write("fwknopd.conf", "\nDIGEST_FILE $NOPE/x\nPCAP_FILTER\nPCAP_INTF   \nMAX_SPA_PACKET_AGE 60\n");
    Settings.Builder b = Settings.builder(f.toString());
    List<String> warnings = new ArrayList<>();
    FwknopFormat.parseServer(f, b, k -> null, warnings::add);
    Settings s = b.build();
    assertEquals(java.util.Set.of("MAX_SPA_PACKET_AGE"), s.keys(), "only the line with a value is kept");
    assertEquals(List.of(f + ":2: DIGEST_FILE: refers to $NOPE, which is not set; line ignored",
        f + ":3: PCAP_FILTER: has no value; line ignored", f + ":4: PCAP_INTF: has no value; line ignored"), warnings);
  }

  @Test
  void accessStanzasStartAtSourceAndKeepTheirOrigins() throws Exception {
    Path f = write("access.conf", """
        KEY   ignored_before_source
        SOURCE              ANY
        OPEN_PORTS:         tcp/22, udp/53
        KEY                 a key with spaces; comment
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
    write("keys/ssh.keys", "KEY_BASE64 a2V5\nHMAC_KEY_BASE64 aG1hYw\n");
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
  @Test
  void relativeIncludesAreFoundInTheWorkingDirectoryFirstThenBesideTheIncludingFile() throws Exception {
    Path cwd = Path.of("").toAbsolutePath();
    // the same relative name in both places (under target/ of the working directory, the module's): the working
    // directory's file wins, as in fwknopd
    Path rel = Path.of("target", dir.getFileName().toString(), "x.conf");
    Path inCwd = cwd.resolve(rel);
    Files.createDirectories(inCwd.getParent());
    Files.writeString(inCwd, "SOURCE 1.1.1.1\nKEY k1\n");
    Files.setPosixFilePermissions(inCwd, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
    write("inc/" + rel, "SOURCE 2.2.2.2\nKEY k2\n");
    write("inc/beside.conf", "SOURCE 3.3.3.3\nKEY k3\n");
    Path main = write("inc/access.conf", "%include " + rel + "\n%include beside.conf\n");
    List<String> info = new ArrayList<>();
    FwknopFormat.Access a;
    try {
      a = FwknopFormat.parseAccess(main, w -> { }, info::add);
    } finally {
      Files.delete(inCwd);
      Files.delete(inCwd.getParent());
    }
    assertEquals(List.of("1.1.1.1", "3.3.3.3"),
        a.stanzas().stream().map(st -> st.settings().get("SOURCE").orElseThrow()).toList());
    assertEquals(2, info.size(), info.toString());
    assertTrue(info.get(0).startsWith(main + ":1: %include ") && info.get(0).contains("read " + inCwd)
        && info.get(0).endsWith("(relative to the working directory)"), info.get(0));
    assertTrue(info.get(1).contains("read " + dir.resolve("inc/beside.conf")) && info.get(1).contains("access.conf's directory"),
        info.get(1));

    Path nowhere = write("inc/n.conf", "%include_folder no/such/dir\n");
    ConfigException e = assertThrows(ConfigException.class, () -> FwknopFormat.parseAccess(nowhere, w -> { }));
    assertTrue(e.getMessage().contains(cwd.resolve("no/such/dir") + " (working directory) nor "
        + dir.resolve("inc/no/such/dir")), e.getMessage());
  }

  @Test
  void anUnusableKeyFileSkipsItsStanzaWithOneWarningAndTheOthersLoad() throws Exception {
    write("keys/empty", "");
    write("keys/change", "KEY_BASE64 __CHANGEME__\nHMAC_KEY_BASE64 aG1hYw==\n");
    write("keys/badb64", "KEY_BASE64 !!!notbase64\n");
    write("keys/novalue", "HMAC_KEY_BASE64 aG1hYw==\nKEY_BASE64\n");
    write("keys/other", "KEY k\nOPEN_PORTS tcp/1\n");
    String[][] cases = {{"missing", "%include_keys: no such file: "}, {"empty", "keys/empty: holds no keys"},
        {"change", "keys/change:1: KEY_BASE64: still holds the placeholder __CHANGEME__"},
        {"badb64", "keys/badb64:1: KEY_BASE64: not base64"}, {"novalue", "keys/novalue:2: KEY_BASE64: has no value"},
        {"other", "keys/other:2: OPEN_PORTS: not a key variable"}};
    for (String[] c : cases) {
      Path f = write("access.conf", "SOURCE 1.1.1.1\nNAME first\n%include_keys keys/" + c[0]
          + "\nOPEN_PORTS tcp/22\n\nSOURCE 2.2.2.2\nKEY k2\n");
      FwknopFormat.Access a = FwknopFormat.parseAccess(f, w -> { }, w -> { });
      assertEquals(List.of("2.2.2.2"), a.stanzas().stream().map(st -> st.settings().get("SOURCE").orElseThrow()).toList(),
          c[0]);
      assertEquals("#1", a.stanzas().get(0).name(), "numbering counts the stanzas used");
      assertEquals(1, a.skipped().size(), c[0]);
      String w = a.skipped().get(0);
      assertTrue(w.startsWith(f + ":3: %include_keys: ") && w.contains(c[1])
          && w.endsWith("the stanza 'first' at " + f + ":1 is skipped, the others are used"), w);
    }
    List<String> warnings = new ArrayList<>();
    Path f = write("access.conf", "SOURCE 1.1.1.1\n%include_keys keys/empty\n\nSOURCE 2.2.2.2\nKEY k2\n");
    assertEquals(1, FwknopFormat.parseAccess(f, warnings::add).size());
    assertEquals(1, warnings.size(), "the short form warns for each skipped stanza");
  }

  @Test
  void anIncludeInsideAStanzaAddsItsStanzasAfterItAndTheStanzaKeepsFilling() throws Exception {
    write("inner.conf", "FW_ACCESS_TIMEOUT 9\nSOURCE 5.5.5.5\nKEY k5\nFW_ACCESS_TIMEOUT 7\n");
    Path f = write("access.conf", "SOURCE 1.1.1.1\nKEY k1\n%include inner.conf\nHMAC_KEY h1\nREQUIRE_SOURCE_ADDRESS Y\n"
        + "\nSOURCE 6.6.6.6\nKEY k6\n");
    List<String> warnings = new ArrayList<>();
    List<StanzaConfig> st = FwknopFormat.parseAccess(f, warnings::add);
    assertEquals(List.of("1.1.1.1", "5.5.5.5", "6.6.6.6"),
        st.stream().map(s -> s.settings().get("SOURCE").orElseThrow()).toList());
    Settings outer = st.get(0).settings();
    assertEquals("h1", outer.get("HMAC_KEY").orElseThrow());
    assertEquals("Y", outer.get("REQUIRE_SOURCE_ADDRESS").orElseThrow());
    assertFalse(outer.has("FW_ACCESS_TIMEOUT"), "lines before the included file's first SOURCE do not reach the open stanza");
    assertEquals("7", st.get(1).settings().get("FW_ACCESS_TIMEOUT").orElseThrow());
    assertFalse(st.get(1).settings().has("HMAC_KEY"));
    assertEquals(1, warnings.size(), warnings.toString());
    assertTrue(warnings.get(0).contains("inner.conf:1: FW_ACCESS_TIMEOUT: ignored"), warnings.get(0));
  }

  @Test
  void aRawKeyEndingInBlanksKeepsThemWithAWarning() throws Exception {
    Path f = write("access.conf", "SOURCE ANY  \nKEY k1  \nHMAC_KEY h1 ;x\nOPEN_PORTS tcp/22  ;x\nKEY_BASE64 Zm9v  \n");
    List<String> warnings = new ArrayList<>();
    Settings s = FwknopFormat.parseAccess(f, warnings::add).get(0).settings();
    assertEquals("ANY", s.get("SOURCE").orElseThrow());
    assertEquals("k1  ", s.get("KEY").orElseThrow());
    assertEquals("h1 ", s.get("HMAC_KEY").orElseThrow());
    assertEquals("tcp/22", s.get("OPEN_PORTS").orElseThrow());
    assertEquals("Zm9v", s.get("KEY_BASE64").orElseThrow());
    assertEquals(List.of(f + ":2: KEY: ends in blanks, which are part of the key as in fwknopd",
        f + ":3: HMAC_KEY: ends in blanks, which are part of the key as in fwknopd"), warnings);
  }
}
