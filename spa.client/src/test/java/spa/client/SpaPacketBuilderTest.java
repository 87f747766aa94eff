package spa.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import spa.core.DigestType;
import spa.core.MessageType;
import spa.core.ProtoPort;
import spa.core.SpaException;
import spa.core.SpaMessage;
import spa.core.codec.SpaCodec;

class SpaPacketBuilderTest {
  private static final Clock CLOCK = Clock.fixed(Instant.ofEpochSecond(1_700_000_000L), ZoneOffset.UTC);

  private SpaPacketBuilder builder() throws Exception {
    return new SpaPacketBuilder(TestKeys.encryptor(), CLOCK, new SecureRandom());
  }

  @Test
  void packetDecryptsAndDecodesToTheRequest() throws Exception {
    SpaRequest r = SpaRequest.access("alice", "10.0.0.5", List.of(new ProtoPort("tcp", 22)))
        .withNat("192.168.1.2,22", false).withClientTimeout(60).withDigestType(DigestType.SHA512)
        .withTimeOffset(-3600);
    SpaPacket p = builder().build(r);
    String plaintext = TestKeys.decrypt(p.wire());
    assertEquals(p.plaintext(), plaintext);
    SpaMessage m = SpaCodec.decode(plaintext);
    assertEquals("alice", m.user());
    assertEquals(1_700_000_000L - 3600, m.timestamp());
    assertEquals(MessageType.CLIENT_TIMEOUT_NAT_ACCESS, m.type());
    assertEquals("10.0.0.5,tcp/22", m.message());
    assertEquals("192.168.1.2,22", m.natAccess());
    assertEquals(60, m.clientTimeout());
    assertEquals(DigestType.SHA512, m.digestType());
    assertTrue(m.random().matches("\\d{16}"));
    assertEquals(p.encodedData() + ":" + p.digest(), p.plaintext());
    assertFalse(p.wire().startsWith("U2FsdGVkX1"), "the fixed prefix is not sent");
  }

  @Test
  void everyPacketIsFresh() throws Exception {
    SpaRequest r = SpaRequest.access("alice", "10.0.0.5", List.of(new ProtoPort("tcp", 22)));
    SpaPacketBuilder b = builder();
    SpaPacket one = b.build(r);
    SpaPacket two = b.build(r);
    assertNotEquals(one.message().random(), two.message().random());
    assertNotEquals(one.wire(), two.wire());
  }

  @Test
  void invalidFieldsAreRefusedWithTheField() throws Exception {
    SpaRequest badIp = SpaRequest.access("alice", "10.0.0", List.of(new ProtoPort("tcp", 22)));
    SpaException e = assertThrows(SpaException.class, () -> builder().build(badIp));
    assertEquals(SpaException.Kind.ENCODE, e.kind());
    assertEquals("message", e.field());
    SpaRequest badUser = SpaRequest.access("a:b", "10.0.0.5", List.of(new ProtoPort("tcp", 22)));
    assertEquals("username", assertThrows(SpaException.class, () -> builder().build(badUser)).field());
  }
}
