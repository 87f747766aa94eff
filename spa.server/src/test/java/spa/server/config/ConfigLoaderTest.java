package spa.server.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import spa.core.ConfigException;
import spa.core.Settings;

class ConfigLoaderTest {
  @TempDir
  Path dir;

  private ServerConfig load(Path conf, Settings cli) throws ConfigException {
    return new ConfigLoader(w -> { }).load(new ConfigLoader.Sources(conf, List.of(), cli, null));
  }

  /** Loads fwknopd.conf {@code conf} and access.conf {@code access}, both mode 0600, its warnings into {@code warnings}. */
  private ServerConfig loadPrivate(String conf, String access, List<String> warnings) throws Exception {
    Path c = dir.resolve("fwknopd.conf");
    Path a = dir.resolve("access.conf");
    Files.writeString(c, conf);
    Files.writeString(a, access);
    for (Path p : List.of(c, a)) {
      Files.setPosixFilePermissions(p, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
    }
    Settings cli = Settings.builder("command line").put("ACCESS_FILE", a.toString()).build();
    return new ConfigLoader(warnings::add).load(new ConfigLoader.Sources(c, List.of(), cli, null));
  }

  @Test
  void fwknopFilesDefaultsAndCommandLineLayer() throws Exception {
    Path conf = dir.resolve("fwknopd.conf");
    Files.writeString(conf, "MAX_SPA_PACKET_AGE 60\nPCAP_INTF eth1\n");
    Files.writeString(dir.resolve("access.conf"), "SOURCE ANY\nKEY k\n");
    Settings cli = Settings.builder("command line").put("PCAP_INTF", "lo").build();
    ServerConfig c = load(conf, cli);
    assertEquals("60", c.globals().get("MAX_SPA_PACKET_AGE").orElseThrow());
    assertEquals("lo", c.globals().get("PCAP_INTF").orElseThrow());
    assertEquals("command line", c.globals().origin("PCAP_INTF"));
    assertEquals("default", c.globals().origin("PCAP_FILTER"));
    assertEquals(1, c.stanzas().size(), "access.conf beside fwknopd.conf is the default");
  }

  @Test
  void hoconAndFwknopGiveTheSameModel() throws Exception {
    Path conf = dir.resolve("fwknopd.conf");
    Files.writeString(conf, "MAX_SPA_PACKET_AGE 60\n");
    Files.writeString(dir.resolve("access.conf"),
        "SOURCE 10.0.0.0/8\nOPEN_PORTS tcp/22\nKEY_BASE64 a2V5\nHMAC_KEY_BASE64 aG1hYw\nFW_ACCESS_TIMEOUT 30\n");
    Path hocon = dir.resolve("spad.conf");
    Files.writeString(hocon, """
        MAX_SPA_PACKET_AGE = 1m
        access = [ { SOURCE = 10.0.0.0/8, OPEN_PORTS = [tcp/22], KEY_BASE64 = a2V5, HMAC_KEY_BASE64 = aG1hYw,
                     FW_ACCESS_TIMEOUT = 30s } ]
        """);
    ServerConfig a = load(conf, Settings.empty());
    ServerConfig b = load(hocon, Settings.empty());
    assertEquals(a.globals().get("MAX_SPA_PACKET_AGE"), b.globals().get("MAX_SPA_PACKET_AGE"));
    Settings sa = a.stanzas().get(0).settings();
    Settings sb = b.stanzas().get(0).settings();
    assertEquals(sa.keys(), sb.keys());
    for (String k : sa.keys()) {
      assertEquals(sa.get(k), sb.get(k), k);
    }
  }

  @Test
  void accessFileFromCommandLineWinsOverInlineStanzas() throws Exception {
    Path hocon = dir.resolve("spad.conf");
    Files.writeString(hocon, "access = [ { SOURCE = 1.1.1.1, KEY = a } ]\n");
    Path other = dir.resolve("other.conf");
    Files.writeString(other, "SOURCE 2.2.2.2\nKEY b\n");
    assertEquals("1.1.1.1", load(hocon, Settings.empty()).stanzas().get(0).settings().get("SOURCE").orElseThrow());
    Settings cli = Settings.builder("command line").put("ACCESS_FILE", other.toString()).build();
    assertEquals("2.2.2.2", load(hocon, cli).stanzas().get(0).settings().get("SOURCE").orElseThrow());
  }

  @Test
  void emptyAccessAndDuplicateNamesStopStartUp() throws Exception {
    Path conf = dir.resolve("fwknopd.conf");
    Files.writeString(conf, "");
    Files.writeString(dir.resolve("access.conf"), "# nothing\n");
    assertTrue(assertThrows(ConfigException.class, () -> load(conf, Settings.empty())).getMessage()
        .contains("no access stanzas"));
    Files.writeString(dir.resolve("access.conf"), "SOURCE ANY\nNAME x\nKEY a\nSOURCE ANY\nNAME x\nKEY b\n");
    ConfigException e = assertThrows(ConfigException.class, () -> load(conf, Settings.empty()));
    assertEquals("NAME", e.key());
    assertEquals(dir.resolve("access.conf") + ":5", e.origin());
  }

  @Test
  void dumpMasksSecrets() throws Exception {
    Path conf = dir.resolve("fwknopd.conf");
    Files.writeString(conf, "PCAP_INTF eth9\n");
    Files.writeString(dir.resolve("access.conf"),
        "SOURCE ANY\nKEY supersecretkey\nHMAC_KEY_BASE64 c2VjcmV0aG1hYw\nHMAC_DIGEST_TYPE sha512\nGPG_DECRYPT_PW pw123\n");
    String dump = ConfigDump.render(load(conf, Settings.empty()));
    assertFalse(dump.contains("supersecretkey"), dump);
    assertFalse(dump.contains("c2VjcmV0aG1hYw"), dump);
    assertFalse(dump.contains("pw123"), dump);
    assertTrue(dump.contains("sha512"), dump);
    assertTrue(dump.contains("eth9"), dump);
    assertTrue(dump.contains("********"), dump);
    assertTrue(dump.contains(conf + ":1"), dump);
  }

  @Test
  void numericSettingsThatDoNotParseStopStartUpWithFileLineAndKey() throws Exception {
    Files.writeString(dir.resolve("access.conf"), "SOURCE ANY\nKEY k\n");
    Path conf = dir.resolve("fwknopd.conf");
    String[][] cases = {
        {"UDPSERV_PORT 70000", "UDPSERV_PORT", "70000 is outside 1..65535"},
        {"TCPSERV_PORT abc", "TCPSERV_PORT", "'abc' is not a whole number (1..65535)"},
        {"PCAP_DISPATCH_COUNT 0", "PCAP_DISPATCH_COUNT", "0 is outside 1..8388608"},
        {"VERBOSE lots", "VERBOSE", "'lots' is not a whole number (0 or more)"},
        {"VERBOSE -1", "VERBOSE", "-1 is outside 0 or more"},
        {"PCAP_LOOP_SLEEP 8388609", "PCAP_LOOP_SLEEP", "8388609 is outside 1..8388608"},
        {"SYSLOG_FACILITY LOG_AUTH", "SYSLOG_FACILITY", "'LOG_AUTH' is not one of LOG_DAEMON, LOG_LOCAL0 .. LOG_LOCAL7"},
        {"FWKNOP_RUN_DIR run/spad", "FWKNOP_RUN_DIR", "'run/spad' is not an absolute path"},
        {"MAX_SNIFF_BYTES 40000", "MAX_SNIFF_BYTES", "40000 is outside 1..32768"},
        {"SPA_UDP_RECEIVE_BUFFER 32M", "SPA_UDP_RECEIVE_BUFFER", "'32M' is not a whole number (4096..1073741824)"},
        {"SPA_PCAP_BUFFER_SIZE 1024", "SPA_PCAP_BUFFER_SIZE", "1024 is outside 4096..1073741824"},
    };
    for (String[] c : cases) {
      Files.writeString(conf, "PCAP_INTF eth1\n" + c[0] + "\n");
      ConfigException e = assertThrows(ConfigException.class, () -> load(conf, Settings.empty()), c[0]);
      assertEquals(conf + ":2: " + c[1] + ": " + c[2], e.toString(), c[0]);
    }
    Files.writeString(conf, "UDPSERV_PORT 62202\nPCAP_DISPATCH_COUNT 1\nVERBOSE 99999999999\nSYSLOG_FACILITY log_local7\n");
    assertEquals("62202", load(conf, Settings.empty()).globals().get("UDPSERV_PORT").orElseThrow());
  }

  @Test
  void hoconNumericSettingsAreCheckedToo() throws Exception {
    Path hocon = dir.resolve("spad.conf");
    Files.writeString(hocon, "UDPSERV_PORT = 70000\naccess = [ { SOURCE = ANY, KEY = k } ]\n");
    ConfigException e = assertThrows(ConfigException.class, () -> load(hocon, Settings.empty()));
    assertEquals(hocon + ":1: UDPSERV_PORT: 70000 is outside 1..65535", e.toString());
  }

  @Test
  void anyStanzaWithoutRequireSourceAddressWarnsAndSkippedStanzasAreCounted() throws Exception {
    java.util.ArrayList<String> warnings = new java.util.ArrayList<>();
    ServerConfig c = loadPrivate("", "SOURCE 198.18.0.1, any\nKEY k\n\nSOURCE ANY\nREQUIRE_SOURCE_ADDRESS Y\nKEY j\n\n"
        + "SOURCE 198.18.0.2\nKEY i\n\nSOURCE 198.18.0.3\n%include_keys no-such.keys\n", warnings);
    Path access = dir.resolve("access.conf");
    assertEquals(3, c.stanzas().size());
    assertEquals(1, c.skipped().size());
    assertEquals(2, warnings.size(), warnings.toString());
    assertTrue(warnings.get(0).startsWith(access + ":12: %include_keys: no such file: ")
        && warnings.get(0).endsWith("the stanza at " + access + ":11 is skipped, the others are used"), warnings.get(0));
    assertTrue(warnings.get(1).startsWith(access + ":1: SOURCE: stanza #1 accepts ANY source without "
        + "REQUIRE_SOURCE_ADDRESS Y"), warnings.get(1));
  }

  /** The capture plugins' own variables are known ones: only a misspelt name is "unknown". */
  @Test
  void theUdpCapturesBindAddressIsAKnownVariable() throws Exception {
    java.util.ArrayList<String> warnings = new java.util.ArrayList<>();
    ServerConfig c = loadPrivate("SPA_UDP_BIND_ADDRESS 127.0.0.1\nSPA_UDP_BIND_ADRESS 127.0.0.1\n",
        "SOURCE ANY\nREQUIRE_SOURCE_ADDRESS Y\nKEY k\n", warnings);
    assertEquals(List.of(dir.resolve("fwknopd.conf") + ":2: SPA_UDP_BIND_ADRESS: unknown variable, passed to plugins only"),
        warnings);
    assertEquals("127.0.0.1", c.globals().get("SPA_UDP_BIND_ADDRESS").orElseThrow());
  }

  /** The nftables and iptables plugins' settings, as the README documents them, load without an "unknown" warning. */
  @Test
  void theFirewallPluginsVariablesAreKnownOnes() throws Exception {
    java.util.ArrayList<String> warnings = new java.util.ArrayList<>();
    ServerConfig c = loadPrivate("NFT_MODE embedded\nNFT_TABLE filter\nNFT_FAMILY inet\nNFT_PREFIX spa_\n"
        + "NFT_PROTECTED_PORTS tcp/22\nNFT_FORWARD_DROP N\nNFT_EXE /usr/sbin/nft\nENABLE_IP6TABLES N\n"
        + "IP6TABLES_EXE /usr/sbin/ip6tables\nNFT_MOD own\n", "SOURCE ANY\nREQUIRE_SOURCE_ADDRESS Y\nKEY k\n", warnings);
    assertEquals(List.of(dir.resolve("fwknopd.conf") + ":10: NFT_MOD: unknown variable, passed to plugins only"),
        warnings);
    assertEquals("tcp/22", c.globals().get("NFT_PROTECTED_PORTS").orElseThrow());
    assertEquals("embedded", c.globals().get("NFT_MODE").orElseThrow());
  }
}
