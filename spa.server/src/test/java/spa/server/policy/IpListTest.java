package spa.server.policy;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static spa.server.testkit.TestKit.addr;

import org.junit.jupiter.api.Test;

class IpListTest {
  @Test
  void matchesAddressesNetsMasksAndAny() {
    IpList l = IpList.parse("192.168.1.5, 10.0.0.0/8,172.16.0.0/255.255.0.0, fd00::/8");
    assertTrue(l.matches(addr("192.168.1.5")));
    assertFalse(l.matches(addr("192.168.1.6")));
    assertTrue(l.matches(addr("10.200.3.4")));
    assertFalse(l.matches(addr("11.0.0.1")));
    assertTrue(l.matches(addr("172.16.9.9")));
    assertFalse(l.matches(addr("172.17.0.1")));
    assertTrue(l.matches(addr("fd12::1")));
    assertFalse(l.matches(addr("fe80::1")));
    assertTrue(IpList.parse("ANY").matches(addr("8.8.8.8")));
    assertTrue(IpList.parse("any").matches(addr("::1")));
    assertTrue(IpList.parse("128.0.0.0/1").matches(addr("200.1.2.3")));
    assertFalse(IpList.parse("128.0.0.0/1").matches(addr("1.2.3.4")));
  }

  @Test
  void refusesWhatIsNotAnAddress() {
    for (String bad : new String[] {"", "host.example", "1.2.3", "1.2.3.4/33", "256.1.1.1", "1.2.3.4/255.0.255.0",
        "1.2.3.4.5", "::g", "1.2.3.4/", "0.0.0.0/0", "1.2.3.0/0", "1.2.3.0/0.0.0.0", "::/0", "1.1.1.1, 0.0.0.0/0"}) {
      assertThrows(IllegalArgumentException.class, () -> IpList.parse(bad), bad);
    }
  }
}
