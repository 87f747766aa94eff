package spa.client.rc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import spa.client.SpaRequest;
import spa.core.ConfigException;
import spa.core.DigestType;
import spa.core.EncryptionMode;
import spa.core.MessageType;

class ClientConfigTest {

  private static ClientConfig config(String... lines) throws ConfigException {
    String[] all = new String[lines.length + 1];
    all[0] = "[default]";
    System.arraycopy(lines, 0, all, 1, lines.length);
    return ClientConfig.from(RcFile.parse("rc", List.of(all)).effective(null));
  }

  private static String error(String... lines) {
    return assertThrows(ConfigException.class, () -> config(lines)).toString();
  }

  @Test
  void defaultsAreFwknops() throws Exception {
    ClientConfig c = config("ACCESS tcp/22");
    assertNull(c.server());
    assertEquals(62201, c.port());
    assertEquals("udp", c.proto());
    assertEquals(DigestType.SHA256, c.digestType());
    assertEquals(EncryptionMode.CBC, c.encryptionMode());
    assertFalse(c.useHmac());
    assertEquals(DigestType.SHA256, c.hmacDigestType());
    assertNull(c.allowIp());
    assertEquals("Fwknop/2.6.10", c.userAgent());
  }

  @Test
  void typesEveryVariable() throws Exception {
    ClientConfig c = config("SPA_SERVER fw.example", "SPA_SERVER_PORT 999", "SPA_SERVER_PROTO HTTP",
        "SPA_SOURCE_PORT 5555", "FW_TIMEOUT 45", "TIME_OFFSET -2h", "DIGEST_TYPE sha3_512", "ENCRYPTION_MODE ctr",
        "HMAC_KEY k", "HMAC_DIGEST_TYPE sha384", "SPOOF_USER bob", "ALLOW_IP source", "HTTP_PROXY proxy:3128",
        "SERVER_RESOLVE_IPV4 Y", "VERBOSE Y");
    assertEquals("fw.example", c.server());
    assertEquals(999, c.port());
    assertEquals("http", c.proto());
    assertEquals(5555, c.sourcePort());
    assertEquals(45, c.clientTimeout());
    assertEquals(-7200, c.timeOffset());
    assertEquals(DigestType.SHA3_512, c.digestType());
    assertEquals(EncryptionMode.CTR, c.encryptionMode());
    assertTrue(c.useHmac(), "an HMAC key turns the HMAC on");
    assertEquals(DigestType.SHA384, c.hmacDigestType());
    assertEquals("bob", c.spoofUser());
    assertInstanceOf(AllowIp.Source.class, c.allowIp());
    assertEquals("proxy", c.httpProxy().host());
    assertEquals(3128, c.httpProxy().port());
    assertTrue(c.ipv4Only());
    assertTrue(c.verbose());
    assertEquals(90, ClientConfig.from(spa.core.Settings.of(java.util.Map.of("TIME_OFFSET", "90"), "x")).timeOffset());
    assertEquals(300, config("TIME_OFFSET 5m").timeOffset());
    assertEquals(86400, config("TIME_OFFSET +1d").timeOffset());
    assertInstanceOf(AllowIp.Resolve.class, config("RESOLVE_IP_HTTPS Y").allowIp());
    assertEquals("http://www.cipherdyne.org/cgi-bin/myip",
        ((AllowIp.Resolve) config("ALLOW_IP resolve", "RESOLVE_HTTP_ONLY Y").allowIp()).url().toString());
    assertEquals("http://127.0.0.1:8/ip",
        ((AllowIp.Resolve) config("ALLOW_IP resolve", "RESOLVE_URL http://127.0.0.1:8/ip").allowIp()).url().toString());
  }

  @Test
  void badValuesNameFileLineAndVariable() {
    assertEquals("rc:2: SPA_SERVER_PORT: '99999' is not a port number 1..65535", error("SPA_SERVER_PORT 99999"));
    assertEquals("rc:3: DIGEST_TYPE: unknown digest 'sha2'; use md5, sha1, sha256, sha384, sha512, sha3_256, sha3_512",
        error("ACCESS tcp/22", "DIGEST_TYPE sha2"));
    assertEquals("rc:2: SPA_SERVER_PROTO: unknown server protocol 'smtp'; use udp, tcp, http, udpraw, tcpraw or icmp",
        error("SPA_SERVER_PROTO smtp"));
    assertEquals("rc:2: SPOOF_SOURCE_IP: a spoofed source needs a raw mode: -P udpraw, tcpraw or icmp (as root)",
        error("SPOOF_SOURCE_IP 198.18.0.9"));
    assertEquals("rc:3: SPOOF_SOURCE_IP: 'fd00::1' is not an IPv4 address",
        error("SPA_SERVER_PROTO icmp", "SPOOF_SOURCE_IP fd00::1"));
    assertEquals("rc:2: FW_TIMEOUT: '70000' is not a number of seconds 0..65536", error("FW_TIMEOUT 70000"));
    assertEquals("rc:2: ALLOW_IP: '10.0.0' is not an IPv4 address, 'source' or 'resolve'", error("ALLOW_IP 10.0.0"));
    assertTrue(error("ACCESS icmp/0").startsWith("rc:2: ACCESS: "));
    assertTrue(error("ENCRYPTION_MODE pcbc").startsWith("rc:2: ENCRYPTION_MODE: unknown mode 'pcbc'"));
    assertTrue(error("TIME_OFFSET 3x").startsWith("rc:2: TIME_OFFSET: '3x' is not a time offset"));
    assertTrue(error("SPOOF_USER a:b").startsWith("rc:2: SPOOF_USER: character ':'"));
    assertTrue(error("NAT_ACCESS a,b,c").startsWith("rc:2: NAT_ACCESS: expected host"));
    assertTrue(error("RESOLVE_URL ftp://x/").startsWith("rc:2: RESOLVE_URL: "));
  }

