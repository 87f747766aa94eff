package spa.server.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import spa.core.ConfigException;
import spa.core.ProtoPort;
import spa.server.testkit.TestKit;

class PolicyCompilerTest {
  @TempDir
  Path dir;

  private Policy compile(String server, String access) throws Exception {
    return TestKit.policy(TestKit.config(dir, server, access));
  }

  private ConfigException fails(String server, String access) {
    return assertThrows(ConfigException.class, () -> compile(server, access));
  }

  @Test
  void compilesEveryStanzaVariable() throws Exception {
    Policy p = compile("ENABLE_IPT_FORWARDING Y\nMAX_SPA_PACKET_AGE 60\n", """
        SOURCE 10.0.0.0/8
        DESTINATION 192.0.2.1
        OPEN_PORTS tcp/22, udp/53
        RESTRICT_PORTS tcp/23
        KEY fwknoptest
        HMAC_KEY hmactest
        HMAC_DIGEST_TYPE sha512
        ENCRYPTION_MODE cfb
        FW_ACCESS_TIMEOUT 45
        MAX_FW_TIMEOUT 90
        REQUIRE_USERNAME alice
        REQUIRE_SOURCE_ADDRESS Y
        ACCESS_EXPIRE 12/31/2099
        ENABLE_CMD_EXEC Y
        CMD_EXEC_USER nobody
        FORCE_NAT 192.168.1.2 2222
        FORCE_SNAT 198.18.0.1
        DISABLE_DNAT N
        """);
    Stanza s = p.stanzas().get(0);
    assertEquals(60, p.server().maxAgeSeconds());
    assertTrue(p.server().agingEnabled());
    assertTrue(s.source().matches(TestKit.addr("10.1.1.1")));
    assertTrue(s.destination().matches(TestKit.addr("192.0.2.1")));
    assertTrue(s.openPorts().contains(new ProtoPort("udp", 53)));
    assertTrue(s.restrictPorts().contains(new ProtoPort("tcp", 23)));
    assertEquals(45, s.accessTimeout());
    assertEquals(90, s.maxTimeout());
    assertEquals("alice", s.requireUser());
    assertTrue(s.requireSource());
    assertEquals(LocalDate.of(2099, 12, 31).atStartOfDay(ZoneId.systemDefault()).toEpochSecond(), s.expiresEpoch());
    assertTrue(s.cmdExec());
    assertEquals("nobody", s.cmdExecUser());
    assertEquals(2222, s.forceNat().port());
    assertEquals(TestKit.addr("198.18.0.1"), s.forceSnat());
    assertEquals(1, s.decryptors().size());
    assertEquals("aes", s.cipherNames().get(0));
    assertNull(s.cycle());
  }

  @Test
  void gnupgStanzaWithoutTheGpgPluginStopsStartUpNamingIt() {
    for (String stanza : new String[] {"SOURCE ANY\nGPG_DECRYPT_PW pw\nGPG_REMOTE_ID 0123ABCD\n",
        "SOURCE ANY\nKEY k\nGPG_ALLOW_NO_PW Y\n"}) {
      ConfigException e = fails("", stanza);
      assertTrue(e.key().startsWith("GPG_"), e.toString());
      assertTrue(e.getMessage().contains("cipher plugin 'gpg' (plugins/cipher-gpg)"), e.toString());
    }
  }

  @Test
  void agingDefaultsOffForPcapFilesOnly() throws Exception {
    assertFalse(compile("PCAP_FILE /tmp/x.pcap\n", "SOURCE ANY\nKEY k\n").server().agingEnabled());
    assertTrue(compile("PCAP_FILE /tmp/x.pcap\nENABLE_SPA_PACKET_AGING Y\n", "SOURCE ANY\nKEY k\n").server().agingEnabled());
    assertTrue(compile("", "SOURCE ANY\nKEY k\n").server().agingEnabled());
  }

