package spa.server.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import spa.core.ConfigException;
import spa.core.Settings;

class HoconFormatTest {
  @TempDir
  Path dir;

  @Test
  void detectsTheFormat() throws Exception {
    Path h = dir.resolve("a.conf");
    Files.writeString(h, "# spad\nMAX_SPA_PACKET_AGE = 30s\n");
    Path f = dir.resolve("b.conf");
    Files.writeString(f, "# fwknop\nMAX_SPA_PACKET_AGE 30\n");
    Path a = dir.resolve("c.conf");
    Files.writeString(a, "SOURCE: ANY\nKEY x\n");
    Path inc = dir.resolve("d.conf");
    Files.writeString(inc, "include \"a.conf\"\n");
    assertTrue(HoconFormat.isHocon(h));
    assertFalse(HoconFormat.isHocon(f));
    assertFalse(HoconFormat.isHocon(a));
    assertTrue(HoconFormat.isHocon(inc));
  }

  /** The fleet's settings under their fwknopd.conf names, as README "Running a fleet" writes them in HOCON. */
  @Test
  void readsTheFleetSettings() throws Exception {
    Path h = dir.resolve("spad.conf");
    Files.writeString(h, """
        REPLAY_STORE = redis
        REDIS_URL = "redis://spa:pw@198.18.0.1:6379/1"
        REDIS_TIMEOUT = 250
        REDIS_FAULT = local
        REDIS_START = local
        REDIS_CA_FILE = /etc/spa/redis-ca.pem
        FLEET_GRANTS = true
        FLEET_ID = gw-a
        FLEET_KEY = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY="
        FLEET_STREAM = "spa:fleet:site-1"
        """);
    Settings g = HoconFormat.parse(h).globals();
    assertEquals("redis", g.get("REPLAY_STORE").orElseThrow());
    assertEquals("redis://spa:pw@198.18.0.1:6379/1", g.get("REDIS_URL").orElseThrow());
    assertEquals("250", g.get("REDIS_TIMEOUT").orElseThrow());
    assertEquals("local", g.get("REDIS_FAULT").orElseThrow());
    assertEquals("local", g.get("REDIS_START").orElseThrow());
    assertEquals("/etc/spa/redis-ca.pem", g.get("REDIS_CA_FILE").orElseThrow());
    assertTrue(g.flag("FLEET_GRANTS", false));
    assertEquals("gw-a", g.get("FLEET_ID").orElseThrow());
    assertEquals("MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=", g.get("FLEET_KEY").orElseThrow());
    assertEquals("spa:fleet:site-1", g.get("FLEET_STREAM").orElseThrow());
  }

  @Test
  void convertsValuesToFwknopForm() throws Exception {
    Path h = dir.resolve("spad.conf");
    Files.writeString(h, """
        MAX_SPA_PACKET_AGE = 2m
        ENABLE_SPA_PACKET_AGING = true
        ENABLE_IPT_FORWARDING = false
        PCAP_INTF = eth0
        nftables { table = spa, timeout-ms = 5 }
        access = [
          { name = ssh, SOURCE = ANY, OPEN_PORTS = [tcp/22, "udp/53"], KEY_BASE64 = "a2V5", FW_ACCESS_TIMEOUT = 1m,
            REQUIRE_SOURCE_ADDRESS = true, MAX_FW_TIMEOUT = 600 }
          { SOURCE = [10.0.0.0/8, 192.168.1.1], KEY = "k" }
        ]
        """);
    HoconFormat.Loaded l = HoconFormat.parse(h);
    Settings g = l.globals();
    assertEquals("120", g.get("MAX_SPA_PACKET_AGE").orElseThrow());
    assertEquals("Y", g.get("ENABLE_SPA_PACKET_AGING").orElseThrow());
    assertEquals("N", g.get("ENABLE_IPT_FORWARDING").orElseThrow());
    assertEquals("spa", g.get("nftables.table").orElseThrow());
    assertEquals("5", g.get("nftables.timeout-ms").orElseThrow());
    assertEquals(h + ":1", g.origin("MAX_SPA_PACKET_AGE"));
    List<StanzaConfig> st = l.stanzas();
    assertEquals(2, st.size());
    assertEquals("ssh", st.get(0).name());
    assertEquals("#2", st.get(1).name());
    Settings s = st.get(0).settings();
    assertEquals("tcp/22, udp/53", s.get("OPEN_PORTS").orElseThrow());
    assertEquals("60", s.get("FW_ACCESS_TIMEOUT").orElseThrow());
    assertEquals("600", s.get("MAX_FW_TIMEOUT").orElseThrow());
    assertEquals("Y", s.get("REQUIRE_SOURCE_ADDRESS").orElseThrow());
    assertEquals(h + ":7", s.origin("KEY_BASE64"));
    assertEquals("10.0.0.0/8, 192.168.1.1", st.get(1).settings().get("SOURCE").orElseThrow());
  }