  @Test
  void natFollowsFwknopsRules() throws Exception {
    Random rnd = new Random(1);
    SpaRequest plain = config("ACCESS tcp/22,udp/53", "NAT_ACCESS 192.168.1.2").request("u", "10.0.0.5", rnd);
    assertEquals("192.168.1.2,22", plain.natAccess(), "no NAT port: the first access port");
    assertEquals(MessageType.NAT_ACCESS, plain.messageType());
    assertEquals("10.0.0.5,tcp/22,udp/53", plain.message());

    SpaRequest colon = config("ACCESS tcp/22", "NAT_ACCESS 192.168.1.2:99", "FW_TIMEOUT 30").request("u", "1.2.3.4", rnd);
    assertEquals("192.168.1.2,99", colon.natAccess());
    assertEquals(MessageType.CLIENT_TIMEOUT_NAT_ACCESS, colon.messageType());

    SpaRequest local = config("ACCESS tcp/22,tcp/80", "SPA_SERVER fw.example", "NAT_LOCAL Y").request("u", "1.2.3.4", rnd);
    assertEquals("fw.example,22", local.natAccess());
    assertEquals(MessageType.LOCAL_NAT_ACCESS, local.messageType());

    SpaRequest natPort = config("ACCESS tcp/22", "NAT_ACCESS 192.168.1.2", "NAT_PORT 4444").request("u", "1.2.3.4", rnd);
    assertEquals("1.2.3.4,tcp/4444", natPort.message());
    assertEquals("192.168.1.2,22", natPort.natAccess());

    SpaRequest randPort = config("ACCESS udp/53", "NAT_RAND_PORT Y").request("u", "1.2.3.4", rnd);
    int p = randPort.access().get(0).port();
    assertTrue(p >= 10000 && p <= 65534, "random port " + p);
    assertEquals("udp", randPort.access().get(0).proto());
    assertEquals(MessageType.ACCESS, randPort.messageType());

    ConfigException multi = assertThrows(ConfigException.class,
        () -> config("ACCESS tcp/22,udp/53", "NAT_PORT 4444").request("u", "1.2.3.4", rnd));
    assertEquals("rc:3: NAT_PORT: replacing the access port needs exactly one proto/port in ACCESS, not 2", multi.toString());
    ConfigException noServer = assertThrows(ConfigException.class,
        () -> config("ACCESS tcp/22", "NAT_LOCAL Y").request("u", "1.2.3.4", rnd));
    assertTrue(noServer.toString().startsWith("rc:3: NAT_LOCAL: local NAT needs the server"), noServer.toString());
  }

  @Test
  void commandWinsOverAccessAndNothingIsAnError() throws Exception {
    ClientConfig c = ClientConfig.from(spa.core.Settings.of(
        java.util.Map.of("ACCESS", "tcp/22", "SERVER_CMD", "echo hi", "FW_TIMEOUT", "30"), "x"));
    SpaRequest r = c.request("u", "1.2.3.4", new Random());
    assertEquals(MessageType.COMMAND, r.messageType());
    assertEquals("1.2.3.4,echo hi", r.message());
    ConfigException none = assertThrows(ConfigException.class, () -> config("SPA_SERVER x").request("u", "1.2.3.4", new Random()));
    assertTrue(none.getMessage().startsWith("nothing to request"), none.getMessage());
  }

  @Test
  void randomDestinationPort() throws Exception {
    ClientConfig c = config("SPA_SERVER fw.example", "RAND_PORT Y");
    int p = c.destination(new Random(7)).port();
    assertTrue(p >= 10000 && p <= 65534);
    assertEquals(62201, config("SPA_SERVER fw.example").destination(new Random()).port());
    assertThrows(ConfigException.class, () -> config("ACCESS tcp/22").destination(new Random()));
  }
}