  @Test
  void badValuesNameTheFileLineAndVariable() throws Exception {
    Path access = dir.resolve("access.conf");
    record Case(String access, String key, int line) {}
    Case[] cases = {
        new Case("SOURCE 10.0.0.300\nKEY k\n", "SOURCE", 1),
        new Case("SOURCE ANY\nKEY k\nOPEN_PORTS tcp/22, icmp/1\n", "OPEN_PORTS", 3),
        new Case("SOURCE ANY\nKEY k\nFW_ACCESS_TIMEOUT soon\n", "FW_ACCESS_TIMEOUT", 3),
        new Case("SOURCE ANY\nKEY k\nACCESS_EXPIRE 2099-12-31\n", "ACCESS_EXPIRE", 3),
        new Case("SOURCE ANY\nKEY k\nENCRYPTION_MODE XTS\n", "ENCRYPTION_MODE", 3),
        new Case("SOURCE ANY\nKEY k\nHMAC_KEY h\nHMAC_DIGEST_TYPE sha999\n", "HMAC_DIGEST_TYPE", 4),
        new Case("SOURCE ANY\nKEY __CHANGEME__\n", "KEY", 2),
        new Case("SOURCE ANY\nKEY same\nHMAC_KEY same\n", "HMAC_KEY", 3),
        new Case("SOURCE ANY\nOPEN_PORTS tcp/22\n", "SOURCE", 1),
        new Case("SOURCE ANY\nKEY k\nFORCE_NAT 192.168.1.2 22\n", "FORCE_NAT", 3),
        new Case("SOURCE ANY\nKEY k\nFORCE_SNAT 1.2.3.4\n", "FORCE_SNAT", 3),
        new Case("SOURCE ANY\nKEY k\nCMD_CYCLE_OPEN /bin/true\n", "CMD_CYCLE_OPEN", 3),
        new Case("SOURCE ANY\nKEY k\nCMD_CYCLE_OPEN /bin/true\nCMD_CYCLE_CLOSE /bin/false\n", "CMD_CYCLE_CLOSE", 4),
        new Case("SOURCE ANY\nKEY 012345678901234567890123456789012\n", "KEY", 2),
        new Case("SOURCE ANY\nKEY k\nENABLE_CMD_SUDO_EXEC Y\nCMD_SUDO_EXEC_USER no-such-user-spa\n", "CMD_SUDO_EXEC_USER", 4),
        new Case("SOURCE ANY\nKEY k\nENABLE_CMD_SUDO_EXEC Y\nCMD_SUDO_EXEC_GROUP no-such-group-spa\n", "CMD_SUDO_EXEC_GROUP", 4),
        new Case("SOURCE ANY\nKEY k\nACCESS_EXPIRE 2/30/2030\n", "ACCESS_EXPIRE", 3),
        new Case("SOURCE ANY\nKEY k\nACCESS_EXPIRE 13/45/2000\n", "ACCESS_EXPIRE", 3),
        new Case("SOURCE ANY\nKEY k\nACCESS_EXPIRE 3/10/25\n", "ACCESS_EXPIRE", 3),
        new Case("SOURCE ANY\nKEY k\nCMD_EXEC_USER no-such-user-spa\n", "CMD_EXEC_USER", 3),
        new Case("SOURCE ANY\nKEY k\nCMD_EXEC_USER 0\n", "CMD_EXEC_USER", 3),
        new Case("SOURCE ANY\nKEY k\nCMD_EXEC_GROUP no-such-group-spa\n", "CMD_EXEC_GROUP", 3),
        new Case("SOURCE 0.0.0.0/0\nKEY k\n", "SOURCE", 1),
        new Case("SOURCE ANY\nKEY k\nDESTINATION 198.18.0.0/0\n", "DESTINATION", 3),
    };
    for (Case c : cases) {
      ConfigException e = fails("", c.access());
      assertEquals(c.key(), e.key(), c.access() + " -> " + e);
      assertEquals(access + ":" + c.line(), e.origin(), c.access() + " -> " + e);
    }
  }

  @Test
  void accessExpireTakesOneDigitMonthAndDayAndAnExpiredStanzaStillCompiles() throws Exception {
    ZoneId utc = java.time.ZoneOffset.UTC;
    var config = TestKit.config(dir, "", "SOURCE ANY\nKEY k\nACCESS_EXPIRE 3/10/2500\n\nSOURCE ANY\nKEY j\nACCESS_EXPIRE 1/2/2000\n");
    Policy p = new PolicyCompiler(TestKit.decryptors(), () -> utc).compile(config);
    assertEquals(LocalDate.of(2500, 3, 10).atStartOfDay(utc).toEpochSecond(), p.stanzas().get(0).expiresEpoch());
    long jan2 = LocalDate.of(2000, 1, 2).atStartOfDay(utc).toEpochSecond();
    assertEquals(jan2, p.stanzas().get(1).expiresEpoch());
    assertTrue(p.stanzas().get(1).expired(jan2) && !p.stanzas().get(1).expired(jan2 - 1));
  }

  @Test
  void commandAccountsThatExistAreTaken() throws Exception {
    Stanza s = compile("", "SOURCE ANY\nKEY k\nENABLE_CMD_EXEC Y\nCMD_EXEC_USER root\nCMD_EXEC_GROUP root\n").stanzas().get(0);
    assertEquals("root", s.cmdExecUser());
  }

  @Test
  void commandCycles() throws Exception {
    Stanza s = compile("", "SOURCE ANY\nKEY k\nCMD_CYCLE_OPEN ipset add x $IP\nCMD_CYCLE_CLOSE ipset del x $IP\n"
        + "CMD_CYCLE_TIMER 20\n").stanzas().get(0);
    assertEquals("ipset add x $IP", s.cycle().open());
    assertEquals(20, s.cycle().timerSeconds());
    Stanza none = compile("", "SOURCE ANY\nKEY k\nCMD_CYCLE_OPEN /bin/true\nCMD_CYCLE_CLOSE NONE\n").stanzas().get(0);
    assertNull(none.cycle().close());
  }

