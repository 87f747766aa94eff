package spa.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;
import spa.core.MessageType;
import spa.core.ProtoPort;

class SpaRequestTest {
  private static final List<ProtoPort> SSH = List.of(new ProtoPort("tcp", 22));

  @Test
  void typeFollowsFwknopSelection() {
    SpaRequest access = SpaRequest.access("alice", "10.0.0.5", SSH);
    assertEquals(MessageType.ACCESS, access.messageType());
    assertEquals(MessageType.CLIENT_TIMEOUT_ACCESS, access.withClientTimeout(60).messageType());
    SpaRequest nat = access.withNat("192.168.1.2,22", false);
    assertEquals(MessageType.NAT_ACCESS, nat.messageType());
    assertEquals(MessageType.CLIENT_TIMEOUT_NAT_ACCESS, nat.withClientTimeout(5).messageType());
    SpaRequest local = access.withNat("server,22", true);
    assertEquals(MessageType.LOCAL_NAT_ACCESS, local.messageType());
    assertEquals(MessageType.CLIENT_TIMEOUT_LOCAL_NAT_ACCESS, local.withClientTimeout(5).messageType());
    SpaRequest cmd = SpaRequest.command("alice", "10.0.0.5", "touch /tmp/x");
    assertEquals(MessageType.COMMAND, cmd.messageType());
    assertEquals(MessageType.COMMAND, cmd.withClientTimeout(30).messageType());
    assertEquals(MessageType.ACCESS, access.withClientTimeout(60).withClientTimeout(0).messageType());
  }

  @Test
  void messageJoinsAllowIpAndRequest() {
    List<ProtoPort> two = List.of(new ProtoPort("tcp", 22), new ProtoPort("udp", 53));
    assertEquals("10.0.0.5,tcp/22,udp/53", SpaRequest.access("a", "10.0.0.5", two).message());
    assertEquals("0.0.0.0,echo hi", SpaRequest.command("a", "0.0.0.0", "echo hi").message());
  }

  @Test
  void requestIsAccessOrCommandNotBoth() {
    assertThrows(IllegalArgumentException.class,
        () -> new SpaRequest("a", "1.2.3.4", SSH, "cmd", null, false, 0, spa.core.DigestType.SHA256, 0));
    assertThrows(IllegalArgumentException.class,
        () -> new SpaRequest("a", "1.2.3.4", List.of(), null, null, false, 0, spa.core.DigestType.SHA256, 0));
    assertThrows(IllegalArgumentException.class,
        () -> new SpaRequest("a", "1.2.3.4", SSH, null, null, true, 0, spa.core.DigestType.SHA256, 0));
  }
}
