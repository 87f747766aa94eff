package spa.fw.nftables;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.jna.LastErrorException;
import org.junit.jupiter.api.Test;
import spa.core.FirewallException;

/** libc as the plugin maps it: a failed call is a LastErrorException with its errno, a missing namespace one line. */
class NetnsTest {

  @Test
  void aFailedCallCarriesItsErrno() {
    LastErrorException e = assertThrows(LastErrorException.class, () -> Netns.libc().close(-1));
    assertEquals(9, e.getErrorCode(), "EBADF: " + e.getMessage());
  }

  @Test
  void aMissingNamespaceIsOneLine() {
    FirewallException e = assertThrows(FirewallException.class, () -> Netns.call("spa-test-no-such-netns", () -> 1));
    assertTrue(e.getMessage().startsWith("cannot enter network namespace spa-test-no-such-netns: "), e.getMessage());
    assertEquals(7, (int) assertDoesNotThrowCall());
  }

  private static Integer assertDoesNotThrowCall() {
    try {
      return Netns.call(null, () -> 7);
    } catch (FirewallException e) {
      throw new AssertionError(e);
    }
  }
}