  private static final String STANZA = "SOURCE ANY\nKEY fwknoptest\nHMAC_KEY hmactest\n";

  @Test
  void engineSettingsDefaultAndParse() throws Exception {
    EngineSettings d = compile("", STANZA).engine();
    assertEquals(Math.max(1, Runtime.getRuntime().availableProcessors()), d.workers());
    assertEquals(65536, d.queueSize());
    assertEquals(0, d.ratePerSource());
    EngineSettings e = compile("SPA_WORKERS 3\nSPA_QUEUE_SIZE 1024\nSPA_RATE_LIMIT 2.5\nSPA_DECRYPT_LIMIT 5000\n"
        + "LOG_EACH_DENY Y\n", STANZA).engine();
    assertEquals(new EngineSettings(3, 1024, 2.5, 5000, true, 30, false, 10_000), e);
    assertEquals(0, compile("SPA_WARM_UP 0\n", STANZA).engine().warmUp());
  }

  @Test
  void commandTimeoutsComeFromTheStanzaElseTheDaemon() throws Exception {
    Policy p = compile("CMD_EXEC_TIMEOUT 5\nCMD_CYCLE_CLOSE_AT_EXIT Y\n", STANZA + "\n" + STANZA + "CMD_EXEC_TIMEOUT 2\n");
    assertEquals(5, p.engine().commandTimeout());
    assertTrue(p.engine().cycleCloseAtExit());
    assertEquals(5, p.stanzas().get(0).commandTimeout());
    assertEquals(2, p.stanzas().get(1).commandTimeout());
    assertEquals(30, compile("", STANZA).stanzas().get(0).commandTimeout());
  }

  @Test
  void badCommandTimeoutsNameFileLineAndKey() {
    Path conf = dir.resolve("fwknopd.conf");
    for (String bad : List.of("CMD_EXEC_TIMEOUT 0", "CMD_EXEC_TIMEOUT 5s", "CMD_EXEC_TIMEOUT -1",
        "CMD_EXEC_TIMEOUT 86401", "CMD_CYCLE_CLOSE_AT_EXIT yes")) {
      ConfigException e = fails("MAX_SPA_PACKET_AGE 60\n" + bad + "\n", STANZA);
      assertEquals(bad.split(" ")[0], e.key(), bad);
      assertEquals(conf + ":2", e.origin(), bad);
    }
    ConfigException e = fails("", STANZA + "CMD_EXEC_TIMEOUT forever\n");
    assertEquals("CMD_EXEC_TIMEOUT", e.key());
    assertEquals(dir.resolve("access.conf") + ":4", e.origin());
    assertTrue(e.toString().endsWith("CMD_EXEC_TIMEOUT: 'forever' is not a whole number"), e.toString());
  }

  @Test
  void engineSettingsThatDoNotParseNameFileLineAndKey() {
    Path conf = dir.resolve("fwknopd.conf");
    for (String[] c : new String[][] {{"SPA_WORKERS abc", "SPA_WORKERS"}, {"SPA_RATE_LIMIT x", "SPA_RATE_LIMIT"},
        {"SPA_RATE_LIMIT NaN", "SPA_RATE_LIMIT"}, {"SPA_DECRYPT_LIMIT many", "SPA_DECRYPT_LIMIT"}, {"SPA_RATE_LIMIT 1e9", "SPA_RATE_LIMIT"},
        {"SPA_QUEUE_SIZE -5", "SPA_QUEUE_SIZE"}, {"SPA_WARM_UP off", "SPA_WARM_UP"}}) {
      ConfigException e = fails("MAX_SPA_PACKET_AGE 60\n" + c[0] + "\n", STANZA);
      assertEquals(c[1], e.key(), c[0]);
      assertEquals(conf + ":2", e.origin(), c[0]);
    }
  }

  @Test
  void absurdEngineSettingsAreRefusedWithTheAllowedRange() {
    assertTrue(fails("SPA_WORKERS 20000\n", STANZA).toString().endsWith("SPA_WORKERS: 20000 is outside 0..256"));
    assertTrue(fails("SPA_QUEUE_SIZE 0\n", STANZA).toString().endsWith("SPA_QUEUE_SIZE: 0 is outside 1..16777216"));
    assertTrue(fails("SPA_RATE_LIMIT 2000000\n", STANZA).toString()
        .endsWith("SPA_RATE_LIMIT: 2000000 is outside 0..1000000"));
    assertTrue(fails("SPA_WARM_UP 2000000\n", STANZA).toString().endsWith("SPA_WARM_UP: 2000000 is outside 0..1000000"));
  }
}
