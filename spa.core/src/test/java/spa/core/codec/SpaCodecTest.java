package spa.core.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import spa.core.DigestType;
import spa.core.MessageType;
import spa.core.ProtoPort;
import spa.core.SpaException;
import spa.core.SpaMessage;

class SpaCodecTest {

  @Test
  void decodesRealFwknopAccessPlaintext() throws Exception {
    SpaMessage m = SpaCodec.decode(
        "1258414767201474:cm9vdA:1795249742:3.0.0:1:MTAuMC4wLjUsdGNwLzIy:hHZ6QfX3sPodo/g1b8Mb1JCLs+vgQ4zauWLVxbabKwo");
    assertEquals("1258414767201474", m.random());
    assertEquals("root", m.user());
    assertEquals(1795249742L, m.timestamp());
    assertEquals(MessageType.ACCESS, m.type());
    assertEquals("10.0.0.5", m.allowIp());
    assertEquals(0x0a000005L, m.allowIpv4());
    assertEquals(List.of(new ProtoPort("tcp", 22)), m.access());
    assertEquals(DigestType.SHA256, m.digestType());
    assertNull(m.natAccess());
    assertEquals(0, m.clientTimeout());
  }

  @Test
  void decodesRealFwknopNatWithTimeout() throws Exception {
    SpaMessage m = SpaCodec.decode("1632882872506470:cm9vdA:1795249747:3.0.0:4:MTAuMC4wLjUsdGNwLzIy:"
        + "MTkyLjE2OC4xLjIsMjI:60:mpBlORFtnMXBovmOnOY79t3tjtUAj4EUqvkKCSYXVG4");
    assertEquals(MessageType.CLIENT_TIMEOUT_NAT_ACCESS, m.type());
    assertEquals("192.168.1.2,22", m.natAccess());
    assertEquals("192.168.1.2", m.natHost());
    assertEquals(22, m.natPort());
    assertEquals(60, m.clientTimeout());
  }

  @Test
  void decodesRealFwknopCommand() throws Exception {
    SpaMessage m = SpaCodec.decode("2040037830194672:cm9vdA:1795249747:3.0.0:0:MTAuMC4wLjUsdG91Y2ggL3RtcC94:"
        + "mS8/cqWcGNRKqMYScvt13lcqCVNPb9zDiUKCUf0c7ds");
    assertEquals(MessageType.COMMAND, m.type());
    assertEquals("touch /tmp/x", m.command());
    assertEquals(List.of(), m.access());
  }

  @Test
  void encodeReproducesFwknopPlaintextExactly() throws Exception {
    SpaMessage m = SpaMessage.builder().random("1632882872506470").user("root").timestamp(1795249747L)
        .type(MessageType.NAT_ACCESS).access("10.0.0.5", "tcp/22").natAccess("192.168.1.2,22").clientTimeout(60)
        .build();
    assertEquals(MessageType.CLIENT_TIMEOUT_NAT_ACCESS, m.type());
    assertEquals("1632882872506470:cm9vdA:1795249747:3.0.0:4:MTAuMC4wLjUsdGNwLzIy:"
        + "MTkyLjE2OC4xLjIsMjI:60:mpBlORFtnMXBovmOnOY79t3tjtUAj4EUqvkKCSYXVG4", SpaCodec.encode(m));
  }

  @ParameterizedTest
  @EnumSource(DigestType.class)
  void everyTypeRoundTripsWithEveryDigest(DigestType digest) throws Exception {
    for (MessageType type : MessageType.values()) {
      SpaMessage.Builder b = SpaMessage.builder().random(SpaCodec.randomValue()).user("alice")
          .timestamp(1_700_000_000L).type(type).digestType(digest)
          .clientTimeout(type.hasClientTimeout() ? 45 : 0);
      if (type.isCommand()) {
        b.message("10.1.2.3,touch /tmp/x");
      } else {
        b.access("10.1.2.3", "tcp/22,udp/53");
      }
      if (type.hasNat()) {
        b.natAccess("192.168.1.2,2222");
      }
      SpaMessage m = b.build();
      assertEquals(type, m.type());
      SpaMessage back = SpaCodec.decode(SpaCodec.encode(m));
      assertEquals(m, back, type + " with " + digest);
    }
  }

  @Test
  void timeoutZeroDemotesType() {
    SpaMessage m = SpaMessage.builder().type(MessageType.CLIENT_TIMEOUT_ACCESS).clientTimeout(0).build();
    assertEquals(MessageType.ACCESS, m.type());
  }

  @Test
  void rejectsTamperedDigest() throws Exception {
    String p = SpaCodec.encode(sample());
    String bad = p.substring(0, p.length() - 1) + (p.endsWith("A") ? "B" : "A");
    SpaException e = assertThrows(SpaException.class, () -> SpaCodec.decode(bad));
    assertEquals("digest", e.field());
    assertEquals(SpaException.Kind.MESSAGE, e.kind());
  }