  @Test
  void withoutAccessListThereAreNoStanzas() throws Exception {
    Path h = dir.resolve("g.conf");
    Files.writeString(h, "PCAP_INTF = lo\n");
    assertNull(HoconFormat.parse(h).stanzas());
  }

  @Test
  void errorsNameFileLineAndKey() throws Exception {
    Path syntax = dir.resolve("s.conf");
    Files.writeString(syntax, "A = 1\nB = [\n");
    ConfigException e = assertThrows(ConfigException.class, () -> HoconFormat.parse(syntax));
    assertTrue(e.origin().startsWith(syntax.toString()), e.toString());

    Path unknown = dir.resolve("u.conf");
    Files.writeString(unknown, "access = [\n  { SOURCE = ANY\n    KEY = k\n    OPEN_PROTS = tcp/22 }\n]\n");
    ConfigException u = assertThrows(ConfigException.class, () -> HoconFormat.parse(unknown));
    assertEquals(unknown + ":4", u.origin());
    assertEquals("OPEN_PROTS", u.key());

    Path noSource = dir.resolve("n.conf");
    Files.writeString(noSource, "access = [ { KEY = k } ]\n");
    assertEquals("SOURCE", assertThrows(ConfigException.class, () -> HoconFormat.parse(noSource)).key());

    Path badDuration = dir.resolve("d.conf");
    Files.writeString(badDuration, "access = [ { SOURCE = ANY, KEY = k, FW_ACCESS_TIMEOUT = soon } ]\n");
    assertEquals("FW_ACCESS_TIMEOUT", assertThrows(ConfigException.class, () -> HoconFormat.parse(badDuration)).key());
  }

  @Test
  void unknownTopLevelVariablesWarnOneLineEachNamingFileAndKey() throws Exception {
    Path h = dir.resolve("spad.conf");
    Files.writeString(h, "UDPSERV_PORT = 62201\nUDPSERV_PROT = 1\nnftables { table = spa }\nMAX_SPA_PAKET_AGE = 2m\n");
    List<String> warnings = new java.util.ArrayList<>();
    HoconFormat.Loaded l = HoconFormat.parse(h, warnings::add);
    assertEquals("1", l.globals().get("UDPSERV_PROT").orElseThrow(), "kept for plugins");
    assertEquals(List.of(h + ":2: UDPSERV_PROT: unknown variable, passed to plugins only",
        h + ":4: MAX_SPA_PAKET_AGE: unknown variable, passed to plugins only"), warnings.stream().sorted().toList());
  }

  @Test
  void aMissingIncludeNamesTheFile() throws Exception {
    Path h = dir.resolve("spad.conf");
    Files.writeString(h, "include \"keys.conf\"\nUDPSERV_PORT = 62201\n");
    ConfigException e = assertThrows(ConfigException.class, () -> HoconFormat.parse(h));
    assertTrue(e.toString().contains(dir.resolve("keys.conf").toString()), e.toString());
    Files.writeString(dir.resolve("keys.conf"), "MAX_SPA_PACKET_AGE = 30\n");
    assertEquals("30", HoconFormat.parse(h).globals().get("MAX_SPA_PACKET_AGE").orElseThrow(), "found once it exists");
  }
}
