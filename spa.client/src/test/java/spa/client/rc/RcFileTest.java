package spa.client.rc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import spa.core.ConfigException;
import spa.core.Settings;

class RcFileTest {

  private static RcFile parse(String... lines) throws ConfigException {
    return RcFile.parse("rc", List.of(lines));
  }

  @Test
  void readsStanzasAndValuesAsFwknopDoes() throws Exception {
    RcFile rc = parse(
        "# comment",
        "[default]",
        "DIGEST_TYPE: md5",
        "",
        "  ; also a comment",
        "[ssh]",
        "  SPA_SERVER\t1.2.3.4",
        "ACCESS tcp/22;trailing",
        "ALLOW_IP 10.2.2.2 # why",
        "KEY:abc def",
        "use_hmac Y");
    assertEquals(List.of("default", "ssh"), List.copyOf(rc.stanzas().keySet()));
    Settings ssh = rc.stanza("ssh").orElseThrow();
    assertEquals("1.2.3.4", ssh.get("SPA_SERVER").orElseThrow());
    assertEquals("tcp/22", ssh.get("ACCESS").orElseThrow());
    assertEquals("10.2.2.2", ssh.get("ALLOW_IP").orElseThrow());
    assertEquals("abc", ssh.get("KEY").orElseThrow(), "the value stops at a space");
    assertEquals("Y", ssh.get("USE_HMAC").orElseThrow());
    assertEquals("md5", rc.stanza("default").orElseThrow().get("DIGEST_TYPE").orElseThrow());
    assertEquals("rc:7", ssh.origin("SPA_SERVER"));
    assertEquals("rc:10", ssh.origin("KEY"));
    assertTrue(rc.warnings().isEmpty(), rc.warnings().toString());
  }

  @Test
  void namedStanzaOverridesDefault() throws Exception {
    RcFile rc = parse(
        "[default]", "DIGEST_TYPE sha1", "SPA_SERVER_PORT 1000", "KEY default-key",
        "[web]", "SPA_SERVER_PORT 2000", "KEY_BASE64 d2Vi");
    Settings s = rc.effective("web");
    assertEquals("sha1", s.get("DIGEST_TYPE").orElseThrow());
    assertEquals("2000", s.get("SPA_SERVER_PORT").orElseThrow());
    assertEquals("rc:6", s.origin("SPA_SERVER_PORT"));
    assertEquals("rc:2", s.origin("DIGEST_TYPE"));
    assertEquals("d2Vi", s.get("KEY_BASE64").orElseThrow());
    assertFalse(s.has("KEY"), "KEY_BASE64 in the named stanza hides KEY from [default]");
    assertEquals("1000", rc.effective(null).get("SPA_SERVER_PORT").orElseThrow());
    ConfigException e = assertThrows(ConfigException.class, () -> rc.effective("nope"));
    assertEquals("rc: no stanza named 'nope'", e.toString());
  }

  @Test
  void commandLineOverridesBoth() throws Exception {
    Settings file = parse("[default]", "HMAC_KEY_FILE /k", "ALLOW_IP 1.1.1.1", "SPA_SERVER a").effective(null);
    Settings cli = Settings.builder("command line")
        .put("HMAC_KEY", "cli-hmac", "option --key-hmac")
        .put("RESOLVE_IP_HTTPS", "Y", "option -R")
        .put("SPA_SERVER", "b", "option --destination").build();
    Settings s = RcVariables.overlay(file, cli);
    assertEquals("cli-hmac", s.get("HMAC_KEY").orElseThrow());
    assertFalse(s.has("HMAC_KEY_FILE"));
    assertFalse(s.has("ALLOW_IP"));
    assertEquals("b", s.get("SPA_SERVER").orElseThrow());
    assertEquals("option --destination", s.origin("SPA_SERVER"));
  }

  @Test
  void unknownAndIgnoredVariablesAreWarnings() throws Exception {
    RcFile rc = parse("DIGEST_TYPE md5", "[default]", "FOO bar", "WGET_CMD /usr/bin/wget", "ACCESS tcp/22");
    assertEquals(List.of(
        "rc:1: settings before the first [stanza] line are ignored",
        "rc:3: unknown variable FOO ignored",
        "rc:4: WGET_CMD ignored: spa resolves the external IP itself, without wget"), rc.warnings());
    assertEquals(Map.of("ACCESS", "tcp/22"), Map.of("ACCESS", rc.effective(null).get("ACCESS").orElseThrow()));
    assertEquals(1, rc.effective(null).keys().size());
  }

  @Test
  void unreadableLinesNameFileAndLine() {
    ConfigException noValue = assertThrows(ConfigException.class, () -> parse("[default]", "", "KEY"));
    assertEquals("rc:3: KEY: has no value", noValue.toString());
    ConfigException bracket = assertThrows(ConfigException.class, () -> parse("[default"));
    assertEquals("rc:1: stanza line '[default' has no closing ']'", bracket.toString());
    ConfigException empty = assertThrows(ConfigException.class, () -> parse("[ ]"));
    assertEquals("rc:1: empty stanza name", empty.toString());
    ConfigException junk = assertThrows(ConfigException.class, () -> parse("[x]", "=KEY v"));
    assertEquals("rc:2: expected 'VARIABLE value', got '=KEY v'", junk.toString());
    ConfigException glued = assertThrows(ConfigException.class, () -> parse("[x]", "KEY=v"));
    assertTrue(glued.toString().startsWith("rc:2: "), glued.toString());
  }

  @Test
  void readsFromDisk(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("fwknoprc");
    Files.writeString(f, "[default]\nKEY s\u00e9cret\n");
    RcFile rc = RcFile.read(f);
    assertEquals("s\u00e9cret", rc.effective(null).get("KEY").orElseThrow());
    assertEquals(f + ":2", rc.effective(null).origin("KEY"));
    ConfigException missing = assertThrows(ConfigException.class, () -> RcFile.read(dir.resolve("none")));
    assertEquals(dir.resolve("none") + ": no such rc file", missing.toString());
  }
}