  @Test
  void rejectsBadFieldsNamingTheField() {
    assertField("message", "1234567890123456:YWxpY2U:1700000000:3.0.0:1:" + Base64s.encodeText("10.0.0.5,icmp/0"));
    assertField("message", "1234567890123456:YWxpY2U:1700000000:3.0.0:1:" + Base64s.encodeText("10.0.0.256,tcp/22"));
    assertField("message", "1234567890123456:YWxpY2U:1700000000:3.0.0:1:" + Base64s.encodeText("10.0.0.5,tcp/0"));
    assertField("message", "1234567890123456:YWxpY2U:1700000000:3.0.0:1:" + Base64s.encodeText("10.0.0.5,tcp/65536"));
    assertField("username", "1234567890123456:" + Base64s.encodeText("a/b") + ":1700000000:3.0.0:1:"
        + Base64s.encodeText("10.0.0.5,tcp/22"));
    assertField("timestamp", "1234567890123456:YWxpY2U:17000x0000:3.0.0:1:" + Base64s.encodeText("10.0.0.5,tcp/22"));
    assertField("message_type", "1234567890123456:YWxpY2U:1700000000:3.0.0:7:" + Base64s.encodeText("10.0.0.5,tcp/22"));
    assertField("random", "12345:YWxpY2U:1700000000:3.0.0:1:" + Base64s.encodeText("10.0.0.5,tcp/22"));
    assertField("nat_access", "1234567890123456:YWxpY2U:1700000000:3.0.0:2:" + Base64s.encodeText("10.0.0.5,tcp/22")
        + ":" + Base64s.encodeText("host 1,22"));
    assertField("client_timeout", "1234567890123456:YWxpY2U:1700000000:3.0.0:3:" + Base64s.encodeText("10.0.0.5,tcp/22")
        + ":99999999");
    assertField("message", "1234567890123456:YWxpY2U:1700000000:3.0.0:1:not*base64");
  }

  @Test
  void rejectsTooManyFieldsForType() {
    String enc = "1234567890123456:YWxpY2U:1700000000:3.0.0:1:" + Base64s.encodeText("10.0.0.5,tcp/22") + ":YQ:YQ";
    SpaException e = assertThrows(SpaException.class, () -> SpaCodec.decode(enc + ":" + Digests.b64Digest(DigestType.SHA256, enc)));
    assertEquals(SpaException.Kind.MESSAGE, e.kind());
  }

  @Test
  void acceptsServerAuthAndOldVersions() throws Exception {
    String enc = "1234567890123456:YWxpY2U:1700000000:2.0.2:1:" + Base64s.encodeText("10.0.0.5,tcp/22") + ":"
        + Base64s.encodeText("secret");
    SpaMessage m = SpaCodec.decode(enc + ":" + Digests.b64Digest(DigestType.MD5, enc));
    assertEquals("secret", m.serverAuth());
    assertEquals("2.0.2", m.version());
    assertEquals(DigestType.MD5, m.digestType());
  }

  @Test
  void garbageNeverEscapesAsAnotherException() {
    java.util.Random r = new java.util.Random(42);
    String good = "1234567890123456:YWxpY2U:1700000000:3.0.0:1:MTkyLjE2OC4xMC41LHRjcC8yMg:3RH36gCtL9yMkq1KLrmpwUtZQ1aXjrDHJcjFAGXdbRA";
    for (int i = 0; i < 20000; i++) {
      char[] c = good.toCharArray();
      int flips = 1 + r.nextInt(4);
      for (int f = 0; f < flips; f++) {
        c[r.nextInt(c.length)] = (char) r.nextInt(256);
      }
      String s = new String(c, 0, r.nextInt(c.length + 1));
      try {
        SpaCodec.decode(s);
      } catch (SpaException expected) {
        // the only permitted failure
      }
    }
  }

  @Test
  void encodeRefusesOverlongUsername() {
    SpaMessage m = SpaMessage.builder().random("1234567890123456").user("u".repeat(49)).timestamp(1)
        .access("10.0.0.5", "tcp/22").build();
    SpaException e = assertThrows(SpaException.class, () -> SpaCodec.encode(m));
    assertEquals("username", e.field());
    assertEquals(SpaException.Kind.ENCODE, e.kind());
  }

  @Test
  void lenientBase64() {
    assertEquals("ab", Base64s.decodeText("YWI"));
    assertEquals("ab", Base64s.decodeText("YWI="));
    assertEquals("ab", Base64s.decodeText("YWI=junk"));
    assertNull(Base64s.decodeText("YW-I"));
    assertEquals("a", Base64s.decodeText("YWI".substring(0, 2)));
  }

  private static void assertField(String field, String encoded) {
    String plaintext = encoded + ":" + Digests.b64Digest(DigestType.SHA256, encoded);
    SpaException e = assertThrows(SpaException.class, () -> SpaCodec.decode(plaintext));
    assertEquals(field, e.field(), e.getMessage());
  }

  private static SpaMessage sample() {
    return SpaMessage.builder().random("1234567890123456").user("alice").timestamp(1_700_000_000L)
        .access("192.168.10.5", "tcp/22").build();
  }

  /** The allow IP read in place: its value for a dotted quad, 0 for 0.0.0.0, -1 where the decoder would refuse it. */
  @Test
  void theAllowIpIsReadInPlaceAsTheDecoderChecksIt() {
    java.util.Map<String, Long> cases = new java.util.LinkedHashMap<>();
    cases.put("255.255.255.255,tcp/22", 0xffffffffL);
    cases.put("198.18.0.1,tcp/22,udp/53", 0xc6120001L);
    cases.put("0.0.0.0,tcp/22", 0L);
    cases.put("010.0.0.1,tcp/22", -1L); // octal to inet_aton: refused
    cases.put("256.0.0.1,tcp/22", -1L);
    cases.put("1.2.3,tcp/22", -1L);
    cases.put("1.2.3.4.5,tcp/22", -1L);
    cases.put(",tcp/22", -1L);
    cases.put("1.2.3.4", 0x01020304L); // no comma: the whole message
    for (var c : cases.entrySet()) {
      SpaMessage m = new SpaMessage("1234567890123456", "u", 1, "3.0.0", MessageType.ACCESS, c.getKey(), null, null, 0,
          DigestType.SHA256);
      assertEquals(c.getValue(), m.allowIpv4(), c.getKey());
      assertEquals(c.getValue() >= 0, SpaFields.isIpv4(m.allowIp()), c.getKey());
    }
  }
}
