package spa.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class IpAddressesTest {

  /** Text that InetAddress would read as a short-form IPv4 address or hand to the resolver is not a literal. */
  @ParameterizedTest
  @ValueSource(strings = {"1.2.3", "1", "1..2", "999.1.1.1", "010.0.0.1", "host", "1.2.3.4.", "a:b:zz", "abc", "dead", ""})
  void onlyNumericLiteralsAreAddresses(String text) {
    assertNull(IpAddresses.literal(text));
  }

  @ParameterizedTest
  @ValueSource(strings = {"198.18.0.2", "fd00::2", "::ffff:198.18.0.2"})
  void literalsParse(String text) {
    assertEquals(IpAddresses.text(IpAddresses.literal(text)), IpAddresses.text(IpAddresses.literal(IpAddresses.text(IpAddresses.literal(text)))));
  }
}
